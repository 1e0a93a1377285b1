// A case's facts as docs/INDICATORS.md defines them, on the Kosovo calendar of 2026-27 (Europe/Belgrade):
// the month it counts in, each clock decided, met or missed, times in working days without the pauses, the
// finishes and reopenings by month; and the properties the aggregator rests on: facts change with time only
// at their `due` instant, and taking old facts out and putting new ones in leaves what the new ones add.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCalendar, type Holiday } from "../calendar/calendar.ts";
import { CASE_STATUSES } from "../cases/statuses.ts";
import { C } from "./counters.ts";
import { Aggregates, type CaseInput, contributions, type EventInput, type Facts, factsOf } from "./facts.ts";

const HOLIDAYS: [string, string][] = [
  ["2026-01-01", "2026-01-01"],
  ["2026-01-02", "2026-01-02"],
  ["2026-01-07", "2026-01-07"],
  ["2026-02-17", "2026-02-17"],
  ["2026-04-06", "2026-04-06"],
  ["2026-04-09", "2026-04-09"],
  ["2026-04-13", "2026-04-13"],
  ["2026-05-01", "2026-05-01"],
  ["2026-05-09", "2026-05-11"],
  ["2026-12-25", "2026-12-25"],
  ["2027-01-01", "2027-01-01"],
  ["2027-01-02", "2027-01-04"],
  ["2027-05-01", "2027-05-04"],
  ["2027-12-25", "2027-12-27"],
];
const calendar = buildCalendar({
  timeZone: "Europe/Belgrade",
  holidays: HOLIDAYS.map(
    ([date, observed]): Holiday => ({
      date,
      observed,
      name: { en: date, sq: date },
      rule: "fixed",
      status: "law",
    }),
  ),
});

const at = (iso: string) => new Date(iso);
// Monday 2 November 2026, 10:00 in Prishtinë; acknowledge within 2 working days (end of Wednesday 4
// November), first response within 5 (end of Monday 9), resolution within 20 (end of Monday 30).
const RECEIVED = "2026-11-02T09:00:00Z";
const base: CaseInput = {
  municipalityId: 7,
  type: "issue_report",
  categoryId: 3,
  channel: "web",
  departmentId: null,
  status: "submitted",
  receivedAt: at(RECEIVED),
  acknowledgedAt: null,
  firstResponseAt: null,
  resolvedAt: null,
  closedAt: null,
  ackDueAt: at("2026-11-04T23:00:00Z"),
  responseDueAt: at("2026-11-09T23:00:00Z"),
  resolutionDueAt: at("2026-11-30T23:00:00Z"),
  slaPauses: [],
  satisfaction: null,
};
let nextId = 1;
const submitted = (when = RECEIVED): EventInput => ({
  id: nextId++,
  type: "submitted",
  toStatus: "submitted",
  at: at(when),
});
const moved = (to: string, when: string): EventInput => ({
  id: nextId++,
  type: "status_changed",
  toStatus: to,
  at: at(when),
});
const escalated = (when: string): EventInput => ({
  id: nextId++,
  type: "escalated",
  toStatus: null,
  at: at(when),
});

const counters = (f: Facts) =>
  Object.fromEntries(Object.entries(C).flatMap(([name, i]) => (f.c[i] ? [[name, f.c[i]]] : [])));

describe("factsOf", () => {
  it("counts a case in the local month it was received", () => {
    const late = factsOf(
      { ...base, receivedAt: at("2026-10-31T23:30:00Z") },
      [],
      calendar,
      at("2026-12-01T00:00:00Z"),
    );
    expect(late.month).toBe("2026-11-01");
    const earlier = factsOf(
      { ...base, receivedAt: at("2026-10-31T22:30:00Z") },
      [],
      calendar,
      at("2026-12-01T00:00:00Z"),
    );
    expect(earlier.month).toBe("2026-10-01");
    expect(late).toMatchObject({ m: 7, type: "issue_report", cat: 3, ch: "web", dep: 0 });
  });

  it("measures each clock in working days, leaving out the time the case awaited the citizen", () => {
    const events = [
      submitted(),
      moved("acknowledged", "2026-11-02T12:00:00Z"),
      moved("awaiting_citizen", "2026-11-03T09:00:00Z"),
      moved("in_progress", "2026-11-05T09:00:00Z"),
      moved("resolved", "2026-11-06T09:00:00Z"),
    ];
    const f = factsOf(
      {
        ...base,
        status: "resolved",
        departmentId: 4,
        acknowledgedAt: at("2026-11-02T12:00:00Z"),
        firstResponseAt: at("2026-11-03T09:00:00Z"),
        resolvedAt: at("2026-11-06T09:00:00Z"),
        slaPauses: [{ from: "2026-11-03T09:00:00Z", to: "2026-11-05T09:00:00Z" }],
      },
      events,
      calendar,
      at("2026-11-06T10:00:00Z"),
    );
    // Three hours of a 24-hour working day; a whole working day (10:00 to 10:00); four days less two paused.
    expect([f.ack, f.response, f.resolution]).toEqual([0.125, 1, 2]);
    expect(counters(f)).toEqual({
      received: 1,
      acknowledged: 1,
      ack_decided: 1,
      ack_met: 1,
      responded: 1,
      response_decided: 1,
      response_met: 1,
      resolved: 1,
      resolution_decided: 1,
      resolution_met: 1,
      finished: 1,
      resolved_ever: 1,
    });
    expect(f.fin).toEqual({ "2026-11-01": 1 });
    expect(f.due).toBeUndefined();
    expect([f.n, f.e, f.dep]).toEqual([5, events.at(-1)!.id, 4]);
  });

  it("decides a clock missed when its due date passes, and waits for it until then", () => {
    const events = [submitted()];
    const before = factsOf(base, events, calendar, at("2026-11-04T22:59:59Z"));
    expect(counters(before)).toEqual({ received: 1 });
    expect(before.due).toBe("2026-11-04T23:00:00.000Z");
    const after = factsOf(base, events, calendar, at("2026-11-04T23:00:00Z"));
    expect(counters(after)).toEqual({ received: 1, ack_decided: 1, overdue: 1 });
    expect(after.due).toBe("2026-11-09T23:00:00.000Z");
    const long = factsOf(base, events, calendar, at("2026-12-15T00:00:00Z"));
    expect(counters(long)).toEqual({
      received: 1,
      ack_decided: 1,
      response_decided: 1,
      resolution_decided: 1,
      overdue: 1,
    });
    expect(long.due).toBeUndefined();
    // Acknowledged late: decided, not met; the clock that runs now is the first response's.
    const late = factsOf(
      { ...base, status: "acknowledged", acknowledgedAt: at("2026-11-05T08:00:00Z") },
      [...events, moved("acknowledged", "2026-11-05T08:00:00Z")],
      calendar,
      at("2026-11-05T09:00:00Z"),
    );
    expect(counters(late)).toEqual({ received: 1, acknowledged: 1, ack_decided: 1 });
    expect(late.due).toBe("2026-11-09T23:00:00.000Z");
  });

  it("stops the clocks while the case awaits the citizen, unless the due date had passed before", () => {
    const waiting = {
      ...base,
      status: "awaiting_citizen",
      acknowledgedAt: at("2026-11-02T12:00:00Z"),
      firstResponseAt: at("2026-11-03T09:00:00Z"),
      slaPauses: [{ from: "2026-11-03T09:00:00Z" }],
    };
    const f = factsOf(waiting, [submitted()], calendar, at("2026-12-20T00:00:00Z"));
    expect(counters(f)).toEqual({
      received: 1,
      acknowledged: 1,
      ack_decided: 1,
      ack_met: 1,
      responded: 1,
      response_decided: 1,
      response_met: 1,
    });
    expect(f.due).toBeUndefined();
    const afterBreach = factsOf(
      { ...waiting, slaPauses: [{ from: "2026-12-02T09:00:00Z" }] },
      [submitted()],
      calendar,
      at("2026-12-20T00:00:00Z"),
    );
    expect(afterBreach.c[C.resolution_decided]).toBe(1);
    expect(afterBreach.c[C.overdue]).toBe(0);
  });

  it("never decides a clock the case was finished without before its due date", () => {
    const rejectedEarly = factsOf(
      {
        ...base,
        status: "rejected",
        firstResponseAt: at("2026-11-03T09:00:00Z"),
        closedAt: at("2026-11-03T09:00:00Z"),
      },
      [submitted(), moved("rejected", "2026-11-03T09:00:00Z")],
      calendar,
      at("2026-12-20T00:00:00Z"),
    );
    expect(counters(rejectedEarly)).toEqual({
      received: 1,
      responded: 1,
      response_decided: 1,
      response_met: 1,
      finished: 1,
    });
    const rejectedLate = factsOf(
      {
        ...base,
        status: "rejected",
        firstResponseAt: at("2026-11-10T09:00:00Z"),
        closedAt: at("2026-11-10T09:00:00Z"),
      },
      [submitted(), moved("rejected", "2026-11-10T09:00:00Z")],
      calendar,
      at("2026-12-20T00:00:00Z"),
    );
    expect(counters(rejectedLate)).toEqual({
      received: 1,
      ack_decided: 1,
      responded: 1,
      response_decided: 1,
      finished: 1,
    });
  });

  it("follows finishes and reopenings month by month, and counts reopenings, escalations and ratings", () => {
    const events = [
      submitted(),
      escalated("2026-11-05T00:00:00Z"),
      escalated("2026-11-09T00:00:00Z"),
      moved("acknowledged", "2026-11-10T09:00:00Z"),
      moved("resolved", "2026-11-20T09:00:00Z"),
      moved("reopened", "2026-12-03T09:00:00Z"),
      moved("resolved", "2027-01-05T09:00:00Z"),
      moved("closed", "2027-01-20T09:00:00Z"),
    ];
    const f = factsOf(
      {
        ...base,
        status: "closed",
        acknowledgedAt: at("2026-11-10T09:00:00Z"),
        firstResponseAt: at("2026-11-20T09:00:00Z"),
        resolvedAt: at("2027-01-05T09:00:00Z"),
        closedAt: at("2027-01-20T09:00:00Z"),
        satisfaction: 4,
      },
      // In any order: the facts sort them.
      [...events].reverse(),
      calendar,
      at("2027-02-01T00:00:00Z"),
    );
    expect(f.fin).toEqual({ "2026-11-01": 1, "2026-12-01": -1, "2027-01-01": 1 });
    expect(counters(f)).toMatchObject({
      finished: 1,
      resolved: 1,
      resolved_ever: 1,
      reopened: 1,
      escalated: 1,
      escalations: 2,
      satisfaction_sum: 4,
      satisfaction_count: 1,
      resolution_decided: 1,
    });
    expect(f.c[C.resolution_met]).toBe(0);
    // Reopened and open again: the resolution no longer stands, and the clock runs (long since due).
    const reopened = factsOf(
      {
        ...base,
        status: "reopened",
        acknowledgedAt: at("2026-11-10T09:00:00Z"),
        firstResponseAt: at("2026-11-20T09:00:00Z"),
      },
      events.slice(0, 6),
      calendar,
      at("2026-12-04T00:00:00Z"),
    );
    expect(reopened.fin).toEqual({ "2026-11-01": 1, "2026-12-01": -1 });
    expect(counters(reopened)).toMatchObject({
      resolved_ever: 1,
      reopened: 1,
      resolution_decided: 1,
      overdue: 1,
    });
    expect(reopened.c[C.resolved]).toBe(0);
    expect(reopened.c[C.finished]).toBe(0);
  });

  it("dates a pause it has no stored start for from the change to awaiting the citizen, not from now", () => {
    // Found by the property below (seed 1437723598): the pause began "now", so a clock due a moment later
    // went from undecided to missed as time passed, with no event and no `due` to say so.
    const kase = {
      ...base,
      status: "awaiting_citizen" as const,
      resolutionDueAt: at("2026-12-03T10:00:00Z"),
      slaPauses: [],
    };
    const events = [submitted(), moved("awaiting_citizen", "2026-12-02T10:00:00Z")];
    const f = factsOf(kase, events, calendar, at("2026-12-05T00:00:00Z"));
    expect(f.c[C.resolution_decided]).toBe(0);
    expect(factsOf(kase, events, calendar, at("2027-02-01T00:00:00Z"))).toEqual(f);
  });

  it("takes the case's status as the truth where its events do not tell it", () => {
    const f = factsOf(
      { ...base, status: "closed", closedAt: at("2026-12-01T10:00:00Z") },
      [submitted()],
      calendar,
      at("2026-12-20T00:00:00Z"),
    );
    expect(f.fin).toEqual({ "2026-12-01": 1 });
    expect(f.c[C.finished]).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties, on cases made up of random instants

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse("2026-01-05T08:00:00Z");
const offset = (max: number) => fc.integer({ min: 0, max });

const arbitraryCase = fc
  .record({
    received: offset(330 * DAY),
    ack: fc.option(offset(15 * DAY)),
    response: fc.option(offset(20 * DAY)),
    resolution: fc.option(offset(40 * DAY)),
    dues: fc.tuple(offset(10 * DAY), offset(20 * DAY), offset(45 * DAY)),
    status: fc.constantFrom(...CASE_STATUSES),
    pause: fc.option(
      fc.record({ from: offset(10 * DAY), length: fc.option(fc.integer({ min: HOUR, max: 5 * DAY })) }),
    ),
    satisfaction: fc.option(fc.integer({ min: 1, max: 5 })),
    // A few events dated before receipt, as an import might write them.
    path: fc.array(
      fc.record({
        after: fc.integer({ min: -2 * DAY, max: 40 * DAY }),
        to: fc.constantFrom(...CASE_STATUSES),
      }),
      {
        maxLength: 4,
      },
    ),
    escalations: fc.array(offset(40 * DAY), { maxLength: 3 }),
    department: fc.option(fc.integer({ min: 1, max: 3 })),
    nowAfter: offset(30 * DAY),
  })
  .map((r) => {
    const received = T0 + r.received;
    const t = (o: number | null) => (o === null ? null : received + o);
    const pause =
      r.pause && r.pause.length !== null
        ? [
            {
              from: new Date(received + r.pause.from).toISOString(),
              to: new Date(received + r.pause.from + r.pause.length).toISOString(),
            },
          ]
        : r.pause
          ? [{ from: new Date(received + r.pause.from).toISOString() }]
          : [];
    const kase: CaseInput = {
      ...base,
      departmentId: r.department,
      status: r.status,
      receivedAt: received,
      acknowledgedAt: t(r.ack),
      firstResponseAt: t(r.response),
      resolvedAt: t(r.resolution),
      closedAt: null,
      ackDueAt: received + r.dues[0],
      responseDueAt: received + r.dues[1],
      resolutionDueAt: received + r.dues[2],
      slaPauses: pause,
      satisfaction: r.satisfaction,
    };
    let id = 0;
    const events: EventInput[] = [
      { id: ++id, type: "submitted", toStatus: "submitted", at: received },
      ...r.path.map((p) => ({ id: ++id, type: "status_changed", toStatus: p.to, at: received + p.after })),
      ...r.escalations.map((e) => ({ id: ++id, type: "escalated", toStatus: null, at: received + e })),
    ];
    // Now is after everything the case records, as it is for the aggregator.
    const latest = Math.max(
      received,
      ...[kase.acknowledgedAt, kase.firstResponseAt, kase.resolvedAt].map((v) => (v === null ? 0 : +v!)),
      ...events.map((e) => +e.at),
      ...(r.pause ? [received + r.pause.from + (r.pause.length ?? 0)] : []),
    );
    return { kase, events, now: new Date(latest + r.nowAfter) };
  });

describe("facts over time", () => {
  it("change without an event only at their due instant", () => {
    fc.assert(
      fc.property(
        arbitraryCase,
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        ({ kase, events, now }, u) => {
          const f = factsOf(kase, events, calendar, now);
          if (f.due === undefined) {
            expect(factsOf(kase, events, calendar, new Date(now.getTime() + u * 100 * DAY))).toEqual(f);
            return;
          }
          const due = Date.parse(f.due);
          expect(due).toBeGreaterThan(now.getTime());
          const before = new Date(now.getTime() + Math.floor(u * (due - now.getTime())));
          expect(factsOf(kase, events, calendar, before)).toEqual(f);
          const then = factsOf(kase, events, calendar, new Date(due));
          const decided = (x: Facts) =>
            x.c[C.ack_decided]! + x.c[C.response_decided]! + x.c[C.resolution_decided]!;
          expect(decided(then)).toBeGreaterThan(decided(f));
        },
      ),
    );
  });

  it("are consistent: met within decided, finishes net to the finished counter, never before the month received", () => {
    fc.assert(
      fc.property(arbitraryCase, ({ kase, events, now }) => {
        const f = factsOf(kase, events, calendar, now);
        expect(f.c[C.received]).toBe(1);
        for (const [met, decided] of [
          [C.ack_met, C.ack_decided],
          [C.response_met, C.response_decided],
          [C.resolution_met, C.resolution_decided],
        ] as const) {
          expect(f.c[met]).toBeLessThanOrEqual(f.c[decided]!);
        }
        const net = Object.values(f.fin).reduce((a, b) => a + b, 0);
        expect(net).toBe(f.c[C.finished]);
        for (const m of Object.keys(f.fin)) expect(m >= f.month).toBe(true);
        expect(f.c[C.resolved]).toBeLessThanOrEqual(f.c[C.finished]!);
        expect(f.c[C.overdue]! + f.c[C.finished]!).toBeLessThanOrEqual(1);
        expect(JSON.parse(JSON.stringify(f))).toEqual(f);
      }),
    );
  });
});

describe("contributions", () => {
  it("of old facts taken out and new ones put in equal the newest facts alone", () => {
    fc.assert(
      fc.property(fc.array(arbitraryCase, { minLength: 1, maxLength: 6 }), (versions) => {
        const facts = versions.map(({ kase, events, now }) => factsOf(kase, events, calendar, now));
        const running = new Aggregates().add(facts[0]!);
        for (let i = 1; i < facts.length; i++) running.add(facts[i - 1]!, -1).add(facts[i]!);
        expect(running.rows()).toEqual(contributions(facts.at(-1)!).rows());
      }),
    );
  });

  it("add up to the cases: one received each, the finishes in the months they happened", () => {
    fc.assert(
      fc.property(fc.array(arbitraryCase, { maxLength: 20 }), (cases) => {
        const all = new Aggregates();
        const facts = cases.map(({ kase, events, now }) => factsOf(kase, events, calendar, now));
        for (const f of facts) all.add(f);
        const { breakdown, months } = all.rows();
        const sum = (rows: { counters: number[] }[], i: number) =>
          rows.reduce((a, r) => a + r.counters[i]!, 0);
        expect(sum(breakdown, C.received)).toBe(cases.length);
        expect(sum(months, C.received)).toBe(cases.length);
        expect(months.reduce((a, r) => a + r.finishedInMonth, 0)).toBe(sum(months, C.finished));
        const timed = facts.filter((f) => f.ack !== null).length;
        expect(months.reduce((a, r) => a + r.ackHist.reduce((x, y) => x + y, 0), 0)).toBe(timed);
        // Each department's received less finished is its open cases (the backlog), and the months add
        // up to the municipality's.
        const { departmentMonths } = all.rows();
        expect(departmentMonths.reduce((a, r) => a + r.received, 0)).toBe(cases.length);
        expect(departmentMonths.reduce((a, r) => a + r.finished, 0)).toBe(sum(months, C.finished));
        for (const dep of new Set(facts.map((f) => f.dep))) {
          const open = facts.filter((f) => f.dep === dep && f.c[C.finished] === 0).length;
          const rows = departmentMonths.filter((r) => r.departmentId === dep);
          expect(rows.reduce((a, r) => a + r.received - r.finished, 0)).toBe(open);
        }
        // Everything taken out again: nothing left.
        for (const f of facts) all.add(f, -1);
        expect(all.rows()).toEqual({ breakdown: [], months: [], departmentMonths: [] });
      }),
    );
  });

  it("keep a department's received and finished cases by month, moving with the case to another department", () => {
    // Received in November in department 4, finished in December, reopened and finished again in January.
    const events = [
      submitted(),
      moved("resolved", "2026-12-03T09:00:00Z"),
      moved("reopened", "2026-12-20T09:00:00Z"),
      moved("closed", "2027-01-12T09:00:00Z"),
    ];
    const kase: CaseInput = {
      ...base,
      departmentId: 4,
      status: "closed",
      closedAt: at("2027-01-12T09:00:00Z"),
    };
    const now = at("2027-02-01T09:00:00Z");
    const inFour = factsOf(kase, events, calendar, now);
    const row = (departmentId: number, month: string, received: number, finished: number) => ({
      municipalityId: 7,
      departmentId,
      month,
      received,
      finished,
    });
    expect(contributions(inFour).rows().departmentMonths).toEqual([
      row(4, "2026-11-01", 1, 0),
      row(4, "2027-01-01", 0, 1), // December's finish was undone by the reopening in December
    ]);
    // Reassigned to department 9: its whole history goes with it, as in the breakdowns.
    const inNine = factsOf({ ...kase, departmentId: 9 }, events, calendar, now);
    const moved9 = new Aggregates().add(inFour).add(inFour, -1).add(inNine);
    expect(moved9.rows().departmentMonths).toEqual([row(9, "2026-11-01", 1, 0), row(9, "2027-01-01", 0, 1)]);
  });
});
