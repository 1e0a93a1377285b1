// The proposal rules that need no database: the threshold in force at publication (a normative act's is a
// share of the registered voters), when support closes (the end of the window's last local day), the days
// left, and the stage a proposal is at, the decision first.
import { describe, expect, it } from "vitest";
import {
  daysLeft,
  stageOf,
  supportClosesAt,
  thresholdFor,
} from "../../src/participation/proposals/proposalRules.ts";

const rules = {
  proposalThreshold: 100,
  normativeThresholdPercent: 15,
  registeredVoters: null as number | null,
};

describe("the threshold of a proposal", () => {
  it("is the municipality's number of supports for an ordinary proposal", () => {
    expect(thresholdFor({ ...rules, registeredVoters: 150_000 }, "infrastructure-proposal")).toBe(100);
  });

  it("is the legal share of the registered voters, rounded up, for a municipal act", () => {
    expect(thresholdFor({ ...rules, registeredVoters: 150_001 }, "regulation-proposal")).toBe(22_501);
  });

  it("falls back to the number of supports while the registered voters are not known", () => {
    expect(thresholdFor(rules, "regulation-proposal")).toBe(100);
  });
});

describe("the support window", () => {
  it("closes at the end of its last local day, in Kosovo's time zone", () => {
    // Published on 26 November at 23:30 local time (22:30 UTC): 30 days take it to the end of 26 December.
    const closes = supportClosesAt(new Date("2026-11-26T22:30:00Z"), 30, "Europe/Belgrade");
    expect(closes.toISOString()).toBe("2026-12-26T23:00:00.000Z");
  });

  it("counts a part of a day as a day left, and nothing once closed", () => {
    const closes = new Date("2026-12-26T23:00:00Z");
    expect(daysLeft(closes, new Date("2026-12-26T10:00:00Z"))).toBe(1);
    expect(daysLeft(closes, new Date("2026-12-20T23:00:00Z"))).toBe(6);
    expect(daysLeft(closes, new Date("2026-12-27T10:00:00Z"))).toBe(0);
  });
});

describe("the stage of a proposal", () => {
  const now = new Date("2026-12-01T10:00:00Z");
  const base = {
    caseStatus: "acknowledged",
    supportClosesAt: new Date("2026-12-20T23:00:00Z"),
    thresholdReachedAt: null as Date | null,
    expiredAt: null as Date | null,
    decision: null as string | null,
  };

  it("collects support inside its window, and not after it even before the expiry pass", () => {
    expect(stageOf(base, now)).toBe("collecting");
    expect(stageOf(base, new Date("2026-12-21T10:00:00Z"))).toBe("expired");
  });

  it("awaits the answer from the threshold, then shows the decision", () => {
    const reached = { ...base, thresholdReachedAt: now };
    expect(stageOf(reached, now)).toBe("threshold_reached");
    expect(stageOf({ ...reached, decision: "under_consideration" }, now)).toBe("under_consideration");
    expect(stageOf({ ...reached, decision: "accepted", caseStatus: "answered" }, now)).toBe("accepted");
  });

  it("is rejected or closed when the case was ended by other means", () => {
    expect(stageOf({ ...base, caseStatus: "rejected" }, now)).toBe("rejected");
    expect(stageOf({ ...base, caseStatus: "merged" }, now)).toBe("closed");
    // Answered through the case's own page while collecting: it takes no more support (found by review).
    expect(stageOf({ ...base, caseStatus: "answered" }, now)).toBe("closed");
    expect(stageOf({ ...base, caseStatus: "answered", decision: "under_consideration" }, now)).toBe("closed");
    expect(stageOf({ ...base, caseStatus: "closed", expiredAt: now }, now)).toBe("expired");
  });
});
