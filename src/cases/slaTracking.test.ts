/**
 * The SLA columns of a case beyond the clock engine itself: the standard a case keeps when its priority
 * changes (a clock already met or breached keeps its terms), and where the escalation ladder of a case
 * reopened after its deadline counts from (planSla). Calendar: the Kosovo holidays of late 2026 and early
 * 2027; these dates (November and December 2026, before Christmas) span none.
 */
import { describe, expect, it } from "vitest";
import { buildCalendar } from "../calendar/calendar.ts";
import { readCaseClocks, type Standard } from "./sla.ts";
import { planSla } from "./slaScheduler.ts";
import { type SlaRecord, slaColumns, standardAfterPriority } from "./slaTracking.ts";

const cal = buildCalendar({
  timeZone: "Europe/Belgrade",
  holidays: [
    ["2026-12-25", "2026-12-25", "Catholic Christmas"],
    ["2027-01-01", "2027-01-01", "New Year"],
  ].map(([date, observed, en]) => ({
    date: date!,
    observed: observed!,
    name: { en: en!, sq: en! },
    rule: "fixed" as const,
    status: "law" as const,
  })),
});
const d = (iso: string) => new Date(iso);

const NORMAL: Standard = { unit: "working_days", ackWithin: 2, firstResponseWithin: 5, resolutionWithin: 20 };
const URGENT: Standard = { unit: "hours", ackWithin: 4, firstResponseWithin: 24, resolutionWithin: 72 };

/** A case received on Thursday 26 November 2026, 10:00 UTC, under `standard`. */
function record(standard: Standard, o: Partial<SlaRecord> = {}): SlaRecord {
  return {
    status: "assigned",
    receivedAt: d("2026-11-26T10:00:00Z"),
    standard,
    pauses: [],
    acknowledgedAt: null,
    firstResponseAt: null,
    resolvedAt: null,
    ackDueAt: null,
    responseDueAt: null,
    resolutionDueAt: null,
    ...o,
  };
}

describe("the standard a case keeps when its priority changes", () => {
  it("keeps the terms of a clock breached while owed; the clocks still running take the new figures", () => {
    const now = d("2026-11-26T15:00:00Z");
    const urgent = record(URGENT);
    const kept = standardAfterPriority(urgent, NORMAL, now, cal);
    expect(kept).toEqual({ ...NORMAL, kept: { ack: { unit: "hours", within: 4 } } });
    const columns = slaColumns({ ...urgent, standard: kept }, now, cal);
    expect(columns).toMatchObject({
      ackDueAt: d("2026-11-26T14:00:00Z"),
      responseDueAt: d("2026-12-03T23:00:00Z"),
      resolutionDueAt: d("2026-12-24T23:00:00Z"),
      slaState: "overdue",
      slaDueAt: d("2026-11-26T14:00:00Z"),
    });
    // The case's page reads the same clocks: the acknowledgement missed, the first answer on track.
    const clocks = readCaseClocks(
      {
        receivedAt: urgent.receivedAt,
        standard: kept,
        pauses: [],
        acknowledgedAt: d("2026-11-26T16:00:00Z"),
      },
      d("2026-11-26T17:00:00Z"),
      cal,
    );
    expect([clocks.ack.state, clocks.ack.dueAt]).toEqual(["missed", d("2026-11-26T14:00:00Z")]);
    expect(clocks.firstResponse.dueAt).toEqual(d("2026-12-03T23:00:00Z"));
  });

  it("keeps a clock met, even one met early, and gives nothing to keep when every clock still runs", () => {
    const acknowledged = record(NORMAL, { acknowledgedAt: d("2026-11-26T11:00:00Z") });
    expect(standardAfterPriority(acknowledged, URGENT, d("2026-11-26T12:00:00Z"), cal)).toEqual({
      ...URGENT,
      kept: { ack: { unit: "working_days", within: 2 } },
    });
    expect(standardAfterPriority(record(NORMAL), URGENT, d("2026-11-26T12:00:00Z"), cal)).toEqual(URGENT);
  });

  it("does not count a clock paused before its deadline as breached: it runs on under the new figures", () => {
    // Asked the citizen at 13:00, before the urgent acknowledgement was due at 14:00; still awaiting at 15:00.
    const paused = record(URGENT, { status: "awaiting_citizen", pauses: [{ from: "2026-11-26T13:00:00Z" }] });
    expect(standardAfterPriority(paused, NORMAL, d("2026-11-26T15:00:00Z"), cal)).toEqual(NORMAL);
  });

  it("keeps the terms kept at an earlier change, not those of the standard in between", () => {
    const first = standardAfterPriority(record(URGENT), NORMAL, d("2026-11-26T15:00:00Z"), cal);
    const again = standardAfterPriority(
      record(first, { acknowledgedAt: d("2026-11-26T16:00:00Z") }),
      { ...URGENT, firstResponseWithin: 12 },
      d("2026-11-26T17:00:00Z"),
      cal,
    );
    expect(again).toEqual({
      ...URGENT,
      firstResponseWithin: 12,
      kept: { ack: { unit: "hours", within: 4 } },
    });
  });
});

describe("the escalation ladder of a case reopened after its deadline", () => {
  // Received Monday 2 November: the resolution is due by the end of Monday 30 November (20 working days).
  const reopened = (reopenedAt: string) =>
    record(NORMAL, {
      status: "reopened",
      receivedAt: d("2026-11-02T09:00:00Z"),
      acknowledgedAt: d("2026-11-02T12:00:00Z"),
      firstResponseAt: d("2026-11-03T09:00:00Z"),
      reopenedAt: d(reopenedAt),
    });
  const escalations = (plan: ReturnType<typeof planSla>) =>
    plan.steps.flatMap((s) => (s.kind === "escalation" ? [s.level] : []));

  it("takes the head's step at the reopening, and plans the coordinator's two working days later", () => {
    const plan = planSla(reopened("2026-12-15T09:00:00Z"), {}, d("2026-12-15T09:00:00Z"), cal);
    expect(plan.dueAt).toEqual(d("2026-11-30T23:00:00Z"));
    expect(escalations(plan)).toEqual([1]);
    // The warnings are recorded, never sent: the clock was breached long before.
    expect(
      plan.steps.filter((s) => s.kind === "warning").map((s) => s.kind === "warning" && s.notify),
    ).toEqual([false, false]);
    expect(plan.columns.nextSlaCheckAt).toEqual(d("2026-12-17T09:00:00Z"));
  });

  it("never goes down: the steps made before it stay made, the next one follows the reopening", () => {
    const made = { "resolution.escalation_1": "x", "resolution.escalation_2": "x" };
    const plan = planSla(reopened("2026-12-15T09:00:00Z"), made, d("2026-12-15T09:00:00Z"), cal);
    expect(escalations(plan)).toEqual([]);
    // Five working days after Tuesday 15 December: Tuesday 22 December (the working-time arithmetic rounds
    // up to the next millisecond, as the scheduler's other marks do).
    expect(plan.columns.nextSlaCheckAt).toEqual(d("2026-12-22T09:00:00.001Z"));
  });

  it("counts from the deadline when the case was reopened before it", () => {
    const plan = planSla(reopened("2026-11-30T12:00:00Z"), {}, d("2026-12-01T08:00:00Z"), cal);
    expect(escalations(plan)).toEqual([1]);
    expect(plan.columns.nextSlaCheckAt).toEqual(d("2026-12-02T23:00:00Z"));
  });
});
