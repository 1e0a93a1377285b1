// The daily digest's pure parts: which local day a pass is for, whether there is anything to say, and the
// email's words in each language.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DigestContent,
  digestDay,
  digestMessage,
  hasContent,
  isLocalPath,
  URGENT_LIMIT,
} from "./digest.ts";

const TZ = "Europe/Belgrade";

describe("digestDay", () => {
  it("is the local day from the hour on, nothing before it", () => {
    // 07:00 in Belgrade is 06:00 UTC in winter (CET) and 05:00 UTC in summer (CEST).
    expect(digestDay(new Date("2026-11-27T05:59:59Z"), TZ, 7)).toBeUndefined();
    expect(digestDay(new Date("2026-11-27T06:00:00Z"), TZ, 7)).toBe("2026-11-27");
    expect(digestDay(new Date("2026-07-01T04:59:00Z"), TZ, 7)).toBeUndefined();
    expect(digestDay(new Date("2026-07-01T05:00:00Z"), TZ, 7)).toBe("2026-07-01");
  });

  it("takes the day in the time zone, not in UTC", () => {
    // 23:30 UTC on 27 November is already 00:30 on the 28th in Belgrade (and before 07:00).
    expect(digestDay(new Date("2026-11-27T23:30:00Z"), TZ, 0)).toBe("2026-11-28");
    expect(digestDay(new Date("2026-11-27T23:30:00Z"), TZ, 7)).toBeUndefined();
    expect(digestDay(new Date("2026-11-27T22:30:00Z"), TZ, 7)).toBe("2026-11-27");
  });

  it("is a date whenever it is not before the hour", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2020-01-01"), max: new Date("2035-01-01"), noInvalidDate: true }),
        fc.integer({ min: 0, max: 23 }),
        (now, hour) => {
          const day = digestDay(now, TZ, hour);
          const localHour = Number(
            new Intl.DateTimeFormat("en-GB", { timeZone: TZ, hour: "2-digit", hourCycle: "h23" }).format(now),
          );
          expect(day === undefined).toBe(localHour < hour);
          if (day) expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        },
      ),
    );
  });
});

describe("isLocalPath", () => {
  it("lets only paths on this site through", () => {
    expect(isLocalPath("/cases/PRI-2026-000001")).toBe(true);
    for (const bad of [
      "//evil.example/x",
      "https://evil.example",
      "javascript:alert(1)",
      "/\\evil",
      "",
      null,
    ])
      expect(isLocalPath(bad)).toBe(false);
  });
});

const work = (counts: Partial<Record<"overdue" | "due_soon" | "on_track" | "paused", number>>) => ({
  counts: { overdue: 0, due_soon: 0, on_track: 0, paused: 0, ...counts },
  urgent: [],
  workspacePath: "/m/prishtine/workspace",
});

describe("the digest's content", () => {
  it("has nothing to say without kept messages or open cases", () => {
    expect(hasContent({ items: [] })).toBe(false);
    expect(hasContent({ items: [], work: work({}) })).toBe(false);
    expect(hasContent({ items: [], work: work({ paused: 1 }) })).toBe(true);
    expect(hasContent({ items: [{ subject: "x", link: null }] })).toBe(true);
  });

  const at = { day: "2026-11-27", baseUrl: "https://ekomuna.example", timeZone: TZ };

  it("lists the kept messages with their links, and where to change what comes", () => {
    const content: DigestContent = {
      items: [
        { subject: "Answer to PRI-2026-000001", link: "/cases/PRI-2026-000001" },
        { subject: "A message with a foreign link", link: "//evil.example" },
      ],
    };
    const m = digestMessage("en", content, at);
    expect(m.subject).toBe("Your E-Komuna summary for Nov 27, 2026");
    expect(m.lines).toEqual([
      "2 messages since your last summary:",
      "Answer to PRI-2026-000001: https://ekomuna.example/cases/PRI-2026-000001",
      "A message with a foreign link",
      "Choose what comes in this summary: https://ekomuna.example/notifications/preferences",
    ]);
    expect(m.link).toBe("https://ekomuna.example/notifications");
  });

  it("counts the open work by deadline and lists the urgent cases, in the person's language", () => {
    const content: DigestContent = {
      items: [],
      work: {
        ...work({ overdue: 1, due_soon: 1, on_track: 3 }),
        urgent: [
          {
            code: "PRI-2026-000007",
            title: "Ndriçimi në rrugën B",
            dueAt: new Date("2026-11-20T23:00:00Z"),
            state: "overdue",
            path: "/m/prishtine/workspace/cases/PRI-2026-000007",
          },
        ],
      },
    };
    const sr = digestMessage("sr", content, at);
    expect(sr.lines[0]).toBe("Imate 5 otvorenih predmeta:");
    expect(sr.lines.join("\n")).toContain("PRI-2026-000007 – Ndriçimi në rrugën B");
    expect(sr.lines.join("\n")).toContain(
      "https://ekomuna.example/m/prishtine/workspace/cases/PRI-2026-000007",
    );
    expect(sr.link).toBe("https://ekomuna.example/m/prishtine/workspace");
    const sq = digestMessage("sq", content, at);
    expect(sq.lines[0]).toBe("Keni 5 raste të hapura:");
    expect(sq.lines.join("\n")).toContain(`(deri në ${URGENT_LIMIT})`);
    // No preferences line: the open-work email carries its own one-click unsubscribe.
    expect(sq.lines.some((l) => l.includes("/notifications/preferences"))).toBe(false);
  });
});
