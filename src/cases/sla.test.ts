/**
 * The SLA clock engine: deadlines with pauses, clock readings and which standard applies. Calendar:
 * the real Kosovo holiday rows for 2026-27 (Europe/Belgrade), built as in calendar.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCalendar, type Holiday, isWorkingDay } from "../calendar/calendar.ts";
import { localDateOf, startOfLocalDay } from "../calendar/zone.ts";
import {
  ACCESS_TO_DOCUMENTS,
  ACCESS_TO_DOCUMENTS_CATEGORY,
  ACCESS_TO_DOCUMENTS_LIFE_OR_LIBERTY,
  accessToDocumentsRules,
  type Clock,
  checkTighter,
  clockMarks,
  deadlines,
  deadlinesWithPauses,
  dueAfterPauses,
  type Pause,
  PRIORITIES,
  readCaseClocks,
  readClock,
  resolveStandard,
  type SlaUnit,
  type Standard,
  type StandardRule,
} from "./sla.ts";

const TZ = "Europe/Belgrade";
type Row = [date: string, observed: string, en: string, rule: Holiday["rule"], status: Holiday["status"]];
const ROWS: Row[] = [
  ["2025-12-25", "2025-12-25", "Catholic Christmas", "fixed", "law"],
  ["2026-01-01", "2026-01-01", "New Year", "fixed", "law"],
  ["2026-01-02", "2026-01-02", "New Year (second day)", "fixed", "law"],
  ["2026-01-07", "2026-01-07", "Orthodox Christmas", "fixed", "law"],
  ["2026-02-17", "2026-02-17", "Independence Day", "fixed", "law"],
  ["2026-03-20", "2026-03-20", "Eid al-Fitr", "announced", "check"],
  ["2026-04-06", "2026-04-06", "Catholic Easter Monday", "easter", "law"],
  ["2026-04-09", "2026-04-09", "Constitution Day", "fixed", "law"],
  ["2026-04-13", "2026-04-13", "Orthodox Easter Monday", "easter", "law"],
  ["2026-05-01", "2026-05-01", "Labour Day", "fixed", "law"],
  ["2026-05-09", "2026-05-11", "Europe Day", "fixed", "law"],
  ["2026-05-27", "2026-05-27", "Eid al-Adha", "announced", "check"],
  ["2026-12-25", "2026-12-25", "Catholic Christmas", "fixed", "law"],
  ["2027-01-01", "2027-01-01", "New Year", "fixed", "law"],
  ["2027-01-02", "2027-01-04", "New Year (second day)", "fixed", "law"],
  ["2027-05-01", "2027-05-04", "Labour Day", "fixed", "law"],
  ["2027-05-03", "2027-05-03", "Orthodox Easter Monday", "easter", "law"],
  ["2027-05-09", "2027-05-10", "Europe Day", "fixed", "law"],
  ["2027-12-25", "2027-12-27", "Catholic Christmas", "fixed", "law"],
];
const cal = buildCalendar({
  timeZone: TZ,
  holidays: ROWS.map(([date, observed, en, rule, status]) => ({
    date,
    observed,
    name: { en, sq: en },
    rule,
    status,
  })),
});

const d = (iso: string) => new Date(iso);
const iso = (t: Date | undefined) => t?.toISOString();
const pause = (from: string, to?: string): Pause => ({ from: d(from), to: to ? d(to) : undefined });
const due = (received: string, amount: number, unit: SlaUnit, pauses: Pause[] = []) =>
  iso(dueAfterPauses(d(received), amount, unit, pauses, cal));

describe("deadlines with pauses (examples)", () => {
  it("without pauses gives exactly the deadlines cases get on submission", () => {
    const standard: Standard = {
      unit: "working_days",
      ackWithin: 1,
      firstResponseWithin: 3,
      resolutionWithin: 7,
    };
    expect(deadlinesWithPauses(d("2026-11-27T14:00:00Z"), standard, [], cal)).toEqual(
      deadlines(d("2026-11-27T14:00:00Z"), standard, cal),
    );
  });

  it("gives back a partly paused working day: a two-hour pause on Friday before Europe Day moves 2 days to Wednesday", () => {
    // Received Thu 7 May 2026 10:00 local. Due: Fri 8 (1), weekend, Mon 11 (Europe Day carried over), Tue 12 (2).
    expect(due("2026-05-07T08:00:00Z", 2, "working_days")).toBe("2026-05-12T22:00:00.000Z");
    // Paused Fri 8 09:00-11:00: Friday no longer counts (the clock restarts on it, like a new receipt).
    const p = [pause("2026-05-08T07:00:00Z", "2026-05-08T09:00:00Z")];
    expect(due("2026-05-07T08:00:00Z", 2, "working_days", p)).toBe("2026-05-13T22:00:00.000Z");
  });

  it("gives back no working day for a pause over the 2027 May Day weekend and its carried-over holidays", () => {
    // Received Fri 30 April 2027; 1 working day skips Sat-Sun, Mon 3 (Orthodox Easter Monday) and Tue 4
    // (Labour Day carried past it): due at the end of Wed 5 May, paused over those days or not.
    expect(due("2027-04-30T10:00:00Z", 1, "working_days")).toBe("2027-05-05T22:00:00.000Z");
    const p = [pause("2027-04-30T13:00:00Z", "2027-05-04T08:00:00Z")];
    expect(due("2027-04-30T10:00:00Z", 1, "working_days", p)).toBe("2027-05-05T22:00:00.000Z");
    // A pause running into Wednesday gives Wednesday back: due at the end of Thursday.
    const longer = [pause("2027-04-30T13:00:00Z", "2027-05-05T08:00:00Z")];
    expect(due("2027-04-30T10:00:00Z", 1, "working_days", longer)).toBe("2027-05-06T22:00:00.000Z");
  });

  it("keeps the days used before a pause: 5 working days, 2 used, paused a week, 3 left from the resumption", () => {
    // Received Mon 16 Nov 2026; Tue 17 and Wed 18 count; paused Thu 19 10:00 to Wed 25 15:00;
    // Thu 26 (3), Fri 27 (4), Mon 30 (5).
    const p = [pause("2026-11-19T09:00:00Z", "2026-11-25T14:00:00Z")];
    expect(due("2026-11-16T09:00:00Z", 5, "working_days")).toBe("2026-11-23T23:00:00.000Z");
    expect(due("2026-11-16T09:00:00Z", 5, "working_days", p)).toBe("2026-11-30T23:00:00.000Z");
  });

  it("ends at local midnight across the spring DST switch, and hours stay exact real hours", () => {
    // Received Fri 27 March 2026 11:00 local (winter), 1 working day: end of Mon 30 = 22:00Z (summer).
    expect(due("2026-03-27T10:00:00Z", 1, "working_days")).toBe("2026-03-30T22:00:00.000Z");
    // Paused Friday afternoon to Tuesday morning: restarts Tuesday, due at the end of Wednesday 1 April.
    const p = [pause("2026-03-27T13:00:00Z", "2026-03-31T07:00:00Z")];
    expect(due("2026-03-27T10:00:00Z", 1, "working_days", p)).toBe("2026-04-01T22:00:00.000Z");
    // 1 calendar day from Saturday 28 March: the end of Sunday 29, a 23-hour day.
    expect(due("2026-03-28T19:00:00Z", 1, "calendar_days")).toBe("2026-03-29T22:00:00.000Z");
    // 24 hours from Saturday 20:00 local is Sunday 21:00 local, the clocks having gone forward.
    expect(due("2026-03-28T19:00:00Z", 24, "hours")).toBe("2026-03-29T19:00:00.000Z");
  });

  it("gives back 25 real hours for a pause from Saturday to Sunday 22:00 local across the autumn switch", () => {
    // Sat 24 Oct 2026 22:00 CEST = 20:00Z; Sun 25 Oct 22:00 CET = 21:00Z.
    const p = [pause("2026-10-24T20:00:00Z", "2026-10-25T21:00:00Z")];
    expect(due("2026-10-24T10:00:00Z", 48, "hours")).toBe("2026-10-26T10:00:00.000Z");
    expect(due("2026-10-24T10:00:00Z", 48, "hours", p)).toBe("2026-10-27T11:00:00.000Z");
  });

  it("counts calendar days whole like working days: a pause from Wednesday to Friday gives back three days", () => {
    // Received Mon 23 Nov 2026, 7 days: end of Mon 30 Nov. Tue 24 counts; paused Wed 25 to Fri 27:
    // 6 days left from Friday -> end of Thu 3 Dec.
    const p = [pause("2026-11-25T09:00:00Z", "2026-11-27T08:00:00Z")];
    expect(due("2026-11-23T09:00:00Z", 7, "calendar_days")).toBe("2026-11-30T23:00:00.000Z");
    expect(due("2026-11-23T09:00:00Z", 7, "calendar_days", p)).toBe("2026-12-03T23:00:00.000Z");
  });

  it("is undefined while paused, and a pause that begins after the deadline changes nothing", () => {
    expect(due("2026-11-16T09:00:00Z", 5, "working_days", [pause("2026-11-19T09:00:00Z")])).toBeUndefined();
    expect(due("2026-11-16T09:00:00Z", 5, "working_days", [pause("2026-11-24T09:00:00Z")])).toBe(
      "2026-11-23T23:00:00.000Z",
    );
    expect(
      due("2026-11-16T09:00:00Z", 5, "working_days", [pause("2026-11-24T09:00:00Z", "2026-12-01T09:00:00Z")]),
    ).toBe("2026-11-23T23:00:00.000Z");
  });

  it("ignores the part of a pause before receipt and merges overlapping pauses", () => {
    const received = "2026-11-16T09:00:00Z";
    const merged = [pause("2026-11-19T09:00:00Z", "2026-11-25T14:00:00Z")];
    const overlapping = [
      pause("2026-11-24T09:00:00Z", "2026-11-25T14:00:00Z"),
      pause("2026-11-19T09:00:00Z", "2026-11-24T12:00:00Z"),
      pause("2026-11-10T09:00:00Z", "2026-11-16T08:00:00Z"),
    ];
    expect(due(received, 5, "working_days", overlapping)).toBe(due(received, 5, "working_days", merged));
  });
});

// ---------------------------------------------------------------------------------------------

const received = fc.date({
  min: new Date("2025-12-31T23:00:00Z"),
  max: new Date("2027-06-30T21:59:59.999Z"),
  noInvalidDate: true,
});
const MIN = 60_000;
const DAY = 86_400_000;
/** Pauses as offsets from receipt: starting up to two days before it to 30 days after, lasting up to 10 days. */
const closedPauses = fc.array(
  fc.record({
    start: fc.integer({ min: -2 * DAY, max: 30 * DAY }),
    length: fc.integer({ min: 0, max: 10 * DAY }),
  }),
  { maxLength: 3 },
);
const at = (t: Date, offsets: readonly { start: number; length: number }[]): Pause[] =>
  offsets.map((o) => ({
    from: new Date(t.getTime() + o.start),
    to: new Date(t.getTime() + o.start + o.length),
  }));
const unitAndAmount = fc.oneof(
  fc.tuple(fc.constant<SlaUnit>("working_days"), fc.integer({ min: 0, max: 20 })),
  fc.tuple(fc.constant<SlaUnit>("calendar_days"), fc.integer({ min: 0, max: 30 })),
  fc.tuple(fc.constant<SlaUnit>("hours"), fc.integer({ min: 0, max: 400 })),
);
const ms = (t: Date | undefined) => t?.getTime() ?? Number.NaN;

describe("deadlines with pauses (properties)", () => {
  it("never fall on a non-working day for working-day clocks, and end at a local midnight", () => {
    fc.assert(
      fc.property(received, fc.integer({ min: 0, max: 20 }), closedPauses, (t, n, p) => {
        const r = dueAfterPauses(t, n, "working_days", at(t, p), cal)!;
        expect(isWorkingDay(localDateOf(new Date(r.getTime() - 1), TZ), cal)).toBe(true);
        expect(startOfLocalDay(localDateOf(r, TZ), TZ).getTime()).toBe(r.getTime());
      }),
    );
  });

  it("are never earlier for a larger amount, with the same pauses", () => {
    fc.assert(
      fc.property(
        received,
        unitAndAmount,
        fc.integer({ min: 0, max: 10 }),
        closedPauses,
        (t, [unit, n], k, p) => {
          const pauses = at(t, p);
          expect(ms(dueAfterPauses(t, n, unit, pauses, cal))).toBeLessThanOrEqual(
            ms(dueAfterPauses(t, n + k, unit, pauses, cal)),
          );
        },
      ),
    );
  });

  it("are never brought forward by one more pause", () => {
    fc.assert(
      fc.property(received, unitAndAmount, closedPauses, closedPauses, (t, [unit, n], p, extra) => {
        const before = dueAfterPauses(t, n, unit, at(t, p), cal);
        const after = dueAfterPauses(t, n, unit, [...at(t, p), ...at(t, extra)], cal);
        expect(ms(after)).toBeGreaterThanOrEqual(ms(before));
      }),
    );
  });

  it("are unchanged by a pause of zero length, and so are the clock readings", () => {
    fc.assert(
      fc.property(
        received,
        unitAndAmount,
        closedPauses,
        fc.integer({ min: -DAY, max: 30 * DAY }),
        (t, [unit, n], p, z) => {
          const zero = { from: new Date(t.getTime() + z), to: new Date(t.getTime() + z) };
          const pauses = at(t, p);
          expect(dueAfterPauses(t, n, unit, [...pauses, zero], cal)).toEqual(
            dueAfterPauses(t, n, unit, pauses, cal),
          );
          const now = new Date(t.getTime() + z + MIN);
          const clock = { receivedAt: t, amount: n, unit, pauses };
          expect(readClock({ ...clock, pauses: [...pauses, zero] }, now, cal)).toEqual(
            readClock(clock, now, cal),
          );
        },
      ),
    );
  });

  it("are undefined while a pause is open exactly when it began before the deadline without it", () => {
    fc.assert(
      fc.property(
        received,
        unitAndAmount,
        closedPauses,
        fc.integer({ min: 0, max: 40 * DAY }),
        (t, [unit, n], p, o) => {
          const closed = at(t, p);
          const open = { from: new Date(t.getTime() + o) };
          const onlyEarlier = closed.filter((c) => c.from < open.from);
          const without = dueAfterPauses(t, n, unit, onlyEarlier, cal)!;
          const withOpen = dueAfterPauses(t, n, unit, [...onlyEarlier, open], cal);
          const inside = onlyEarlier.some((c) => c.from <= open.from && open.from <= c.to!);
          if (!inside) expect(withOpen === undefined).toBe(open.from < without);
        },
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe("reading a clock (examples)", () => {
  // 5 working days from Mon 16 Nov 2026 11:00 local: due at the end of Mon 23 Nov (23:00Z).
  const clock: Clock = { receivedAt: d("2026-11-16T10:00:00Z"), amount: 5, unit: "working_days", pauses: [] };
  const read = (when: string, c: Clock = clock) => readClock(c, d(when), cal);

  it("is on track, then due soon, then at its last warning, then overdue", () => {
    expect(read("2026-11-17T10:00:00Z")).toMatchObject({ state: "on_track", workingDaysLeft: 4 });
    expect(read("2026-11-17T10:00:00Z").msLeft).toBe(
      d("2026-11-23T23:00:00Z").getTime() - d("2026-11-17T10:00:00Z").getTime(),
    );
    // 5 + 13/24 working days allowed (the rest of the day of receipt counts as working time too):
    // 75% of it is used on Friday 20 Nov at 14:46 local, 90% on Monday 23 at 10:42.
    expect(read("2026-11-20T10:00:00Z").state).toBe("on_track"); // 4.0 of 5.54 working days used
    expect(read("2026-11-20T16:00:00Z")).toMatchObject({ state: "due_soon", workingDaysLeft: 1 });
    expect(read("2026-11-22T12:00:00Z").state).toBe("due_soon"); // the weekend uses no working time
    expect(read("2026-11-23T10:00:00Z")).toMatchObject({ state: "warning_90", workingDaysLeft: 0 });
    expect(read("2026-11-23T23:00:00Z")).toMatchObject({ state: "overdue", fraction: 1, msLeft: 0 });
    expect(read("2026-11-25T10:00:00Z")).toMatchObject({ state: "overdue", workingDaysLeft: -2 });
  });

  it("warns at the instants the scheduler is given", () => {
    const marks = clockMarks(clock, cal);
    expect(iso(marks.dueAt)).toBe("2026-11-23T23:00:00.000Z");
    const soon = marks.dueSoonAt!.getTime();
    const last = marks.warning90At!.getTime();
    expect(readClock(clock, new Date(soon - 1), cal).state).toBe("on_track");
    expect(readClock(clock, new Date(soon), cal).state).toBe("due_soon");
    expect(readClock(clock, new Date(soon), cal).fraction).toBeCloseTo(0.75, 6);
    expect(readClock(clock, new Date(last - 1), cal).state).toBe("due_soon");
    expect(readClock(clock, new Date(last), cal).state).toBe("warning_90");
    expect(readClock(clock, new Date(last), cal).fraction).toBeCloseTo(0.9, 6);
  });

  it("is paused with no deadline while awaiting the citizen, keeping the days still owed", () => {
    const paused = { ...clock, pauses: [pause("2026-11-19T09:00:00Z")] };
    expect(read("2026-11-26T10:00:00Z", paused)).toMatchObject({
      state: "paused",
      dueAt: undefined,
      msLeft: undefined,
      workingDaysLeft: 3,
    });
    expect(clockMarks(paused, cal).dueAt).toBeUndefined();
    // Answered by the citizen on Wed 25 Nov: due the end of Mon 30, three working days after.
    const resumed = { ...clock, pauses: [pause("2026-11-19T09:00:00Z", "2026-11-25T14:00:00Z")] };
    expect(read("2026-11-25T15:00:00Z", resumed)).toMatchObject({ state: "on_track", workingDaysLeft: 3 });
    expect(iso(read("2026-11-25T15:00:00Z", resumed).dueAt)).toBe("2026-11-30T23:00:00.000Z");
  });

  it("stays overdue when the citizen is asked only after the deadline", () => {
    const late = { ...clock, pauses: [pause("2026-11-24T09:00:00Z")] };
    expect(read("2026-11-26T10:00:00Z", late)).toMatchObject({ state: "overdue", workingDaysLeft: -3 });
  });

  it("is met when answered before the deadline and missed after, frozen at the answer", () => {
    const met = read("2026-12-10T10:00:00Z", { ...clock, answeredAt: d("2026-11-20T10:00:00Z") });
    expect(met).toMatchObject({ state: "met", workingDaysLeft: 1 });
    expect(met.fraction).toBeLessThan(1);
    const missed = read("2026-12-10T10:00:00Z", { ...clock, answeredAt: d("2026-11-24T10:00:00Z") });
    expect(missed.state).toBe("missed");
    expect(missed.msLeft).toBe(-11 * 3_600_000);
    // Before the answer is given it is not yet met.
    expect(read("2026-11-18T10:00:00Z", { ...clock, answeredAt: d("2026-11-20T10:00:00Z") }).state).toBe(
      "on_track",
    );
  });

  it("reads all three clocks of a case", () => {
    const standard: Standard = {
      unit: "working_days",
      ackWithin: 1,
      firstResponseWithin: 3,
      resolutionWithin: 5,
    };
    const clocks = readCaseClocks(
      {
        receivedAt: d("2026-11-16T10:00:00Z"),
        standard,
        pauses: [],
        acknowledgedAt: d("2026-11-16T12:00:00Z"),
      },
      d("2026-11-19T17:00:00Z"),
      cal,
    );
    expect(clocks.ack.state).toBe("met");
    expect(clocks.firstResponse.state).toBe("warning_90");
    expect(clocks.resolution.state).toBe("on_track");
  });
});

describe("reading a clock (properties)", () => {
  const offset = fc.integer({ min: -DAY, max: 60 * DAY });

  it("never uses less of its time later, for one record of pauses and answer", () => {
    const record = fc.record({
      t: received,
      kind: unitAndAmount,
      p: closedPauses,
      open: fc.option(fc.integer({ min: 0, max: 40 * DAY }), { nil: undefined }),
      answer: fc.option(fc.integer({ min: 0, max: 60 * DAY }), { nil: undefined }),
    });
    fc.assert(
      fc.property(record, offset, offset, ({ t, kind: [unit, amount], p, open, answer }, a, b) => {
        const pauses = [...at(t, p), ...(open === undefined ? [] : [{ from: new Date(t.getTime() + open) }])];
        const answeredAt = answer === undefined ? undefined : new Date(t.getTime() + answer);
        const clock: Clock = { receivedAt: t, amount, unit, pauses, answeredAt };
        const [early, late] = a <= b ? [a, b] : [b, a];
        const first = readClock(clock, new Date(t.getTime() + early), cal);
        const second = readClock(clock, new Date(t.getTime() + late), cal);
        expect(second.fraction).toBeGreaterThanOrEqual(first.fraction - 1e-12);
        for (const r of [first, second]) {
          if (r.state === "due_soon") expect(r.fraction).toBeGreaterThan(0.75 - 1e-6);
          if (r.state === "warning_90") expect(r.fraction).toBeGreaterThan(0.9 - 1e-6);
          if (r.state === "on_track") expect(r.fraction).toBeLessThan(0.75 + 1e-6);
          if (r.state === "overdue") expect(r.fraction).toBeGreaterThanOrEqual(1);
        }
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe("which standard applies", () => {
  const WD = (ack: number, first: number, resolution: number): Standard => ({
    unit: "working_days",
    ackWithin: ack,
    firstResponseWithin: first,
    resolutionWithin: resolution,
  });
  const national: StandardRule[] = [
    { type: "issue_report", standard: WD(2, 5, 20) },
    { type: "issue_report", category: "waste", standard: WD(1, 3, 7) },
    { type: "issue_report", category: "waste", priority: "urgent", standard: WD(0, 1, 2) },
    { type: "issue_report", category: "potholes", priority: "low", standard: WD(2, 5, 30) }, // would lengthen
    ...accessToDocumentsRules(),
  ];
  const key = (
    category: string,
    priority: "low" | "normal" | "high" | "urgent" = "normal",
    type = "issue_report",
  ) => ({
    type,
    category,
    priority,
  });

  it("takes the most specific national row: category over type, priority over none", () => {
    expect(resolveStandard({ national }, key("waste"))).toEqual({
      standard: WD(1, 3, 7),
      source: "national",
    });
    expect(resolveStandard({ national }, key("waste", "urgent"))?.standard).toEqual(WD(0, 1, 2));
    expect(resolveStandard({ national }, key("parks", "high"))?.standard).toEqual(WD(2, 5, 20));
    expect(resolveStandard({ national }, key("parks", "normal", "proposal"))).toBeUndefined();
  });

  it("lets priority shorten a standard, never lengthen it", () => {
    expect(resolveStandard({ national }, key("potholes", "low"))?.standard).toEqual(WD(2, 5, 20));
  });

  it("applies a tighter municipal standard, and the national one where the municipal one is looser", () => {
    const municipal: StandardRule[] = [{ type: "issue_report", category: "waste", standard: WD(1, 2, 5) }];
    expect(resolveStandard({ national, municipal }, key("waste"))).toEqual({
      standard: WD(1, 2, 5),
      source: "municipal",
    });
    // Urgent waste is 0/1/2 nationally: the municipal 1/2/5 would loosen it, so the national row holds.
    expect(resolveStandard({ national, municipal }, key("waste", "urgent"))).toEqual({
      standard: WD(0, 1, 2),
      source: "national",
    });
  });

  it("refuses a looser override, naming the clock", () => {
    expect(checkTighter(WD(1, 3, 7), WD(1, 3, 7))).toEqual({ ok: true, standard: WD(1, 3, 7) });
    expect(checkTighter(WD(1, 3, 7), WD(1, 3, 8))).toEqual({
      ok: false,
      reason: "looser_than_national",
      clock: "resolution",
    });
    expect(checkTighter(WD(1, 3, 7), WD(2, 3, 7))).toEqual({
      ok: false,
      reason: "looser_than_national",
      clock: "ack",
    });
    expect(checkTighter(WD(1, 3, 7), WD(1, 2.5, 7))).toEqual({
      ok: false,
      reason: "invalid_amount",
      clock: "firstResponse",
    });
    expect(checkTighter(WD(1, 3, 7), WD(-1, 3, 7))).toEqual({
      ok: false,
      reason: "invalid_amount",
      clock: "ack",
    });
  });

  it("compares across units by what can never be later", () => {
    const cd = (n: number): Standard => ({
      unit: "calendar_days",
      ackWithin: n,
      firstResponseWithin: n,
      resolutionWithin: n,
    });
    const h = (n: number): Standard => ({
      unit: "hours",
      ackWithin: n,
      firstResponseWithin: n,
      resolutionWithin: n,
    });
    const wd = (n: number) => WD(n, n, n);
    expect(checkTighter(wd(3), cd(3)).ok).toBe(true); // 3 calendar days never end after 3 working days
    expect(checkTighter(wd(3), cd(4)).ok).toBe(false);
    expect(checkTighter(wd(2), h(48)).ok).toBe(true);
    expect(checkTighter(wd(2), h(49)).ok).toBe(false);
    expect(checkTighter(cd(2), h(48)).ok).toBe(true);
    expect(checkTighter(h(72), cd(2)).ok).toBe(true); // 2 calendar days end at most 72 hours after receipt
    expect(checkTighter(h(71), cd(2)).ok).toBe(false);
    expect(checkTighter(cd(30), wd(1)).ok).toBe(false); // holidays can stretch any working-day deadline
    expect(checkTighter(h(1000), wd(1)).ok).toBe(false);
  });
});

describe("the access-to-public-documents preset (Law No. 06/L-081)", () => {
  const rules = accessToDocumentsRules();
  const request = (priority: "normal" | "urgent") =>
    resolveStandard({ national: rules }, { type: "request", category: "access-to-documents", priority });

  it("is a decision within 7 calendar days, 48 hours for urgent requests (life or liberty)", () => {
    expect(request("normal")?.standard).toEqual(ACCESS_TO_DOCUMENTS);
    expect(request("urgent")?.standard).toEqual(ACCESS_TO_DOCUMENTS_LIFE_OR_LIBERTY);
    expect(checkTighter(ACCESS_TO_DOCUMENTS, ACCESS_TO_DOCUMENTS_LIFE_OR_LIBERTY).ok).toBe(true);
  });

  it("counts weekends and holidays: registered Thursday 24 Dec 2026, decision due by the end of Thursday 31 Dec", () => {
    const registered = d("2026-12-24T09:00:00Z");
    const clocks = deadlines(registered, ACCESS_TO_DOCUMENTS, cal);
    expect(iso(clocks.responseDueAt)).toBe("2026-12-31T23:00:00.000Z"); // Christmas and the weekend count
    expect(iso(clocks.ackDueAt)).toBe("2026-12-25T23:00:00.000Z");
    const urgent = deadlines(registered, ACCESS_TO_DOCUMENTS_LIFE_OR_LIBERTY, cal);
    expect(iso(urgent.responseDueAt)).toBe("2026-12-26T09:00:00.000Z");
    const clock: Clock = { receivedAt: registered, amount: 7, unit: "calendar_days", pauses: [] };
    expect(readClock(clock, d("2026-12-30T12:00:00Z"), cal)).toMatchObject({
      state: "due_soon",
      workingDaysLeft: undefined,
    });
  });

  it("is tighter than the 7 working days of the profile's columns, and refuses a municipality's 5 working days", () => {
    const profileRow: Standard = {
      unit: "working_days",
      ackWithin: 1,
      firstResponseWithin: 7,
      resolutionWithin: 7,
    };
    expect(checkTighter(profileRow, ACCESS_TO_DOCUMENTS).ok).toBe(true);
    const fiveWorkingDays: Standard = {
      unit: "working_days",
      ackWithin: 1,
      firstResponseWithin: 5,
      resolutionWithin: 5,
    };
    expect(checkTighter(ACCESS_TO_DOCUMENTS, fiveWorkingDays)).toEqual({
      ok: false,
      reason: "looser_than_national",
      clock: "ack",
    });
    const fiveDays: Standard = {
      unit: "calendar_days",
      ackWithin: 1,
      firstResponseWithin: 5,
      resolutionWithin: 5,
    };
    expect(
      resolveStandard(
        { national: rules, municipal: [{ type: "request", standard: fiveDays }] },
        {
          type: "request",
          category: "access-to-documents",
          priority: "normal",
        },
      ),
    ).toEqual({ standard: fiveDays, source: "municipal" });
  });
});

describe("the access-to-documents preset as the seed wires it (seedReference.ts)", () => {
  // As the reference data resolves a case's standard: the category's own standard first (seeded as the
  // law's 7 days), then the national rows written for it.
  const key = (priority: (typeof PRIORITIES)[number]) => ({
    type: "request",
    category: ACCESS_TO_DOCUMENTS_CATEGORY,
    priority,
  });
  const own: StandardRule = {
    type: "request",
    category: ACCESS_TO_DOCUMENTS_CATEGORY,
    standard: ACCESS_TO_DOCUMENTS,
  };
  const national = [own, ...accessToDocumentsRules()];
  const workingDays = (n: number): Standard => ({
    unit: "working_days",
    ackWithin: 1,
    firstResponseWithin: n,
    resolutionWithin: n,
  });

  it("gives the 48 hours to urgent requests only, and the 7 days to every other priority", () => {
    for (const priority of PRIORITIES) {
      expect(resolveStandard({ national }, key(priority)), priority).toEqual({
        standard: priority === "urgent" ? ACCESS_TO_DOCUMENTS_LIFE_OR_LIBERTY : ACCESS_TO_DOCUMENTS,
        source: "national",
      });
    }
  });

  it("holds against a municipality's working days, with or without a priority, and takes its shorter days", () => {
    for (const municipal of [
      [{ type: "request", category: ACCESS_TO_DOCUMENTS_CATEGORY, standard: workingDays(7) }],
      [{ type: "request", standard: workingDays(2) }],
      [
        {
          type: "request",
          category: ACCESS_TO_DOCUMENTS_CATEGORY,
          priority: "urgent" as const,
          standard: workingDays(2),
        },
      ],
    ] satisfies StandardRule[][]) {
      for (const priority of PRIORITIES) {
        expect(resolveStandard({ national, municipal }, key(priority))?.source, priority).toBe("national");
      }
    }
    const fiveDays: Standard = { ...ACCESS_TO_DOCUMENTS, firstResponseWithin: 5, resolutionWithin: 5 };
    const municipal = [{ type: "request", category: ACCESS_TO_DOCUMENTS_CATEGORY, standard: fiveDays }];
    expect(resolveStandard({ national, municipal }, key("normal"))).toEqual({
      standard: fiveDays,
      source: "municipal",
    });
    // Five days would loosen the 48 hours: an urgent request keeps them.
    expect(resolveStandard({ national, municipal }, key("urgent"))?.standard).toEqual(
      ACCESS_TO_DOCUMENTS_LIFE_OR_LIBERTY,
    );
  });

  it("would be lost behind the profile's 7 working days as the category's own standard: why the seed replaces it", () => {
    const profileOwn: StandardRule = { ...own, standard: workingDays(7) };
    const rules = [profileOwn, ...accessToDocumentsRules()];
    // Of equally specific rows the first wins, so the law's row without a priority would not apply.
    expect(resolveStandard({ national: rules }, key("normal"))?.standard).toEqual(workingDays(7));
  });
});
