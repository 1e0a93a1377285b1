// The statistics' aggregates on a real database, from cases made through the real commands (submitted,
// acknowledged, asked for information, answered, reopened, rated, rejected, escalated by the SLA scheduler
// after a breach) with the real Kosovo calendar and a fixed clock: the indicators equal what is worked out
// by hand for those cases (docs/INDICATORS.md), a pass with nothing new changes nothing, a rebuild gives
// exactly what the passes built, an event that commits late is still counted, and two passes at once
// never count a case twice.
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/access/policy.ts";
import { addInformation } from "../../src/cases/commands/addInformation.ts";
import { rateAnswer } from "../../src/cases/commands/rateAnswer.ts";
import { reopenCase } from "../../src/cases/commands/reopenCase.ts";
import { actOnCase, type StaffAction } from "../../src/cases/commands/staffAction.ts";
import { submitCase } from "../../src/cases/commands/submitCase.ts";
import { runSlaPass } from "../../src/cases/slaScheduler.ts";
import type { Channel } from "../../src/cases/statuses.ts";
import {
  caseEvents,
  caseFacts,
  cases,
  departments,
  municipalities,
  roleAssignments,
  statsBreakdown,
  statsMonth,
  statsProgress,
  users,
} from "../../src/db/schema.ts";
import { loadActor } from "../../src/identity/actor.ts";
import { rebuildStats, runStatsPass, startStatsAggregator } from "../../src/stats/aggregator.ts";
import { emptyHistogram } from "../../src/stats/buckets.ts";
import { C, type CounterName, emptyCounters } from "../../src/stats/counters.ts";
import {
  breakdown,
  comparison,
  indicators,
  monthly,
  sliceMonthly,
  statsUpdatedAt,
} from "../../src/stats/query.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
const db = () => p.deps.database.db;
let coordinator: Actor;
let coordinatorId: string;
let citizenId: string;
let prishtine: number;
let roads: number;

beforeAll(async () => {
  p = await createTestPlatform({ now: "2026-11-02T09:00:00Z" });
  const [m] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
  prishtine = m!.id;
  const [u] = await db()
    .insert(users)
    .values({ email: "koordinatori@stats.test", name: "Koordinatori", language: "sq" })
    .returning();
  await db()
    .insert(roleAssignments)
    .values({ userId: u!.id, role: "participation_coordinator", municipalityId: prishtine });
  coordinator = await loadActor(db(), u!);
  coordinatorId = u!.id;
  const [c] = await db()
    .insert(users)
    .values({ email: "qytetarja@stats.test", name: "Qytetarja", language: "sq" })
    .returning();
  citizenId = c!.id;
  const [d] = await db()
    .insert(departments)
    .values({ municipalityId: prishtine, code: "roads", name: { sq: "Rrugët", sr: "Putevi" } })
    .returning();
  roads = d!.id;
});
afterAll(() => p.close());

const now = () => p.clock.now();
const at = (iso: string) => p.clock.set(iso);
const pass = (o: { batchSize?: number } = {}) => runStatsPass(db(), p.deps.calendar, now(), o);

let n = 0;
async function submit(o: { type?: "issue_report" | "request"; channel?: Channel; receivedAt?: string } = {}) {
  const type = o.type ?? "issue_report";
  const made = await submitCase(
    {
      municipality: "prishtine",
      type,
      category: type === "issue_report" ? "potholes" : "information",
      answers: {},
      title: `Rasti ${++n}`,
      description: "Gropë e madhe para shkollës.",
      address: "Rruga B 12",
      contact: { showName: false, name: "Arta Krasniqi", email: "arta@example.org" },
      language: "sq",
      channel: o.channel ?? "web",
      ...(o.receivedAt ? { receivedAt: new Date(o.receivedAt), enteredBy: coordinatorId } : {}),
      idempotencyKey: `stats-${n}`,
    },
    {
      db: db(),
      now: now(),
      calendar: p.deps.calendar,
      bounds: p.deps.profile.bounds,
      baseUrl: "http://x",
      poke: () => {},
      actor: o.receivedAt
        ? coordinator
        : { kind: "user", userId: citizenId, identityLevel: "basic", roles: [] },
    },
  );
  if (!made.ok) throw new Error(made.reason);
  return made.trackingCode;
}

async function act(code: string, action: StaffAction) {
  const done = await actOnCase(
    {
      db: db(),
      now: now(),
      calendar: p.deps.calendar,
      actor: coordinator,
      baseUrl: "http://x",
      poke: () => {},
    },
    { code, action },
  );
  if (!done.ok) throw new Error(`${action.kind}: ${done.reason}`);
}
const kase = async (code: string) =>
  (await db().select().from(cases).where(eq(cases.trackingCode, code)))[0]!;

/** Every aggregate row and stored fact, in a stable order, to compare two states of the statistics. */
async function snapshot() {
  return {
    breakdown: await db()
      .select()
      .from(statsBreakdown)
      .orderBy(
        asc(statsBreakdown.municipalityId),
        asc(statsBreakdown.month),
        asc(statsBreakdown.type),
        asc(statsBreakdown.categoryId),
        asc(statsBreakdown.channel),
        asc(statsBreakdown.departmentId),
      ),
    months: await db()
      .select()
      .from(statsMonth)
      .orderBy(asc(statsMonth.municipalityId), asc(statsMonth.month)),
    facts: (await db().select().from(caseFacts).orderBy(asc(caseFacts.caseId))).map((f) => ({
      caseId: f.caseId,
      facts: f.facts,
    })),
  };
}

const NOV = { from: "2026-11", to: "2026-11" };
const codes = {} as Record<"a" | "b" | "c" | "d", string>;

describe("statistics from case events", () => {
  it("follow cases made through the commands, pass after pass", async () => {
    // Monday 2 November 2026, 10:00 in Prishtinë. Potholes: acknowledge within 2 working days (end of
    // Wednesday 4 November), first response within 5 (end of Monday 9), resolution within 20 (end of
    // Monday 30). Requests for information: 2, 10 and 15.
    codes.a = await submit();
    codes.b = await submit();
    codes.c = await submit({ type: "request" });
    // The first pass builds everything (there is no progress yet).
    expect((await pass()).cases).toBe(3);

    at("2026-11-02T12:00:00Z");
    await act(codes.a, { kind: "acknowledge" });
    await act(codes.a, { kind: "assign", departmentId: roads, assigneeId: null });
    at("2026-11-03T09:00:00Z");
    await act(codes.c, { kind: "acknowledge" });
    expect((await pass({ batchSize: 1 })).cases).toBe(2);
    at("2026-11-04T09:00:00Z");
    await act(codes.c, { kind: "request_information", message: "Cilën leje keni parasysh?" });
    // Nobody acknowledges B: at the breach the SLA scheduler escalates it (an event).
    at("2026-11-05T08:00:00Z");
    const sla = await runSlaPass({ db: db(), now: now(), calendar: p.deps.calendar, baseUrl: "http://x" });
    expect(sla.escalations).toBe(1);
    await pass();
    at("2026-11-06T09:00:00Z");
    await act(codes.a, { kind: "answer", message: "U mbush gropa.", final: true });
    await addInformation(db(), {
      kase: await kase(codes.c),
      text: "Lejen e ndërtimit.",
      actorId: citizenId,
      now: now(),
      calendar: p.deps.calendar,
    });
    at("2026-11-06T10:00:00Z");
    expect(
      await rateAnswer(db(), {
        kase: await kase(codes.a),
        resolved: true,
        satisfaction: 4,
        actorId: citizenId,
        now: now(),
      }),
    ).toEqual({ ok: true });
    await pass();
    at("2026-11-10T09:00:00Z");
    await act(codes.c, { kind: "answer", message: "Leja është në shqyrtim.", final: true });
    at("2026-11-11T09:00:00Z");
    const reopened = await reopenCase(db(), {
      kase: await kase(codes.c),
      why: "Nuk është përgjigje.",
      actorId: citizenId,
      now: now(),
      calendar: p.deps.calendar,
    });
    expect(reopened.ok).toBe(true);
    await pass();
    at("2026-11-12T09:00:00Z");
    await act(codes.c, { kind: "answer", message: "Leja u lëshua më 11 nëntor.", final: true });
    await rateAnswer(db(), {
      kase: await kase(codes.c),
      resolved: true,
      satisfaction: 2,
      actorId: citizenId,
      now: now(),
    });
    // December: a phone call taken at 08:00, entered at 09:00, and refused as not the municipality's.
    at("2026-12-01T09:00:00Z");
    codes.d = await submit({ channel: "phone", receivedAt: "2026-12-01T08:00:00Z" });
    at("2026-12-01T12:00:00Z");
    await act(codes.d, {
      kind: "change_status",
      action: "reject",
      reasonCode: "not-municipal-competence",
      message: "Kjo i takon ministrisë.",
    });
    at("2026-12-01T13:00:00Z");
    await pass();

    // By hand (working days, Europe/Belgrade; the calendar has no holiday in November):
    // A: acknowledged after 3 h (0.125), resolved Friday 10:00 (4 days) — first response and resolution.
    // B: never acknowledged: acknowledgement missed at the breach (escalated once), first response missed at
    //    the end of 9 November, resolution at the end of 30 November — these two without any event.
    // C: acknowledged after a day (1), information asked after two (first response, 2), the citizen
    //    answered two days later (the clock stood still), answered, reopened, answered again on Thursday
    //    12 November: eight working days less two awaited, 6.
    // Times: acknowledgement 0.125 and 1; first response 4 and 2; resolution 4 and 6. Medians and 90th
    // percentiles are the middles of the quarter-day buckets holding the nearest-rank values.
    const nov = await indicators(db(), { municipalityId: prishtine }, NOV);
    expect(nov).toEqual({
      received: 3,
      acknowledged: 2,
      ackWithinShare: 2 / 3,
      ackMedianDays: 0.125,
      ackP90Days: 0.875,
      firstResponseMedianDays: 1.875,
      firstResponseP90Days: 3.875,
      answeredWithinShare: 2 / 3,
      resolutionMedianDays: 3.875,
      resolutionP90Days: 5.875,
      resolutionWithinShare: 2 / 3,
      resolutionRate: 2 / 3,
      backlog: 1,
      overdue: 1,
      reopenRate: 1 / 2,
      satisfactionAverage: 3,
      satisfactionCount: 2,
      escalations: 1,
    });
    // With December: D answered (refused) within the hour it was entered, never acknowledged before it
    // was finished, not resolved.
    const both = await indicators(db(), { municipalityId: prishtine }, { from: "2026-11", to: "2026-12" });
    expect(both).toMatchObject({
      received: 4,
      acknowledged: 2,
      ackWithinShare: 2 / 3,
      answeredWithinShare: 3 / 4,
      resolutionRate: 2 / 4,
      backlog: 1,
    });
    expect(await indicators(db(), { national: true }, NOV)).toEqual(nov);
    const months = await monthly(db(), { municipalityId: prishtine }, { from: "2026-10", to: "2026-12" });
    expect(months.map((m) => [m.month, m.received, m.backlog, m.overdue])).toEqual([
      ["2026-10", 0, 0, 0],
      ["2026-11", 3, 1, 1],
      ["2026-12", 1, 1, 0],
    ]);
    expect(months[0]!.ackWithinShare).toBeNull();
    expect(
      await breakdown(db(), { municipalityId: prishtine }, { from: "2026-11", to: "2026-12" }, "type"),
    ).toEqual([
      // Shares of fewer than 5 cases are not given in a breakdown: 1 of 1 would name the case.
      { key: "issue_report", received: 3, answeredWithinShare: null, resolutionRate: null },
      { key: "request", received: 1, answeredWithinShare: null, resolutionRate: null },
    ]);
    expect(await breakdown(db(), { national: true }, { from: "2026-11", to: "2026-12" }, "channel")).toEqual([
      { key: "web", received: 3, answeredWithinShare: null, resolutionRate: null },
      { key: "phone", received: 1, answeredWithinShare: null, resolutionRate: null },
    ]);
    expect(
      (await breakdown(db(), { municipalityId: prishtine }, NOV, "department")).map((r) => [
        r.key,
        r.received,
      ]),
    ).toEqual([
      [0, 2],
      [roads, 1],
    ]);
    const side = await comparison(db(), NOV);
    expect(side).toHaveLength(38);
    expect(side.find((r) => r.municipalityId === prishtine)).toEqual({ municipalityId: prishtine, ...nov });
    expect(side.filter((r) => r.received > 0)).toHaveLength(1);
    expect(side.find((r) => r.municipalityId !== prishtine)).toMatchObject({
      received: 0,
      backlog: 0,
      overdue: 0,
      ackWithinShare: null,
      ackMedianDays: null,
    });
    expect(await statsUpdatedAt(db())).toEqual(new Date("2026-12-01T13:00:00Z"));
  });

  it("change nothing when a pass finds nothing new, and read no event again", async () => {
    const before = await snapshot();
    expect(await pass()).toMatchObject({ cases: 0, eventsRead: 0 });
    at("2026-12-01T13:10:00Z");
    expect((await pass()).cases).toBe(0);
    expect(await snapshot()).toEqual(before);
    // Once the passes are older than the window, the watermark reaches the newest event.
    const [progress] = await db().select().from(statsProgress).where(eq(statsProgress.name, "events"));
    const [newest] = await db()
      .select({ id: sql<number>`max(${caseEvents.id})` })
      .from(caseEvents);
    expect(Number(progress!.lastEventId)).toBe(Number(newest!.id));
  });

  it("are exactly what a rebuild computes", async () => {
    const incremental = await snapshot();
    expect((await rebuildStats(db(), p.deps.calendar, now())).cases).toBe(4);
    expect(await snapshot()).toEqual(incremental);
    expect((await pass()).cases).toBe(0);
  });

  it("count an event that commits after a pass has read later ones", async () => {
    // A transaction that took an event id and commits only after a pass has seen higher ids.
    const [reserved] = (
      (await db().execute(
        sql`select nextval(pg_get_serial_sequence('case_events', 'id'))::bigint as id`,
      )) as unknown as {
        rows: { id: number | string }[];
      }
    ).rows;
    at("2026-12-01T14:00:00Z");
    await act(codes.b, { kind: "assign", departmentId: roads, assigneeId: null });
    expect((await pass()).cases).toBe(1);
    const b = await kase(codes.b);
    await db().execute(sql`
      insert into case_events (id, case_id, municipality_id, type, is_public, data, at)
      overriding system value
      values (${Number(reserved!.id)}, ${b.id}, ${prishtine}, 'escalated', true, '{"clock":"ack","level":2}'::jsonb,
        ${now().toISOString()}::timestamptz)`);
    at("2026-12-01T14:01:00Z");
    // The pass looks up the id the last one found missing, and reads nothing else again.
    expect(await pass()).toMatchObject({ cases: 1, eventsRead: 1 });
    expect((await indicators(db(), { municipalityId: prishtine }, NOV)).escalations).toBe(2);
    // An id still missing (taken by a transaction that rolled back) is looked up until the window ends.
    await db().execute(sql`select nextval(pg_get_serial_sequence('case_events', 'id'))`);
    await act(codes.b, { kind: "note", text: "An event after the missing id." });
    const gapsAt = async () => {
      const [row] = await db().select().from(statsProgress).where(eq(statsProgress.name, "gaps"));
      return (row!.recent as { to?: number; lastEventId: number }[]).map((g) => [g.lastEventId, g.to]);
    };
    expect((await pass()).cases).toBe(1);
    expect((await gapsAt()).length).toBeGreaterThanOrEqual(1);
    at("2026-12-01T14:07:00Z");
    expect(await pass()).toMatchObject({ cases: 0, eventsRead: 0 });
    expect(await gapsAt()).toEqual([]);
    const incremental = await snapshot();
    await rebuildStats(db(), p.deps.calendar, now());
    expect(await snapshot()).toEqual(incremental);
  });

  it("never count a case twice when two passes run at once", async () => {
    at("2026-12-02T09:00:00Z");
    await act(codes.b, { kind: "change_status", action: "start" });
    await submit();
    const results = await Promise.all([pass({ batchSize: 1 }), pass({ batchSize: 1 }), pass()]);
    expect(results.reduce((sum, r) => sum + r.cases, 0)).toBe(2);
    const incremental = await snapshot();
    await rebuildStats(db(), p.deps.calendar, now());
    expect(await snapshot()).toEqual(incremental);
    const dec = await indicators(db(), { municipalityId: prishtine }, { from: "2026-12", to: "2026-12" });
    // D and E received in December; B (November) and E open at its end.
    expect(dec).toMatchObject({ received: 2, backlog: 2 });
  });

  it("are kept current in the background, and stop when asked", async () => {
    at("2026-12-03T09:00:00Z");
    const f = await submit();
    const errors: unknown[] = [];
    const aggregator = startStatsAggregator(db(), p.deps.calendar, {
      intervalMs: 20,
      log: (e) => errors.push(e),
      clock: p.clock,
    });
    for (let i = 0; i < 200; i++) {
      const [row] = await db()
        .select()
        .from(caseFacts)
        .where(eq(caseFacts.caseId, (await kase(f)).id));
      if (row) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await aggregator.stop();
    expect(errors).toEqual([]);
    const dec = await indicators(db(), { municipalityId: prishtine }, { from: "2026-12", to: "2026-12" });
    expect(dec.received).toBe(3);
    // Stopped: a case made now is not counted until a pass runs again.
    await submit();
    await new Promise((r) => setTimeout(r, 100));
    expect(
      (await indicators(db(), { municipalityId: prishtine }, { from: "2026-12", to: "2026-12" })).received,
    ).toBe(3);
  });

  it("refuse a period that is not one", async () => {
    await expect(indicators(db(), { national: true }, { from: "2026-13", to: "2026-12" })).rejects.toThrow(
      RangeError,
    );
    await expect(monthly(db(), { national: true }, { from: "2026-12", to: "2026-11" })).rejects.toThrow(
      RangeError,
    );
  });
});

describe("a set of municipalities", () => {
  // Made-up aggregates of three other municipalities (Prishtinë's are the cases above): A and B form the
  // set, C is left out. June 2025: A received 3, acknowledged all three within the standard in about three
  // hours, answered 1 of 2 decided first responses on time, resolved 1, one rated 5, one overdue now; B
  // received 1, acknowledged it late after ten and a half working days, answered on time, resolved it, rated
  // 2, escalated twice. A also received 2 in May, still open, one of them overdue now. C received 5 in June.
  let a: number;
  let b: number;
  let c: number;
  const JUNE = { from: "2025-06", to: "2025-06" };
  const MAY_JUNE = { from: "2025-05", to: "2025-06" };

  /** Counters by name; a histogram as {bucket: count}. */
  const counters = (named: Partial<Record<CounterName, number>>) => {
    const out = emptyCounters();
    for (const [name, n] of Object.entries(named)) out[C[name as CounterName]] = n;
    return out;
  };
  const histogram = (buckets: Record<number, number> = {}) => {
    const out = emptyHistogram();
    for (const [i, n] of Object.entries(buckets)) out[Number(i)] = n;
    return out;
  };
  const monthRow = (
    municipalityId: number,
    month: string,
    named: Partial<Record<CounterName, number>>,
    finishedInMonth: number,
    ack: Record<number, number> = {},
  ) => ({
    municipalityId,
    month: `${month}-01`,
    counters: counters(named),
    finishedInMonth,
    ackHist: histogram(ack),
    responseHist: histogram(),
    resolutionHist: histogram(),
  });

  beforeAll(async () => {
    const others = (await db().select().from(municipalities).orderBy(asc(municipalities.id))).filter(
      (m) => m.id !== prishtine,
    );
    [a, b, c] = others.map((m) => m.id) as [number, number, number];
    const aJune = {
      received: 3,
      acknowledged: 3,
      ack_decided: 3,
      ack_met: 3,
      responded: 2,
      response_decided: 2,
      response_met: 1,
      resolved: 1,
      resolved_ever: 1,
      finished: 1,
      satisfaction_sum: 5,
      satisfaction_count: 1,
      overdue: 1,
    };
    const bJune = {
      received: 1,
      acknowledged: 1,
      ack_decided: 1,
      ack_met: 0,
      responded: 1,
      response_decided: 1,
      response_met: 1,
      resolved: 1,
      resolved_ever: 1,
      finished: 1,
      satisfaction_sum: 2,
      satisfaction_count: 1,
      escalated: 1,
      escalations: 2,
    };
    await db()
      .insert(statsMonth)
      .values([
        // Bucket 1 holds (0, 0.25] working days (read as 0.125); bucket 41, (10, 11] (read as 10.5).
        monthRow(a, "2025-06", aJune, 1, { 1: 3 }),
        monthRow(b, "2025-06", bJune, 1, { 41: 1 }),
        monthRow(a, "2025-05", { received: 2, overdue: 1 }, 0),
        monthRow(c, "2025-06", { received: 5 }, 0),
      ]);
    const part = (municipalityId: number, channel: string, named: Partial<Record<CounterName, number>>) => ({
      municipalityId,
      month: "2025-06-01",
      type: "issue_report",
      categoryId: 1,
      channel,
      departmentId: 0,
      counters: counters(named),
    });
    await db()
      .insert(statsBreakdown)
      .values([part(a, "web", aJune), part(b, "phone", bJune), part(c, "web", { received: 5 })]);
  });

  it("are their members' aggregates summed, with medians from the summed histograms", async () => {
    const set = await indicators(db(), { municipalityIds: [a, b] }, JUNE);
    expect(set).toEqual({
      received: 4,
      acknowledged: 4,
      ackWithinShare: 3 / 4,
      // Four times: three at 0.125 and one at 10.5. The median is the second (0.125), not the average of
      // A's and B's medians (5.3125); the 90th percentile is the fourth.
      ackMedianDays: 0.125,
      ackP90Days: 10.5,
      firstResponseMedianDays: null,
      firstResponseP90Days: null,
      answeredWithinShare: 2 / 3,
      resolutionMedianDays: null,
      resolutionP90Days: null,
      resolutionWithinShare: null,
      resolutionRate: 2 / 4,
      // Open at the end of June: A's two of May, and the four of June less the two finished.
      backlog: 4,
      // Now, whatever the period: A's of May and of June.
      overdue: 2,
      reopenRate: 0,
      satisfactionAverage: 3.5,
      satisfactionCount: 2,
      escalations: 2,
    });
    // A municipality listed twice counts once; a set of one is that municipality.
    expect(await indicators(db(), { municipalityIds: [b, a, b] }, JUNE)).toEqual(set);
    expect(await indicators(db(), { municipalityIds: [a] }, JUNE)).toEqual(
      await indicators(db(), { municipalityId: a }, JUNE),
    );
    // Every municipality together is the nation.
    const all = (await db().select({ id: municipalities.id }).from(municipalities)).map((m) => m.id);
    expect(await indicators(db(), { municipalityIds: all }, MAY_JUNE)).toEqual(
      await indicators(db(), { national: true }, MAY_JUNE),
    );
    // No municipality: nothing counted.
    expect(await indicators(db(), { municipalityIds: [] }, JUNE)).toMatchObject({
      received: 0,
      backlog: 0,
      overdue: 0,
      ackMedianDays: null,
    });
  });

  it("give their months and breakdowns the same way", async () => {
    const months = await monthly(db(), { municipalityIds: [a, b] }, MAY_JUNE);
    expect(months.map((m) => [m.month, m.received, m.backlog, m.overdue, m.ackMedianDays])).toEqual([
      ["2025-05", 2, 2, 1, null],
      ["2025-06", 4, 4, 1, 0.125],
    ]);
    expect(await breakdown(db(), { municipalityIds: [a, b] }, JUNE, "channel")).toEqual([
      { key: "web", received: 3, answeredWithinShare: null, resolutionRate: null },
      { key: "phone", received: 1, answeredWithinShare: null, resolutionRate: null },
    ]);
  });

  it("refuse ids that are not ids", async () => {
    await expect(indicators(db(), { municipalityIds: [a, 1.5] }, JUNE)).rejects.toThrow(RangeError);
  });
});

describe("a department or a category of a municipality", () => {
  // Made-up breakdown rows of a fourth municipality, March to May 2025. Department 7: in March 6 potholes by
  // web (5 of 6 acknowledged in time, 3 of 6 answered in time, 4 resolved, 1 merged, reopened 1 of 5
  // answered, 4 ratings summing 16, 2 escalations, 1 overdue now) and 2 requests by phone (both answered in
  // time); none in April; in May 3 potholes, none answered in time; and one in June, outside the period.
  // Department 8: 4 potholes in March.
  let d: number;
  const SPRING = { from: "2025-03", to: "2025-05" };
  const row = (
    month: string,
    departmentId: number,
    categoryId: number,
    channel: string,
    named: Partial<Record<CounterName, number>>,
  ) => {
    const counters = emptyCounters();
    for (const [name, value] of Object.entries(named)) counters[C[name as CounterName]] = value;
    return {
      municipalityId: d,
      month: `${month}-01`,
      type: "issue_report",
      categoryId,
      channel,
      departmentId,
      counters,
    };
  };

  beforeAll(async () => {
    const others = (await db().select().from(municipalities).orderBy(asc(municipalities.id))).filter(
      (m) => m.id !== prishtine,
    );
    d = others[3]!.id;
    await db()
      .insert(statsBreakdown)
      .values([
        row("2025-03", 7, 1, "web", {
          received: 6,
          acknowledged: 6,
          ack_decided: 6,
          ack_met: 5,
          response_decided: 6,
          response_met: 3,
          resolved: 4,
          merged: 1,
          resolved_ever: 5,
          reopened: 1,
          satisfaction_sum: 16,
          satisfaction_count: 4,
          escalations: 2,
          overdue: 1,
        }),
        row("2025-03", 7, 2, "phone", { received: 2, response_decided: 2, response_met: 2 }),
        row("2025-05", 7, 1, "web", { received: 3, response_decided: 3 }),
        row("2025-06", 7, 1, "web", { received: 9 }),
        row("2025-03", 8, 1, "web", { received: 4 }),
      ]);
  });

  it("follow it month by month with the breakdowns' definitions, no share of fewer than 5 cases given", async () => {
    const { months, total } = await sliceMonthly(db(), { municipalityId: d, departmentId: 7 }, SPRING);
    expect(months.map((m) => m.month)).toEqual(["2025-03", "2025-04", "2025-05"]);
    expect(months[0]).toEqual({
      month: "2025-03",
      received: 8,
      acknowledged: 6,
      ackWithinShare: 5 / 6,
      answeredWithinShare: 5 / 8,
      resolutionWithinShare: null,
      resolutionRate: 4 / 7,
      reopenRate: 1 / 5,
      // Four ratings: their average would tell each of them.
      satisfactionAverage: null,
      satisfactionCount: 4,
      escalations: 2,
      overdue: 1,
    });
    expect(months[1]).toMatchObject({ received: 0, answeredWithinShare: null, resolutionRate: null });
    // 0 of 3 answered in time: three cases, so not given.
    expect(months[2]).toMatchObject({ received: 3, answeredWithinShare: null, resolutionRate: null });
    expect(total).toMatchObject({
      received: 11,
      ackWithinShare: 5 / 6,
      answeredWithinShare: 5 / 11,
      resolutionRate: 4 / 10,
      satisfactionAverage: null,
      escalations: 2,
    });
    // The period's total is the department's row of the breakdown.
    const byDepartment = await breakdown(db(), { municipalityId: d }, SPRING, "department");
    expect(byDepartment.find((r) => r.key === 7)).toEqual({
      key: 7,
      received: total.received,
      answeredWithinShare: total.answeredWithinShare,
      resolutionRate: total.resolutionRate,
    });
  });

  it("count a category across the municipality's departments", async () => {
    const { months, total } = await sliceMonthly(db(), { municipalityId: d, categoryId: 1 }, SPRING);
    expect(months.map((m) => [m.month, m.received])).toEqual([
      ["2025-03", 10],
      ["2025-04", 0],
      ["2025-05", 3],
    ]);
    const byCategory = await breakdown(db(), { municipalityId: d }, SPRING, "category");
    expect(byCategory.find((r) => r.key === 1)?.received).toBe(total.received);
    await expect(sliceMonthly(db(), { municipalityId: d, departmentId: 1.5 }, SPRING)).rejects.toThrow(
      RangeError,
    );
    await expect(
      sliceMonthly(db(), { municipalityId: d, categoryId: 1 }, { from: "2025-05", to: "2025-03" }),
    ).rejects.toThrow(RangeError);
  });
});
