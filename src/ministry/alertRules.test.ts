// The rules that raise alerts on systematic lateness, without a database: the on-time share below the level
// for months running (with enough answers due to say so), a backlog growing every month, and escalated
// cases the municipality left untouched for working days (weekends and holidays do not count).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCalendar } from "../calendar/calendar.ts";
import {
  alertCandidates,
  type BacklogMonth,
  backlogGrowing,
  DEFAULT_LEVELS,
  type EscalatedCase,
  MIN_DECIDED,
  onTimeLow,
  UNTOUCHED_LISTED,
  type UntouchedCases,
  untouchedCutoff,
  untouchedFor,
} from "./alertRules.ts";

const levels = { ...DEFAULT_LEVELS }; // 80 %, 2 months; backlog 3 months; 5 working days
const cal = buildCalendar({
  timeZone: "Europe/Belgrade",
  holidays: [
    {
      date: "2026-12-25",
      observed: "2026-12-25",
      name: { en: "Christmas", sq: "Krishtlindjet" },
      rule: "fixed",
      status: "law",
    },
  ],
  years: [2026, 2027],
});

describe("the on-time share", () => {
  const month = (m: string, met: number, decided: number) => ({ month: m, met, decided });

  it("raises when each of the last months is below the level, with the months as evidence", () => {
    const e = onTimeLow([month("2026-08", 9, 10), month("2026-09", 7, 10), month("2026-10", 31, 50)], levels);
    expect(e).toEqual({ levelPercent: 80, months: [month("2026-09", 7, 10), month("2026-10", 31, 50)] });
  });

  it("does not raise when one month of the run is at the level or above", () => {
    expect(onTimeLow([month("2026-09", 8, 10), month("2026-10", 1, 10)], levels)).toBeUndefined();
    expect(onTimeLow([month("2026-09", 1, 10), month("2026-10", 9, 10)], levels)).toBeUndefined();
  });

  it("judges a share just under the level as below (no rounding up)", () => {
    expect(onTimeLow([month("2026-09", 7999, 10000), month("2026-10", 7999, 10000)], levels)).toBeDefined();
  });

  it("ignores a month with too few answers due to say anything", () => {
    const few = MIN_DECIDED - 1;
    expect(onTimeLow([month("2026-09", 0, 10), month("2026-10", 0, few)], levels)).toBeUndefined();
    expect(onTimeLow([month("2026-09", 0, 10), month("2026-10", 0, MIN_DECIDED)], levels)).toBeDefined();
  });

  it("needs as many months as the level asks for", () => {
    expect(onTimeLow([month("2026-10", 0, 10)], levels)).toBeUndefined();
    expect(onTimeLow([month("2026-10", 0, 10)], { ...levels, onTimeMonths: 1 })).toBeDefined();
  });
});

describe("the backlog", () => {
  const months = (...backlogs: number[]): BacklogMonth[] =>
    backlogs.map((backlog, i) => ({ month: `2026-${String(i + 6).padStart(2, "0")}`, backlog }));

  it("raises when it grew in each of the last months, with the month before as the start", () => {
    expect(backlogGrowing(months(50, 10, 12, 15, 20), levels)).toEqual({
      months: months(50, 10, 12, 15, 20).slice(1),
    });
  });

  it("does not raise when it stood still or fell in one of them", () => {
    expect(backlogGrowing(months(10, 12, 12, 20), levels)).toBeUndefined();
    expect(backlogGrowing(months(10, 12, 11, 20), levels)).toBeUndefined();
    expect(backlogGrowing(months(12, 15, 20), levels)).toBeUndefined(); // three months need four ends
  });

  it("raises exactly when every step of the run goes up", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 4, maxLength: 4 }), (values) => {
        const growing = values.every((v, i) => i === 0 || v > values[i - 1]!);
        expect(backlogGrowing(months(...values), levels) !== undefined).toBe(growing);
      }),
    );
  });
});

// Monday 23 November 2026, 10:00 in Prishtinë.
const monday = new Date("2026-11-23T09:00:00Z");
const at = (days: number) => new Date(monday.getTime() + days * 86_400_000);
const escalated = (over: Partial<EscalatedCase> = {}): EscalatedCase => ({
  code: "PRI-2026-000001",
  municipalityId: 1,
  departmentId: 7,
  escalatedAt: monday,
  lastActionAt: null,
  ...over,
});

describe("escalated cases left untouched", () => {
  it("counts working days only: a weekend in between adds nothing", () => {
    expect(untouchedFor(escalated(), at(4), levels, cal)).toBeUndefined(); // Friday: 4 working days
    expect(untouchedFor(escalated(), at(6), levels, cal)).toBeUndefined(); // Sunday: still 4 and a bit
    expect(untouchedFor(escalated(), at(7), levels, cal)).toMatchObject({ workingDays: 5 }); // next Monday
  });

  it("does not count a holiday", () => {
    // Escalated Monday 21 December, 10:00: Christmas falls on Friday, so five working days pass only on Tuesday 29.
    const before = new Date("2026-12-21T09:00:00Z");
    const day = (n: number) => new Date(before.getTime() + n * 86_400_000);
    expect(untouchedFor(escalated({ escalatedAt: before }), day(7), levels, cal)).toBeUndefined();
    expect(untouchedFor(escalated({ escalatedAt: before }), day(8), levels, cal)).toBeDefined();
  });

  it("counts from the municipality's last action when it came after the escalation", () => {
    expect(untouchedFor(escalated({ lastActionAt: at(2) }), at(7), levels, cal)).toBeUndefined();
    expect(untouchedFor(escalated({ lastActionAt: at(-10) }), at(7), levels, cal)).toMatchObject({
      lastActionAt: at(-10).toISOString(),
    });
  });
});

describe("the cutoff the pass reads untouched cases up to", () => {
  it("is the instant the working days were counted from: a week back over a weekend, further over a holiday", () => {
    // Monday 30 November 10:00: five working days back is Monday 23 November 10:00.
    expect(untouchedCutoff(at(7), levels, cal)).toEqual(at(0));
    // Tuesday 29 December 10:00: Christmas (Friday 25) does not count, so it is Monday 21 December 10:00.
    expect(untouchedCutoff(new Date("2026-12-29T09:00:00Z"), levels, cal)).toEqual(
      new Date("2026-12-21T09:00:00Z"),
    );
    // On a Sunday no working time passes: the cutoff stays where Friday night left it.
    expect(untouchedCutoff(at(6), levels, cal)).toEqual(untouchedCutoff(at(5) /* Saturday */, levels, cal));
  });

  it("divides the cases exactly as untouchedFor judges them, to the millisecond", () => {
    const start = Date.parse("2026-01-05T00:00:00Z");
    const span = Date.parse("2027-11-30T00:00:00Z") - start;
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 40 * 86_400_000 }),
        fc.integer({ min: -2, max: 2 }),
        (u, days, back, nudge) => {
          const now = new Date(start + 60 * 86_400_000 + Math.floor(u * (span - 60 * 86_400_000)));
          const lv = { ...levels, untouchedWorkingDays: days };
          const cutoff = untouchedCutoff(now, lv, cal);
          // A start near the cutoff (a millisecond either side) or anywhere in the weeks before now.
          for (const since of [cutoff.getTime() + nudge, now.getTime() - back]) {
            const judged = untouchedFor(escalated({ escalatedAt: new Date(since) }), now, lv, cal);
            expect(judged !== undefined, `${new Date(since).toISOString()}`).toBe(since <= cutoff.getTime());
          }
        },
      ),
    );
  });

  it("cannot be placed in a year the calendar does not cover", () => {
    expect(() => untouchedCutoff(new Date("2026-01-02T09:00:00Z"), levels, cal)).toThrow(RangeError);
  });
});

describe("the candidates of a pass", () => {
  const now = new Date("2026-11-30T09:00:00Z");
  const at = { now, lastCompleteMonth: "2026-10", currentMonth: "2026-11", calendar: cal };
  const low = [
    { month: "2026-09", met: 1, decided: 10 },
    { month: "2026-10", met: 2, decided: 10 },
  ];
  const growing = [
    { month: "2026-07", backlog: 1 },
    { month: "2026-08", backlog: 2 },
    { month: "2026-09", backlog: 3 },
    { month: "2026-10", backlog: 4 },
  ];
  const none = {
    municipalityOnTime: new Map(),
    departmentOnTime: new Map(),
    municipalityBacklog: new Map(),
    departmentBacklog: new Map(),
    untouched: { municipalities: new Map(), departments: new Map() },
  };
  const inMunicipality = (m: Map<number, UntouchedCases>) => ({ municipalities: m, departments: new Map() });
  const kase = (code: string, escalatedAt: string, departmentId: number | null = 4): EscalatedCase => ({
    code,
    municipalityId: 3,
    departmentId,
    escalatedAt: new Date(escalatedAt),
    lastActionAt: null,
  });

  it("dates on-time and backlog alerts with the last complete month and groups untouched cases per municipality", () => {
    const { candidates, skipped } = alertCandidates(
      {
        ...none,
        municipalityOnTime: new Map([[1, low]]),
        departmentOnTime: new Map([[7, { municipalityId: 1, months: low }]]),
        municipalityBacklog: new Map([[2, growing]]),
        departmentBacklog: new Map([[8, { municipalityId: 2, months: growing }]]),
        untouched: {
          municipalities: new Map([
            [
              3,
              {
                cases: [
                  kase("GJI-2026-000001", "2026-11-02T08:00:00Z"),
                  kase("GJI-2026-000002", "2026-11-02T09:00:00Z", null),
                ],
                total: 2,
              },
            ],
          ]),
          // Department 4's own: the one case with a department (the other is the coordinator's).
          departments: new Map([
            [4, { municipalityId: 3, cases: [kase("GJI-2026-000001", "2026-11-02T08:00:00Z")], total: 1 }],
          ]),
        },
      },
      levels,
      at,
    );
    expect(skipped).toEqual([]);
    expect(candidates.map((c) => [c.kind, c.municipalityId, c.departmentId, c.month])).toEqual([
      ["on_time_low", 1, null, "2026-10"],
      ["on_time_low", 1, 7, "2026-10"],
      ["backlog_growing", 2, null, "2026-10"],
      ["backlog_growing", 2, 8, "2026-10"],
      ["escalations_untouched", 3, null, "2026-11"],
      ["escalations_untouched", 3, 4, "2026-11"],
    ]);
    expect(candidates.at(-1)!.evidence).toMatchObject({
      total: 1,
      cases: [{ code: "GJI-2026-000001", departmentId: 4 }],
    });
    expect(candidates.at(-2)!.evidence).toMatchObject({
      days: 5,
      total: 2,
      cases: [
        { code: "GJI-2026-000001", departmentId: 4, workingDays: 20 },
        { code: "GJI-2026-000002", departmentId: null, workingDays: 20 },
      ],
    });
  });

  it("raises a department's backlog alert only when its own backlog grew every month of the run", () => {
    const flat = growing.map((m, i) => ({ ...m, backlog: i === 2 ? 2 : m.backlog }));
    const { candidates } = alertCandidates(
      {
        ...none,
        departmentBacklog: new Map([
          [8, { municipalityId: 2, months: growing }],
          [9, { municipalityId: 2, months: flat }],
        ]),
      },
      levels,
      at,
    );
    expect(candidates).toEqual([
      {
        kind: "backlog_growing",
        municipalityId: 2,
        departmentId: 8,
        month: "2026-10",
        evidence: { months: growing },
      },
    ]);
  });

  it("names the longest escalated cases and counts them all", () => {
    const cases = Array.from({ length: UNTOUCHED_LISTED + 5 }, (_, i) =>
      kase(`GJI-2026-${String(i + 1).padStart(6, "0")}`, `2026-11-0${2 + (i % 3)}T08:00:00Z`),
    );
    const { candidates } = alertCandidates(
      { ...none, untouched: inMunicipality(new Map([[3, { cases, total: 3000 }]])) },
      levels,
      at,
    );
    const evidence = candidates[0]!.evidence as { cases: { code: string }[]; total: number };
    expect(evidence.total).toBe(3000);
    expect(evidence.cases).toHaveLength(UNTOUCHED_LISTED);
  });

  it("sets aside a case whose time cannot be measured, and goes on with the others", () => {
    const { candidates, skipped } = alertCandidates(
      {
        ...none,
        untouched: inMunicipality(
          new Map([
            [
              1,
              {
                cases: [
                  { ...kase("OLD-2019-000001", "2019-03-01T09:00:00Z"), municipalityId: 1 },
                  { ...kase("PRI-2026-000001", "2026-11-02T09:00:00Z"), municipalityId: 1 },
                ],
                total: 2,
              },
            ],
          ]),
        ),
      },
      levels,
      at,
    );
    expect(skipped.map((s) => s.code)).toEqual(["OLD-2019-000001"]);
    expect(
      candidates.map((c) => (c.evidence as { cases: { code: string }[] }).cases.map((x) => x.code)),
    ).toEqual([["PRI-2026-000001"]]);
  });
});
