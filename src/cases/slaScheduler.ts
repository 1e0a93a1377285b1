// The SLA scheduler: looks at the cases whose next check has come (cases.next_sla_check_at, through its
// partial index), refreshes their SLA columns, and for the clock that runs makes each mark reached and not
// yet made: the warnings at 75 % and 90 % of the time allowed, and on breach the steps of the escalation
// ladder (ESCALATION_LADDER). A mark is an entry in cases.sla_marks, a case event, an audit entry for an
// escalation, and an email per recipient in the outbox, all in the transaction that records it.
//
// Exactly once, with any number of workers on one PostgreSQL: cases are claimed in batches with FOR UPDATE
// SKIP LOCKED, so no two transactions hold the same case; the marks already made are read under that row
// lock; and the update that records them is conditional on none of them being there, with every event,
// audit entry and email written by the same statement only for the cases that update changed.
import { asc, inArray, lte, sql } from "drizzle-orm";
import { addWorkingTime, type WorkingCalendar } from "../calendar/calendar.ts";
import type { Db } from "../db/client.ts";
import { executeNamed } from "../db/named.ts";
import { cases, municipalities } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { platformKey, sign } from "../notifications/keys.ts";
import type { MailMessage } from "../notifications/mailer.ts";
import { languageOf, noticeEmail } from "../notifications/notify.ts";
import { effectiveMode, type Mode } from "../notifications/topics.ts";
import { type ReferenceData, referenceData } from "../reference/referenceCache.ts";
import { publishCase } from "./caseNotices.ts";
import { OPEN_STATUSES } from "./lifecycle.ts";
import { CLOCKS, type ClockName, type Standard } from "./sla.ts";
import {
  type CaseScope,
  escalationRecipients,
  loadPeople,
  loadStaff,
  type Person,
  type Staff,
  slaEscalationNotice,
  slaWarningNotice,
  warningRecipients,
} from "./slaNotices.ts";
import {
  ESCALATION_LADDER,
  REOPENED_KEY,
  reopenedAtOf,
  type SlaColumns,
  type SlaRecord,
  slaReader,
} from "./slaTracking.ts";
import type { CaseStatus } from "./statuses.ts";

export interface SlaPassDeps {
  db: Db;
  now: Date;
  calendar: WorkingCalendar;
  baseUrl: string;
  /** Cases claimed (and locked) per transaction. */
  batchSize?: number;
  /** Where a case that cannot be computed (a year the calendar does not cover) is reported. */
  log?: (e: unknown) => void;
}

export interface SlaPassResult {
  examined: number;
  warnings: number;
  escalations: number;
}

const DEFAULT_BATCH_SIZE = 200;
/** A case whose clock cannot be computed is looked at again this much later (and reported each time). */
const RETRY_MS = 3_600_000;

type Step =
  | { key: string; kind: "warning"; clock: ClockName; mark: "due_soon" | "warning_90"; notify: boolean }
  | {
      key: string;
      kind: "escalation";
      clock: ClockName;
      level: 1 | 2 | 3;
      to: (typeof ESCALATION_LADDER)[number]["to"];
    };

/** What a look at one case decides: its columns (with the next check) and the marks to make now. */
export interface SlaPlan {
  columns: SlaColumns;
  steps: Step[];
  /** The running clock's deadline, which the messages name. */
  dueAt: Date | undefined;
}

/** Every mark a clock can be given, by clock: the keys of cases.sla_marks ("firstResponse.warning_90"). */
const MARKS_OF = Object.fromEntries(
  CLOCKS.map((clock) => [
    clock,
    {
      dueSoon: `${clock}.due_soon`,
      warning90: `${clock}.warning_90`,
      escalations: ESCALATION_LADDER.map((rung) => `${clock}.escalation_${rung.level}`),
    },
  ]),
) as Record<ClockName, { dueSoon: string; warning90: string; escalations: string[] }>;

/** Every key of cases.sla_marks, in a fixed order: the review reads which are made as bits of one number. */
export const MARK_KEYS: readonly string[] = CLOCKS.flatMap((clock) => {
  const m = MARKS_OF[clock];
  return [m.dueSoon, m.warning90, ...m.escalations];
});

/**
 * The plan for one case at `now`, given the marks already made. Pure. A warning overtaken by a later mark
 * of its clock (found at 95 %, or after the deadline: the scheduler was stopped, or a new priority gave the
 * case a shorter standard) is recorded without a message, so it is never sent late; escalations are always
 * sent, each to other people. The next check is the earliest mark not made yet, or null when none remains.
 */
export function planSla(
  r: SlaRecord,
  made: Readonly<Record<string, string>>,
  now: Date,
  cal: WorkingCalendar,
): SlaPlan {
  const reader = slaReader(r, cal);
  const clock = reader.clock;
  const running = reader.running;
  // No running clock, or no deadline (a pause still open while the status says otherwise): the clock
  // stands still, nothing is due.
  if (!clock || !running?.run.dueAt) {
    const columns = reader.columnsAt(now);
    columns.nextSlaCheckAt = null;
    return { columns, steps: [], dueAt: undefined };
  }
  const dueAt = running.run.dueAt;
  const t = now.getTime();
  const breached = dueAt.getTime() <= t;
  // Past the deadline the columns no longer change as time goes on (overdue, due at the deadline), so they
  // are read at the deadline: read at `now`, the clock walks every day since receipt, months for a backlog.
  const columns = reader.columnsAt(breached ? dueAt : now);
  const steps: Step[] = [];
  let next = Number.POSITIVE_INFINITY;
  // A mark already made is passed over before its instant is worked out: for a case long overdue with its
  // warnings and escalations made (most of a backlog) none is. Written out without helper closures: the
  // review runs this for every open case.
  const keys = MARKS_OF[clock];
  if (made[keys.dueSoon] === undefined) {
    const at = running.marks().dueSoonAt;
    if (at !== undefined && at.getTime() <= t) {
      const overtaken = running.marks().warning90At;
      const notify = !(overtaken !== undefined && overtaken.getTime() <= t) && !breached;
      steps.push({ key: keys.dueSoon, kind: "warning", clock, mark: "due_soon", notify });
    } else if (at !== undefined) next = Math.min(next, at.getTime());
  }
  if (made[keys.warning90] === undefined) {
    const at = running.marks().warning90At;
    if (at !== undefined && at.getTime() <= t) {
      steps.push({ key: keys.warning90, kind: "warning", clock, mark: "warning_90", notify: !breached });
    } else if (at !== undefined) next = Math.min(next, at.getTime());
  }
  // The ladder counts from the deadline, or from the reopening of a case reopened after it: its clock runs
  // again against the first due date, so it is overdue at once, and counting from that date would take
  // every step in one pass. The steps already taken stay taken (the case never goes down the ladder).
  const from = r.reopenedAt && r.reopenedAt.getTime() > dueAt.getTime() ? r.reopenedAt : dueAt;
  for (let i = 0; i < ESCALATION_LADDER.length; i++) {
    const rung = ESCALATION_LADDER[i]!;
    // Before the breach only the first step's time (the deadline itself) can be the next check.
    if (!breached && rung.afterWorkingDays > 0) break;
    const k = keys.escalations[i]!;
    if (made[k] !== undefined) continue;
    const at =
      rung.afterWorkingDays === 0
        ? from.getTime()
        : addWorkingTime(from, rung.afterWorkingDays, cal).getTime();
    if (at <= t) steps.push({ key: k, kind: "escalation", clock, level: rung.level, to: rung.to });
    else next = Math.min(next, at);
  }
  // Set on the object columnsAt made for this plan (spreading it into a new one costs more than the engine).
  columns.nextSlaCheckAt = next === Number.POSITIVE_INFINITY ? null : new Date(next);
  return { columns, steps, dueAt };
}

// ---------------------------------------------------------------------------------------------
// The pass

/** One pass over every case due a check at `now`, batch by batch; see the top of this file. */
export async function runSlaPass(deps: SlaPassDeps): Promise<SlaPassResult> {
  const { db, now } = deps;
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const total: SlaPassResult = { examined: 0, warnings: 0, escalations: 0 };
  // Read before any transaction: on the embedded database a query outside the transaction would wait for it.
  const ref = await referenceData(db);
  let context: Awaited<ReturnType<typeof passContext>> | undefined;
  // Every case a batch takes leaves the work list (its next check is later than `now`, or none), so the
  // next batch takes the next ones, in the index's order. Should one stay (its update refused because a
  // mark was there), the pass ends when a batch brings no case it has not seen.
  const seen = new Set<number>();
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const claimed = await tx
        .select({
          id: cases.id,
          trackingCode: cases.trackingCode,
          municipalityId: cases.municipalityId,
          type: cases.type,
          categoryId: cases.categoryId,
          priority: cases.priority,
          status: cases.status,
          title: cases.title,
          departmentId: cases.departmentId,
          assigneeId: cases.assigneeId,
          receivedAt: cases.receivedAt,
          acknowledgedAt: cases.acknowledgedAt,
          firstResponseAt: cases.firstResponseAt,
          resolvedAt: cases.resolvedAt,
          ackDueAt: cases.ackDueAt,
          responseDueAt: cases.responseDueAt,
          resolutionDueAt: cases.resolutionDueAt,
          slaStandard: cases.slaStandard,
          slaPauses: cases.slaPauses,
          slaMarks: cases.slaMarks,
        })
        .from(cases)
        .where(lte(cases.nextSlaCheckAt, now))
        .orderBy(asc(cases.nextSlaCheckAt))
        .limit(batchSize)
        .for("update", { skipLocked: true });
      if (claimed.length === 0) return undefined;
      context ??= await passContext(tx, ref);
      const result = await handleBatch(tx, claimed, context, deps);
      const fresh = claimed.filter((k) => !seen.has(k.id));
      for (const k of fresh) seen.add(k.id);
      return { ...result, claimed: claimed.length, fresh: fresh.length };
    });
    if (!batch) break;
    total.examined += batch.fresh;
    total.warnings += batch.warnings;
    total.escalations += batch.escalations;
    if (batch.claimed < batchSize || batch.fresh === 0) break;
  }
  return total;
}

/** What every batch of a pass shares: the standards, the municipalities' slugs, the staff (when needed). */
async function passContext(db: Pick<Db, "select">, ref: ReferenceData) {
  const slugs = await db.select({ id: municipalities.id, slug: municipalities.slug }).from(municipalities);
  return {
    // The standard fixed when the case was received (or its priority set); for a case received before it
    // was kept, the standard in force (category, national rules, municipal tightening).
    standardOf: (k: Claimed) => {
      const standard = k.slaStandard ?? ref.standardFor(k.municipalityId, k.categoryId, k.priority);
      if (!standard) throw new Error(`category ${k.categoryId} has no response standard`);
      return standard;
    },
    slugOf: new Map(slugs.map((m) => [m.id, m.slug])),
    staff: undefined as Staff | undefined,
    /** Signs the unsubscribe links of warnings (escalations cannot be switched off). */
    unsubscribeKey: undefined as string | undefined,
    /** Whether any webhook endpoint listens for case.escalated (asked once, at the first escalation). */
    escalationHooks: undefined as boolean | undefined,
    ref,
  };
}

type Claimed = CaseScope & {
  id: number;
  trackingCode: string;
  type: string;
  categoryId: number;
  priority: string;
  status: string;
  title: string;
  receivedAt: Date;
  acknowledgedAt: Date | null;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  ackDueAt: Date | null;
  responseDueAt: Date | null;
  resolutionDueAt: Date | null;
  slaStandard: Standard | null;
  slaPauses: { from: string; to?: string }[];
  slaMarks: Record<string, string>;
};

type Context = Awaited<ReturnType<typeof passContext>>;

/** Plans every case of a batch, composes what the plans make, and writes it all in one statement. */
async function handleBatch(
  tx: Pick<Db, "select" | "execute" | "update" | "insert">,
  claimed: Claimed[],
  context: Context,
  deps: SlaPassDeps,
) {
  const planned: { k: Claimed; plan: SlaPlan }[] = [];
  const failed: number[] = [];
  for (const k of claimed) {
    try {
      const standard = context.standardOf(k);
      const record: SlaRecord = {
        ...k,
        status: k.status as CaseStatus,
        standard,
        pauses: k.slaPauses,
        reopenedAt: reopenedAtOf(k.slaMarks),
      };
      planned.push({ k, plan: planSla(record, k.slaMarks, deps.now, deps.calendar) });
    } catch (e) {
      // One case the engine cannot compute (a year without holiday data) must not hold up the others.
      deps.log?.(new Error(`SLA check of case ${k.trackingCode} failed`, { cause: e }));
      failed.push(k.id);
    }
  }
  const messaging = planned.some((p) => p.plan.steps.some((s) => s.kind === "escalation" || s.notify));
  if (messaging) {
    context.staff ??= await loadStaff(tx);
    context.unsubscribeKey ??= await platformKey(tx, "unsubscribe");
  }
  const warnedAssignees = planned.flatMap(({ k, plan }) =>
    k.assigneeId && plan.steps.some((s) => s.kind === "warning" && s.notify) ? [k.assigneeId] : [],
  );
  const assignees = await loadPeople(tx, [...new Set(warnedAssignees)]);
  const batch = compose(planned, { ...context, assignees }, deps);
  const changed = await write(tx, batch, deps.now);
  if (failed.length > 0) {
    await tx
      .update(cases)
      .set({ nextSlaCheckAt: new Date(deps.now.getTime() + RETRY_MS) })
      .where(inArray(cases.id, failed));
  }
  let warnings = 0;
  let escalations = 0;
  const escalated: number[] = [];
  for (const id of changed) {
    warnings += batch.counts.get(id)?.warnings ?? 0;
    const n = batch.counts.get(id)?.escalations ?? 0;
    escalations += n;
    if (n > 0) escalated.push(id);
  }
  await publishEscalations(tx, escalated, context, deps);
  return { warnings, escalations };
}

/**
 * Tells integrations of each case escalated (the event case.escalated, at the highest step reached), in
 * the batch's transaction, from the case's public view (caseNotices.ts publishCase). Whether any endpoint
 * listens is asked once per pass: without one, a catch-up of thousands of escalations reads no case twice.
 */
async function publishEscalations(
  tx: Pick<Db, "select" | "execute">,
  ids: number[],
  context: Context,
  deps: SlaPassDeps,
) {
  if (ids.length === 0) return;
  context.escalationHooks ??=
    (
      (await tx.execute(sql`
      select 1 from webhook_endpoints where active and 'case.escalated' = any(events) limit 1`)) as unknown as {
        rows: unknown[];
      }
    ).rows.length > 0;
  if (!context.escalationHooks) return;
  const rows = await tx.select().from(cases).where(inArray(cases.id, ids));
  for (const kase of rows) {
    await publishCase(
      tx,
      { now: deps.now, baseUrl: deps.baseUrl, ref: context.ref },
      kase,
      "case.escalated",
      {
        escalationLevel: Math.min(3, Math.max(1, kase.escalationLevel)) as 1 | 2 | 3,
      },
    );
  }
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * The rows a batch writes: each case's columns and new marks, the events, audit entries, and a notice per
 * person told (in-app, and email at once or in the digest as they chose: notify.ts does the same for one).
 */
function compose(
  planned: { k: Claimed; plan: SlaPlan }[],
  context: Context & { assignees: Map<string, Person> },
  { now, calendar, baseUrl }: SlaPassDeps,
) {
  const rows: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  const audits: Record<string, unknown>[] = [];
  const notices: Notice[] = [];
  const counts = new Map<number, { warnings: number; escalations: number }>();
  const timeZone = calendar.timeZone;
  for (const { k, plan } of planned) {
    const marks: Record<string, string> = {};
    let level = 0;
    const count = { warnings: 0, escalations: 0 };
    const kase = {
      trackingCode: k.trackingCode,
      title: k.title,
      link: `${baseUrl}/m/${context.slugOf.get(k.municipalityId)}/workspace/cases/${k.trackingCode}`,
    };
    const dueAt = plan.dueAt!;
    for (const step of plan.steps) {
      marks[step.key] = now.toISOString();
      const event = { case_id: k.id, municipality_id: k.municipalityId, seq: events.length };
      if (step.kind === "warning") {
        if (!step.notify) continue;
        count.warnings++;
        const { reason, to } = warningRecipients(k, context.staff!, context.assignees);
        // Internal: a nudge to staff; the public already sees the promised date.
        events.push({
          ...event,
          type: "sla_warning",
          is_public: false,
          data: { clock: step.clock, mark: step.mark, dueAt: iso(dueAt), reason, notified: to.length },
        });
        for (const p of to) {
          const text = slaWarningNotice({
            to: p,
            kase,
            clock: step.clock,
            mark: step.mark,
            reason,
            dueAt,
            timeZone,
          });
          notices.push(notice(k.id, p, "sla_warning", text, kase, baseUrl, context.unsubscribeKey));
        }
        continue;
      }
      count.escalations++;
      level = Math.max(level, step.level);
      const to = escalationRecipients(k, step.level, context.staff!);
      const data = { clock: step.clock, level: step.level, to: step.to, dueAt: iso(dueAt) };
      // Public: a missed deadline, and who now answers for it, is what the platform holds municipalities
      // to account for. The event names the step (a role), never a person; the audit entry names who was told.
      events.push({ ...event, type: "escalated", is_public: true, data });
      audits.push({
        case_id: k.id,
        municipality_id: k.municipalityId,
        subject_id: k.trackingCode,
        data: { ...data, notified: to.map((p) => p.id) },
      });
      for (const p of to) {
        const text = slaEscalationNotice({
          to: p,
          kase,
          clock: step.clock,
          level: step.level,
          dueAt,
          timeZone,
        });
        notices.push(notice(k.id, p, "sla_escalation", text, kase, baseUrl, undefined));
      }
    }
    counts.set(k.id, count);
    const c = plan.columns;
    rows.push({
      id: k.id,
      ack_due_at: iso(c.ackDueAt),
      response_due_at: iso(c.responseDueAt),
      resolution_due_at: iso(c.resolutionDueAt),
      sla_state: c.slaState,
      sla_due_at: iso(c.slaDueAt),
      next_sla_check_at: iso(c.nextSlaCheckAt),
      marks,
      level,
    });
  }
  return { rows, events, audits, notices, counts };
}

/** One person's notice of a mark: always in the notification centre; by email as they chose. */
interface Notice {
  case_id: number;
  user_id: string;
  topic: "sla_warning" | "sla_escalation";
  subject: string;
  body: string;
  link: string;
  /** The email to send at once, if they get it at once. */
  payload: MailMessage | null;
  /** Kept for their daily digest instead. */
  digest: boolean;
}

function notice(
  caseId: number,
  p: Person,
  topic: Notice["topic"],
  text: { subject: string; lines: string[] },
  kase: { link: string },
  baseUrl: string,
  unsubscribeKey: string | undefined,
): Notice {
  const mode: Mode = effectiveMode(topic, (p.warningMode ?? undefined) as Mode | undefined);
  const unsubscribe =
    topic === "sla_warning" && unsubscribeKey
      ? `${baseUrl}/notifications/unsubscribe?t=${encodeURIComponent(sign(unsubscribeKey, `u:${p.id}|${topic}`))}`
      : undefined;
  return {
    case_id: caseId,
    user_id: p.id,
    topic,
    subject: text.subject,
    body: text.lines.join("\n\n"),
    link: kase.link.slice(baseUrl.length),
    payload:
      mode === "immediate" ? noticeEmail(p.email, languageOf(p), p.name, text, kase.link, unsubscribe) : null,
    digest: mode === "digest",
  };
}

/**
 * One statement for the batch: the columns of every case, and for those with marks to make, the marks,
 * events, audit entries and emails. The update skips a case where any of its marks is already there, and
 * everything else is written only for the cases the update changed: a mark is never made twice. Answers
 * the ids of the cases changed.
 */
async function write(tx: Pick<Db, "execute">, b: ReturnType<typeof compose>, now: Date): Promise<number[]> {
  const json = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;
  const at = sql`${now.toISOString()}::timestamptz`;
  const written = (await tx.execute(sql`
    with input as (
      select * from jsonb_to_recordset(${json(b.rows)}) as x(id bigint, ack_due_at timestamptz,
        response_due_at timestamptz, resolution_due_at timestamptz, sla_state text, sla_due_at timestamptz,
        next_sla_check_at timestamptz, marks jsonb, level smallint)
    ),
    changed as (
      update cases c set ack_due_at = x.ack_due_at, response_due_at = x.response_due_at,
        resolution_due_at = x.resolution_due_at, sla_state = x.sla_state, sla_due_at = x.sla_due_at,
        next_sla_check_at = x.next_sla_check_at, sla_marks = c.sla_marks || x.marks,
        escalation_level = greatest(c.escalation_level, x.level)
      from input x
      where c.id = x.id and not (c.sla_marks ?| array(select jsonb_object_keys(x.marks)))
      returning c.id
    ),
    events as (
      insert into case_events (case_id, municipality_id, type, is_public, data, at)
      select e.case_id, e.municipality_id, e.type, e.is_public, e.data, ${at}
      from jsonb_to_recordset(${json(b.events)}) as e(seq int, case_id bigint, municipality_id int, type text,
        is_public boolean, data jsonb)
      join changed on changed.id = e.case_id
      order by e.seq
    ),
    audit as (
      insert into audit_log (at, actor_id, action, subject_type, subject_id, municipality_id, data)
      select ${at}, null, 'case.escalated', 'case', a.subject_id, a.municipality_id, a.data
      from jsonb_to_recordset(${json(b.audits)}) as a(case_id bigint, municipality_id int, subject_id text,
        data jsonb)
      join changed on changed.id = a.case_id
    ),
    notices as (
      select n.* from jsonb_to_recordset(${json(b.notices)}) as n(case_id bigint, user_id uuid, topic text,
        subject text, body text, link text, payload jsonb, digest boolean)
      join changed on changed.id = n.case_id
    ),
    in_app as (
      insert into notifications (user_id, topic, case_id, subject, body, link, created_at)
      select user_id, topic, case_id, subject, body, link, ${at} from notices
    ),
    mail as (
      insert into outbox (kind, topic, payload, created_at, available_at)
      select 'email', topic, payload, ${at}, ${at} from notices where payload is not null
    ),
    digest as (
      insert into digest_items (user_id, topic, subject, body, link, created_at)
      select user_id, topic, subject, body, link, ${at} from notices where digest
    )
    select id from changed`)) as unknown as { rows: { id: number | string }[] };
  return written.rows.map((r) => Number(r.id));
}

// ---------------------------------------------------------------------------------------------
// In the server (or a worker process)

/**
 * Runs a pass every `intervalMs` (a minute: the marks are instants, and a warning a minute late is on
 * time) and on runNow(), one at a time in this process, until stopped. Several processes may run it
 * against one PostgreSQL: the claims keep them apart.
 */
export function startSlaScheduler(
  db: Db,
  calendar: WorkingCalendar,
  baseUrl: string,
  options: {
    intervalMs?: number;
    /** How often every open case is reviewed (reviewOpenCases): 6 hours; 0 never. */
    reviewEveryMs?: number;
    log?: (e: unknown) => void;
    clock?: Clock;
    batchSize?: number;
  } = {},
) {
  const clock = options.clock ?? systemClock;
  let stopped = false;
  let running: Promise<SlaPassResult | undefined> | undefined;
  // The review catches what the passes cannot see: deadlines moved by a change of the working calendar (a
  // holiday added for Bajram moves every running deadline that spans it). A change of a standard does not
  // move them: it applies to the cases received from its date, each keeping the standard it was received
  // under (cases.sla_standard). Before the pass that follows it, so that what it finds is done at once.
  const reviewEvery = options.reviewEveryMs ?? 6 * 3_600_000;
  let reviewedAt = reviewEvery > 0 ? clock.now().getTime() : Number.POSITIVE_INFINITY;
  const run = () => {
    if (stopped) return Promise.resolve(undefined);
    if (running) return running;
    const now = clock.now();
    const review =
      now.getTime() - reviewedAt >= reviewEvery
        ? reviewOpenCases({ db, now, calendar, log: options.log }).then(() => {
            reviewedAt = now.getTime();
          })
        : Promise.resolve();
    running = review
      .then(() =>
        runSlaPass({
          db,
          now: clock.now(),
          calendar,
          baseUrl,
          batchSize: options.batchSize,
          log: options.log,
        }),
      )
      .catch((e) => {
        options.log?.(e);
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(run, options.intervalMs ?? 60_000);
  timer.unref();
  return {
    /** A pass now (or the one already running); its counts, or undefined if it failed or the scheduler stopped. */
    runNow: () => run(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The review: every open case looked at again

export interface SlaReviewResult {
  /** Open cases looked at. */
  reviewed: number;
  /** Those whose SLA columns or marks were not what the engine computes now: made due a pass at once. */
  corrected: number;
}

/**
 * Looks at every open case, without locking anything, and makes due a pass at once each one whose stored
 * SLA columns differ from what the engine computes now or that has a mark to make — after a change of the
 * working calendar, or to catch anything a pass missed. Each case is computed under its own standard
 * (cases.sla_standard; the standard in force for a case received before it was kept), so a change of the
 * standards moves no running case. The pass (runSlaPass) then does what is due, with its locks and exactly
 * once. Writes nothing when all is as it should be.
 *
 * It reads, page by page in id order (the next page asked for while the engine works on this one), only
 * what the engine needs, through the partial index of open cases that holds those columns
 * (cases_open_sla, schema.ts), so that PostgreSQL answers from the index alone: timestamps as epoch
 * seconds, the marks made as bits of one number (MARK_KEYS), the pauses only where there are some, the
 * standard as text (a few distinct ones, each parsed once). The engine itself makes no function per case
 * (sla.ts PreparedClock).
 */
export async function reviewOpenCases(deps: {
  db: Db;
  now: Date;
  calendar: WorkingCalendar;
  pageSize?: number;
  log?: (e: unknown) => void;
}): Promise<SlaReviewResult> {
  const { db, now, calendar } = deps;
  const pageSize = deps.pageSize ?? 5_000;
  const ref = await referenceData(db);
  const page = (after: number) =>
    executeNamed<ReviewRow>(
      db,
      REVIEW_PAGE,
      sql`${REVIEW_SELECT} and id > ${after} order by id limit ${pageSize}`,
    );
  const result: SlaReviewResult = { reviewed: 0, corrected: 0 };
  const inputs = new ReviewInputs(ref);
  let next = page(0);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) break;
    // The database reads the next page while this one is computed.
    next = page(Number(rows[rows.length - 1]!.id));
    const off: number[] = [];
    for (const r of rows) {
      try {
        if (!rightNow(r, inputs, now, calendar)) off.push(Number(r.id));
      } catch (e) {
        deps.log?.(new Error(`SLA review of case ${r.id} failed`, { cause: e }));
      }
    }
    result.reviewed += rows.length;
    if (off.length > 0) {
      await db.update(cases).set({ nextSlaCheckAt: now }).where(inArray(cases.id, off));
      result.corrected += off.length;
    }
    if (rows.length < pageSize) {
      await next;
      break;
    }
  }
  return result;
}

const REVIEW_PAGE = "sla_review_page";
// The statuses are written out, not sent as parameters: the partial index's condition must be seen to hold
// in the plan made once for the named statement.
const OPEN_LIST = OPEN_STATUSES.map((s) => `'${s}'`).join(", ");
// Seconds as float8 (date_part), made milliseconds here (msOf): extract() answers numeric, whose arithmetic
// cost PostgreSQL more than reading the index.
const epochSeconds = (column: string) => `date_part('epoch', ${column}) as ${column}`;
const REVIEW_SELECT = sql.raw(`select id, municipality_id, category_id, priority, status,
  sla_standard::text as sla_standard, ${epochSeconds("received_at")}, ${epochSeconds("acknowledged_at")},
  ${epochSeconds("first_response_at")}, ${epochSeconds("resolved_at")}, ${epochSeconds("ack_due_at")},
  ${epochSeconds("response_due_at")}, ${epochSeconds("resolution_due_at")}, sla_state, ${epochSeconds("sla_due_at")},
  ${epochSeconds("next_sla_check_at")}, nullif(sla_pauses, '[]'::jsonb) as sla_pauses,
  date_part('epoch', (sla_marks->>'${REOPENED_KEY}')::timestamptz) as reopened_at,
  ${MARK_KEYS.map((key, bit) => `((sla_marks ? '${key}')::int << ${bit})`).join(" | ")} as sla_marks
  from cases where status in (${OPEN_LIST})`);

interface ReviewRow {
  id: number | string;
  municipality_id: number;
  category_id: number;
  priority: string;
  status: string;
  /** cases.sla_standard as JSON text, or null. */
  sla_standard: string | null;
  /** The timestamps in epoch seconds (msOf). */
  received_at: number;
  acknowledged_at: number | null;
  first_response_at: number | null;
  resolved_at: number | null;
  ack_due_at: number | null;
  response_due_at: number | null;
  resolution_due_at: number | null;
  sla_state: string;
  sla_due_at: number | null;
  next_sla_check_at: number | null;
  /** Null when the case never paused. */
  sla_pauses: { from: string; to?: string }[] | null;
  /** Bit i set: mark MARK_KEYS[i] made. */
  sla_marks: number;
  /** The last reopening (REOPENED_KEY) in epoch seconds, or null. */
  reopened_at: number | null;
}

const NO_PAUSES: readonly { from: string; to?: string }[] = Object.freeze([]);

/**
 * What the review's rows share, each made once per review: the standards (stored ones by their text, the
 * ones in force by municipality, category and priority) and the marks made (by their bits; planSla only
 * asks whether a key is there).
 */
class ReviewInputs {
  readonly #stored = new Map<string, Standard>();
  readonly #inForce = new Map<string, Standard | undefined>();
  readonly #marks = new Map<number, Readonly<Record<string, string>>>();
  constructor(private readonly ref: ReferenceData) {}

  standard(r: ReviewRow): Standard {
    let standard: Standard | undefined;
    if (r.sla_standard !== null) {
      standard = this.#stored.get(r.sla_standard);
      if (!standard) {
        standard = JSON.parse(r.sla_standard) as Standard;
        this.#stored.set(r.sla_standard, standard);
      }
      return standard;
    }
    const key = `${r.municipality_id} ${r.category_id} ${r.priority}`;
    standard = this.#inForce.get(key);
    if (standard === undefined && !this.#inForce.has(key)) {
      standard = this.ref.standardFor(r.municipality_id, r.category_id, r.priority);
      this.#inForce.set(key, standard);
    }
    if (!standard) throw new Error(`category ${r.category_id} has no response standard`);
    return standard;
  }

  made(bits: number): Readonly<Record<string, string>> {
    let made = this.#marks.get(bits);
    if (!made) {
      made = Object.fromEntries(MARK_KEYS.flatMap((key, bit) => ((bits >> bit) & 1 ? [[key, "made"]] : [])));
      this.#marks.set(bits, made);
    }
    return made;
  }
}

/** Whether a case's stored SLA columns are what the engine computes now, with no mark to make. */
function rightNow(r: ReviewRow, inputs: ReviewInputs, now: Date, calendar: WorkingCalendar): boolean {
  const plan = planSla(
    {
      status: r.status as CaseStatus,
      receivedAt: new Date(msOf(r.received_at)),
      standard: inputs.standard(r),
      pauses: r.sla_pauses ?? NO_PAUSES,
      acknowledgedAt: dateOf(r.acknowledged_at),
      firstResponseAt: dateOf(r.first_response_at),
      resolvedAt: dateOf(r.resolved_at),
      ackDueAt: dateOf(r.ack_due_at),
      responseDueAt: dateOf(r.response_due_at),
      resolutionDueAt: dateOf(r.resolution_due_at),
      reopenedAt: dateOf(r.reopened_at),
    },
    inputs.made(r.sla_marks),
    now,
    calendar,
  );
  const c = plan.columns;
  return (
    plan.steps.length === 0 &&
    c.slaState === r.sla_state &&
    sameInstant(c.ackDueAt, r.ack_due_at) &&
    sameInstant(c.responseDueAt, r.response_due_at) &&
    sameInstant(c.resolutionDueAt, r.resolution_due_at) &&
    sameInstant(c.slaDueAt, r.sla_due_at) &&
    sameInstant(c.nextSlaCheckAt, r.next_sla_check_at)
  );
}

/**
 * Epoch seconds (date_part: microseconds / 10^6 in float8) to the whole millisecond a Date of the same
 * timestamp holds (microseconds cut off, as the driver reads it). The float8 is off by less than 0.00025 ms
 * either way, and microseconds are thousandths of a millisecond: adding 0.0005 before cutting off is exact.
 */
function msOf(seconds: number): number {
  return Math.floor(seconds * 1000 + 0.0005);
}

function dateOf(seconds: number | null): Date | null {
  return seconds === null ? null : new Date(msOf(seconds));
}

function sameInstant(a: Date | null, seconds: number | null): boolean {
  return a === null ? seconds === null : seconds !== null && a.getTime() === msOf(seconds);
}
