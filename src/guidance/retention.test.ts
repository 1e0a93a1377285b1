// The privacy notice's periods come from the code and the configuration that enforce them.
import { describe, expect, it } from "vitest";
import { DRAFT_LIFETIME_MS } from "../cases/web/submitJourney.ts";
import { durationOf, retentionRules } from "./retention.ts";

describe("durationOf", () => {
  it("writes a length of time in its largest whole unit", () => {
    expect(durationOf(30 * 60_000)).toEqual({ unit: "minutes", count: 30 });
    expect(durationOf(90 * 60_000)).toEqual({ unit: "minutes", count: 90 });
    expect(durationOf(4 * 3_600_000)).toEqual({ unit: "hours", count: 4 });
    expect(durationOf(7 * 86_400_000)).toEqual({ unit: "days", count: 7 });
  });
});

describe("retentionRules", () => {
  it("takes the session limits from the configuration and the rest from the code", () => {
    const rules = Object.fromEntries(retentionRules({ idleMinutes: 45, maxDays: 3 }).map((r) => [r.what, r]));
    expect(rules.session!.periods).toEqual({
      idle: { unit: "minutes", count: 45 },
      max: { unit: "days", count: 3 },
    });
    expect(rules.draft!.periods.lifetime).toEqual(durationOf(DRAFT_LIFETIME_MS));
    expect(rules.account!.periods).toEqual({});
  });
});
