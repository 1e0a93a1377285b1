// The SLA columns a case carries (cases.sla_state, sla_due_at, next_sla_check_at and the three due dates),
// computed from its record by the pure engine in sla.ts. Every command that changes what the clocks
// depend on (status, acknowledgement, first answer, resolution, a pause, the standard) writes the result
// in the same update; the scheduler (slaScheduler.ts) recomputes them when a case reaches its next check.
// Pure: the time and the calendar come from the caller.
import type { WorkingCalendar } from "../calendar/calendar.ts";
import { FINAL_STATUSES, isOpen, isPaused } from "./lifecycle.ts";
import {
  CLOCKS,
  type ClockName,
  type ClockState,
  type ClockTerms,
  dueAfterPauses,
  type Pause,
  type PreparedClock,
  prepareClock,
  type Standard,
  termsOf,
} from "./sla.ts";
import type { CaseStatus } from "./statuses.ts";

/** What the inbox filters and counts by. */
export const SLA_STATES = ["on_track", "due_soon", "overdue", "paused", "done"] as const;
export type SlaState = (typeof SLA_STATES)[number];

/**
 * The escalation ladder after a breach: how long after the deadline (in working days) each step is
 * taken, and to whom. Step 1 at the breach itself. For a case reopened after its deadline had passed
 * (the clock runs again against its first due date, so it is overdue at once), the ladder counts from
 * the reopening instead: the steps not yet taken follow it as they would follow a breach then
 * (slaScheduler.ts planSla); the steps taken before it stay taken.
 */
export const ESCALATION_LADDER = [
  { level: 1, to: "department_head", afterWorkingDays: 0 },
  { level: 2, to: "participation_coordinator", afterWorkingDays: 2 },
  { level: 3, to: "ministry_monitor", afterWorkingDays: 5 },
] as const;

/**
 * The key of cases.sla_marks that holds the case's last reopening (commands/applyTransition.ts writes it): not a
 * mark the scheduler makes, but where its escalation ladder counts from (planSla).
 */
export const REOPENED_KEY = "reopened";

export function reopenedAtOf(marks: Readonly<Record<string, string>>): Date | null {
  const at = marks[REOPENED_KEY];
  return at === undefined ? null : new Date(at);
}

export interface SlaRecord {
  status: CaseStatus;
  receivedAt: Date;
  standard: Standard;
  /** As stored in cases.sla_pauses. */
  pauses: readonly { from: string; to?: string }[];
  acknowledgedAt: Date | null;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  /**
   * The last reopening (cases.sla_marks.reopened), if any: where the escalation ladder counts from when
   * the deadline had passed before it.
   */
  reopenedAt?: Date | null | undefined;
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
export function slaReader(r: SlaRecord, cal: WorkingCalendar): SlaReader {
  return new SlaReader(r, cal);
}

const NO_PAUSES: readonly Pause[] = Object.freeze([]);

// A class, not closures: the review of every open case builds one per case (see sla.ts PreparedClock).
export class SlaReader {
  /** The clock that runs (undefined once answered or closed). */
  readonly clock: ClockName | undefined;
  /** The running clock, run once (undefined when none runs or the case awaits the citizen). */
  readonly running: PreparedClock | undefined;
  readonly #dates: Pick<SlaColumns, "ackDueAt" | "responseDueAt" | "resolutionDueAt">;

  constructor(r: SlaRecord, cal: WorkingCalendar) {
    const pauses = r.pauses.length === 0 ? NO_PAUSES : pausesOf(r.pauses);
    const clock = runningClock(r);
    // Paused while the case awaits the citizen, or while a pause opened by other means runs (a proposal
    // collecting support: its formal answer is owed only once it reaches the threshold).
    const paused = isPaused(r.status) || r.pauses.some((p) => !p.to);
    const terms = clock && !paused ? termsOf(r.standard, clock) : undefined;
    const running = terms
      ? prepareClock({ receivedAt: r.receivedAt, amount: terms.within, unit: terms.unit, pauses }, cal)
      : undefined;
    this.clock = clock;
    this.running = running;
    this.#dates = {
      ackDueAt: this.#due(r, "ack", pauses, cal) ?? r.ackDueAt,
      responseDueAt: this.#due(r, "firstResponse", pauses, cal) ?? r.responseDueAt,
      resolutionDueAt: this.#due(r, "resolution", pauses, cal) ?? r.resolutionDueAt,
    };
  }

  /** A clock's deadline: the running one's as already run, the others run now. */
  #due(r: SlaRecord, name: ClockName, pauses: readonly Pause[], cal: WorkingCalendar): Date | undefined {
    if (name === this.clock && this.running) return this.running.run.dueAt;
    const { unit, within } = termsOf(r.standard, name);
    return dueAfterPauses(r.receivedAt, within, unit, pauses, cal);
  }

  #dueOf(clock: ClockName): Date | null {
    const d = this.#dates;
    return clock === "ack" ? d.ackDueAt : clock === "firstResponse" ? d.responseDueAt : d.resolutionDueAt;
  }

  columnsAt(now: Date): SlaColumns {
    const { clock, running } = this;
    if (!clock) return this.#columns("done", null, null);
    if (!running) return this.#columns("paused", this.#dueOf(clock), null);
    const reading = running.stateAt(now);
    // The next instant at which something is due to happen: a warning, the breach, or (once overdue) the
    // scheduler's look at the escalation ladder, which it plans itself (slaScheduler.ts). Overdue, every
    // mark (all at or before the deadline) has passed: no need to work them out.
    let next: Date | null = reading.state === "overdue" ? now : null;
    if (reading.state !== "overdue") {
      const marks = running.marks();
      const t = now.getTime();
      if (marks.dueSoonAt && marks.dueSoonAt.getTime() > t) next = marks.dueSoonAt;
      else if (marks.warning90At && marks.warning90At.getTime() > t) next = marks.warning90At;
      else if (marks.dueAt && marks.dueAt.getTime() > t) next = marks.dueAt;
    }
    return this.#columns(STATE_OF[reading.state], reading.dueAt ?? this.#dueOf(clock), next);
  }

  #columns(slaState: SlaState, slaDueAt: Date | null, nextSlaCheckAt: Date | null): SlaColumns {
    const d = this.#dates;
    return {
      ackDueAt: d.ackDueAt,
      responseDueAt: d.responseDueAt,
      resolutionDueAt: d.resolutionDueAt,
      slaState,
      slaDueAt,
      nextSlaCheckAt,
    };
  }
}

/**
 * The standard a case keeps when its priority changes to one whose standard is `next`: the clocks still
 * running and not yet due take the new figures; a clock already met (acknowledged, first answer given) or
 * already breached (its deadline passed while it was owed) keeps the terms it had, and so its due date —
 * a new priority does not turn a missed deadline into a met one, nor move one already judged. `r` is the
 * case as it is, under the standard it has now.
 */
export function standardAfterPriority(
  r: SlaRecord,
  next: Standard,
  now: Date,
  cal: WorkingCalendar,
): Standard {
  const pauses = r.pauses.length === 0 ? NO_PAUSES : pausesOf(r.pauses);
  const answered: Record<ClockName, Date | null> = {
    ack: r.acknowledgedAt,
    firstResponse: r.firstResponseAt,
    resolution: r.resolvedAt,
  };
  const kept: Partial<Record<ClockName, ClockTerms>> = {};
  for (const clock of CLOCKS) {
    const terms = termsOf(r.standard, clock);
    // Undefined while a pause that began before the deadline is open: not breached, it runs on later.
    const due = dueAfterPauses(r.receivedAt, terms.within, terms.unit, pauses, cal);
    if (answered[clock] !== null || (due !== undefined && due.getTime() <= now.getTime()))
      kept[clock] = terms;
  }
  const { kept: _, ...figures } = next;
  return Object.keys(kept).length === 0 ? figures : { ...figures, kept };
}
