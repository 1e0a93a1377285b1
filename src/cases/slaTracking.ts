// The SLA columns a case carries (cases.sla_state, sla_due_at, next_sla_check_at and the three due dates),
// computed from its record by the pure engine in sla.ts. Every command that changes what the clocks
// depend on (status, acknowledgement, first answer, resolution, a pause, the standard) writes the result
// in the same update; the scheduler (slaScheduler.ts) recomputes them when a case reaches its next check.
// Pure: the time and the calendar come from the caller.
import type { WorkingCalendar } from "../calendar/calendar.ts";
import { FINAL_STATUSES, isOpen, isPaused } from "./lifecycle.ts";
import {
  type ClockName,
  type ClockState,
  dueAfterPauses,
  type Pause,
  prepareClock,
  type Standard,
} from "./sla.ts";
import type { CaseStatus } from "./statuses.ts";

/** What the inbox filters and counts by. */
export const SLA_STATES = ["on_track", "due_soon", "overdue", "paused", "done"] as const;
export type SlaState = (typeof SLA_STATES)[number];

/**
 * The escalation ladder after a breach: how long after the deadline (in working days) each step is
 * taken, and to whom. Step 1 at the breach itself.
 */
export const ESCALATION_LADDER = [
  { level: 1, to: "department_head", afterWorkingDays: 0 },
  { level: 2, to: "participation_coordinator", afterWorkingDays: 2 },
  { level: 3, to: "ministry_monitor", afterWorkingDays: 5 },
] as const;

export interface SlaRecord {
  status: CaseStatus;
  receivedAt: Date;
  standard: Standard;
  /** As stored in cases.sla_pauses. */
  pauses: readonly { from: string; to?: string }[];
  acknowledgedAt: Date | null;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  /** The due dates stored now: kept while a pause makes the new ones unknown. */
  ackDueAt: Date | null;
  responseDueAt: Date | null;
  resolutionDueAt: Date | null;
}

export interface SlaColumns {
  ackDueAt: Date | null;
  responseDueAt: Date | null;
  resolutionDueAt: Date | null;
  slaState: SlaState;
  slaDueAt: Date | null;
  nextSlaCheckAt: Date | null;
}

export const pausesOf = (stored: SlaRecord["pauses"]): Pause[] =>
  stored.map((p) => ({ from: new Date(p.from), ...(p.to ? { to: new Date(p.to) } : {}) }));

/** The clock that runs for a case: the first obligation not yet met, or none once it is answered or closed. */
export function runningClock(r: Pick<SlaRecord, "status" | "acknowledgedAt" | "firstResponseAt">) {
  if (!isOpen(r.status) || FINAL_STATUSES.includes(r.status)) return undefined;
  if (!r.acknowledgedAt) return "ack" as const;
  if (!r.firstResponseAt) return "firstResponse" as const;
  return "resolution" as const;
}

const AMOUNT: Record<ClockName, keyof Omit<Standard, "unit">> = {
  ack: "ackWithin",
  firstResponse: "firstResponseWithin",
  resolution: "resolutionWithin",
};

const STATE_OF: Record<ClockState, SlaState> = {
  on_track: "on_track",
  due_soon: "due_soon",
  warning_90: "due_soon",
  overdue: "overdue",
  paused: "paused",
  met: "done",
  missed: "done",
};

export function slaColumns(r: SlaRecord, now: Date, cal: WorkingCalendar): SlaColumns {
  return slaReader(r, cal).columnsAt(now);
}

/**
 * The SLA columns of one record at any instant, its deadlines worked out once: for the scheduler, which
 * reads a case at two instants and needs the running clock's marks too (slaScheduler.ts planSla).
 */
export function slaReader(r: SlaRecord, cal: WorkingCalendar) {
  const pauses = pausesOf(r.pauses);
  const clock = runningClock(r);
  // Paused while the case awaits the citizen, or while a pause opened by other means runs (a proposal
  // collecting support: its formal answer is owed only once it reaches the threshold).
  const paused = isPaused(r.status) || r.pauses.some((p) => !p.to);
  const unit = r.standard.unit;
  const running =
    clock && !paused
      ? prepareClock({ receivedAt: r.receivedAt, amount: r.standard[AMOUNT[clock]], unit, pauses }, cal)
      : undefined;
  const due = (name: ClockName) =>
    name === clock && running
      ? running.run.dueAt
      : dueAfterPauses(r.receivedAt, r.standard[AMOUNT[name]], unit, pauses, cal);
  const dates = {
    ackDueAt: due("ack") ?? r.ackDueAt,
    responseDueAt: due("firstResponse") ?? r.responseDueAt,
    resolutionDueAt: due("resolution") ?? r.resolutionDueAt,
  };
  const dueOf = {
    ack: dates.ackDueAt,
    firstResponse: dates.responseDueAt,
    resolution: dates.resolutionDueAt,
  };
  return {
    clock,
    /** The running clock, run once (undefined when none runs or the case awaits the citizen). */
    running,
    columnsAt(now: Date): SlaColumns {
      if (!clock) return { ...dates, slaState: "done", slaDueAt: null, nextSlaCheckAt: null };
      if (!running) return { ...dates, slaState: "paused", slaDueAt: dueOf[clock], nextSlaCheckAt: null };
      const reading = running.stateAt(now);
      // The next instant at which something is due to happen: a warning, the breach, or (once overdue) the
      // scheduler's look at the escalation ladder, which it plans itself (slaScheduler.ts). Overdue, every
      // mark (all at or before the deadline) has passed: no need to work them out.
      const marks = reading.state === "overdue" ? undefined : running.marks();
      const next =
        marks &&
        [marks.dueSoonAt, marks.warning90At, marks.dueAt].find((m) => m && m.getTime() > now.getTime());
      return {
        ...dates,
        slaState: STATE_OF[reading.state],
        slaDueAt: reading.dueAt ?? dueOf[clock],
        nextSlaCheckAt: next ?? (reading.state === "overdue" ? now : null),
      };
    },
  };
}
