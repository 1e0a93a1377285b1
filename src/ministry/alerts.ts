// Alerts on systematic lateness (issue 9): the pass that raises them from the aggregates and tells the
// ministry's monitors, and the reading and closing of them. The rules are alertRules.ts.
//
// Once, with any number of processes on one PostgreSQL: an alert is inserted with `on conflict do nothing`
// on its unique key (kind, municipality, department, month), and not while one of the same kind and place
// is still open; monitors are told of the alerts whose notified_at the telling transaction itself set, from
// null, under FOR UPDATE SKIP LOCKED, so two passes never tell of one alert twice.
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { appendAudit } from "../audit/audit.ts";
import type { WorkingCalendar } from "../calendar/calendar.ts";
import type { Db } from "../db/client.ts";
import { departments, ministryAlerts, oversightSettings, roleAssignments, users } from "../db/schema.ts";
import { isLanguage, type Language, translator } from "../kernel/i18n.ts";
import { localized } from "../kernel/localized.ts";
import { notify } from "../notifications/notify.ts";
import type { Topic } from "../notifications/topics.ts";
import { referenceData } from "../reference/referenceCache.ts";
import { sqlIndex } from "../stats/counters.ts";
import { addMonths, monthOf, monthsOf } from "../stats/web/period.ts";
import {
  type AlertCandidate,
  type AlertKind,
  alertCandidates,
  type BacklogMonth,
  DEFAULT_LEVELS,
  type OnTimeMonth,
  type OversightFigures,
  type OversightLevels,
  untouchedCutoff,
} from "./alertRules.ts";
import { alertTitle } from "./alertText.ts";
import { untouchedEscalations } from "./escalations.ts";

/** The topic monitors are told under: theirs alone, so a monitor may take alerts in the daily digest. */
export const ALERT_TOPIC: Topic = "oversight_alert";
/** Where the alerts are listed: every notice links there. */
export const ALERTS_PATH = "/ministry/alerts";
/** A notice names at most this many alerts; the page has them all. */
const NOTICE_MAX_ALERTS = 20;

type Exec = Pick<Db, "execute">;
async function rowsOf<T>(db: Exec, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

// ── The levels.

export interface Levels extends OversightLevels {
  updatedAt: Date | null;
  updatedBy: string | null;
}

export async function readLevels(db: Pick<Db, "select">): Promise<Levels> {
  const [row] = await db.select().from(oversightSettings).where(eq(oversightSettings.id, 1));
  if (!row) return { ...DEFAULT_LEVELS, updatedAt: null, updatedBy: null };
  return {
    onTimeMinPercent: row.onTimeMinPercent,
    onTimeMonths: row.onTimeMonths,
    backlogMonths: row.backlogMonths,
    untouchedWorkingDays: row.untouchedWorkingDays,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
  };
}

/** Sets the levels (already validated), with an audit entry of what they were and became. */
export async function saveLevels(
  db: Db,
  input: { levels: OversightLevels; actorId: string; now: Date; ip?: string | undefined },
): Promise<{ changed: boolean }> {
  return db.transaction(async (tx) => {
    const before = await readLevels(tx);
    const after = input.levels;
    const keys = Object.keys(DEFAULT_LEVELS) as (keyof OversightLevels)[];
    if (keys.every((k) => before[k] === after[k])) return { changed: false };
    await tx
      .insert(oversightSettings)
      .values({ id: 1, ...after, updatedBy: input.actorId, updatedAt: input.now })
      .onConflictDoUpdate({
        target: oversightSettings.id,
        set: { ...after, updatedBy: input.actorId, updatedAt: input.now },
      });
    await appendAudit(tx, {
      at: input.now,
      actorId: input.actorId,
      action: "ministry.oversight_levels_changed",
      subjectType: "oversight_settings",
      subjectId: "1",
      ip: input.ip ?? null,
      data: { before: Object.fromEntries(keys.map((k) => [k, before[k]])), after },
    });
    return { changed: true };
  });
}

// ── The figures, from the aggregates only.

/** First-response clocks decided and met per municipality and per department, month by month. */
async function onTimeFigures(db: Exec, months: string[]) {
  const from = `${months[0]}-01`;
  const to = `${months.at(-1)}-01`;
  const decided = sql.raw(`coalesce(sum(counters[${sqlIndex("response_decided")}]), 0)::int`);
  const met = sql.raw(`coalesce(sum(counters[${sqlIndex("response_met")}]), 0)::int`);
  type Row = { municipality_id: number; department_id: number; month: string; decided: number; met: number };
  const [byMunicipality, byDepartment] = await Promise.all([
    rowsOf<Row>(
      db,
      sql`select municipality_id, 0 as department_id, to_char(month, 'YYYY-MM') as month, ${decided} as decided,
            ${met} as met
          from stats_month where month between ${from}::date and ${to}::date group by 1, 3`,
    ),
    // Department 0 is the coordinator's (no department): the municipality's own alert covers it.
    rowsOf<Row>(
      db,
      sql`select municipality_id, department_id, to_char(month, 'YYYY-MM') as month, ${decided} as decided,
            ${met} as met
          from stats_breakdown where month between ${from}::date and ${to}::date and department_id <> 0
          group by 1, 2, 3`,
    ),
  ]);
  // Every month of the window, zeros where nothing was counted.
  const fill = (rows: Row[]): OnTimeMonth[] =>
    months.map((month) => {
      const r = rows.find((x) => x.month === month);
      return { month, decided: Number(r?.decided ?? 0), met: Number(r?.met ?? 0) };
    });
  const group = <K>(rows: Row[], key: (r: Row) => K) => {
    const out = new Map<K, Row[]>();
    for (const r of rows) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
    return out;
  };
  const municipalityOnTime = new Map<number, OnTimeMonth[]>();
  for (const [id, rows] of group(byMunicipality, (r) => r.municipality_id))
    municipalityOnTime.set(id, fill(rows));
  const departmentOnTime = new Map<number, { municipalityId: number; months: OnTimeMonth[] }>();
  for (const [id, rows] of group(byDepartment, (r) => r.department_id))
    departmentOnTime.set(id, { municipalityId: rows[0]!.municipality_id, months: fill(rows) });
  return { municipalityOnTime, departmentOnTime };
}

/** The backlog at the end of each month of the window (received less finished, by then), from a place's rows. */
function backlogByMonth(
  months: string[],
  before: number,
  within: readonly { month: string; received: number; finished: number }[],
): BacklogMonth[] {
  let backlog = before;
  return months.map((month) => {
    const r = within.find((x) => x.month === month);
    backlog += Number(r?.received ?? 0) - Number(r?.finished ?? 0);
    return { month, backlog };
  });
}

/** The backlog at the end of each month of the window, per municipality (stats_month). */
async function backlogFigures(db: Exec, months: string[]): Promise<Map<number, BacklogMonth[]>> {
  const from = `${months[0]}-01`;
  const to = `${months.at(-1)}-01`;
  const [before, within] = await Promise.all([
    rowsOf<{ municipality_id: number; n: number }>(
      db,
      sql`select municipality_id, (coalesce(sum(counters[1]), 0) - coalesce(sum(finished_in_month), 0))::int as n
          from stats_month where month < ${from}::date group by 1`,
    ),
    rowsOf<{ municipality_id: number; month: string; received: number; finished: number }>(
      db,
      sql`select municipality_id, to_char(month, 'YYYY-MM') as month, coalesce(counters[1], 0)::int as received,
            finished_in_month as finished
          from stats_month where month between ${from}::date and ${to}::date`,
    ),
  ]);
  const out = new Map<number, BacklogMonth[]>();
  const ids = new Set([...before.map((r) => r.municipality_id), ...within.map((r) => r.municipality_id)]);
  for (const id of ids) {
    const start = Number(before.find((r) => r.municipality_id === id)?.n ?? 0);
    out.set(
      id,
      backlogByMonth(
        months,
        start,
        within.filter((r) => r.municipality_id === id),
      ),
    );
  }
  return out;
}

/**
 * The backlog at the end of each month of the window, per department (stats_department_month: the cases it
 * has now, received less finished). Department 0, the coordinator's, is the municipality's own alert's.
 */
async function departmentBacklogFigures(
  db: Exec,
  months: string[],
): Promise<Map<number, { municipalityId: number; months: BacklogMonth[] }>> {
  const from = `${months[0]}-01`;
  const to = `${months.at(-1)}-01`;
  type Row = { municipality_id: number; department_id: number };
  const [before, within] = await Promise.all([
    rowsOf<Row & { n: number }>(
      db,
      sql`select municipality_id, department_id, (sum(received) - sum(finished))::int as n
          from stats_department_month where month < ${from}::date and department_id <> 0 group by 1, 2`,
    ),
    rowsOf<Row & { month: string; received: number; finished: number }>(
      db,
      sql`select municipality_id, department_id, to_char(month, 'YYYY-MM') as month, received, finished
          from stats_department_month
          where month between ${from}::date and ${to}::date and department_id <> 0`,
    ),
  ]);
  const out = new Map<number, { municipalityId: number; months: BacklogMonth[] }>();
  const places = new Map<number, number>();
  for (const r of [...before, ...within]) places.set(r.department_id, r.municipality_id);
  for (const [id, municipalityId] of places) {
    const start = Number(before.find((r) => r.department_id === id)?.n ?? 0);
    const rows = within.filter((r) => r.department_id === id);
    out.set(id, { municipalityId, months: backlogByMonth(months, start, rows) });
  }
  return out;
}

/**
 * Everything a pass reads: two small reads each of stats_month and stats_department_month, one of
 * stats_breakdown, and the escalated cases untouched since the cutoff (none when it cannot be placed, a
 * year the calendar lacks: `cutoff` undefined).
 */
export async function oversightFigures(
  db: Db,
  levels: OversightLevels,
  lastCompleteMonth: string,
  cutoff: Date | undefined,
): Promise<OversightFigures> {
  const onTimeWindow = monthsOf({
    from: addMonths(lastCompleteMonth, 1 - levels.onTimeMonths),
    to: lastCompleteMonth,
  });
  const backlogWindow = monthsOf({
    from: addMonths(lastCompleteMonth, -levels.backlogMonths),
    to: lastCompleteMonth,
  });
  const [onTime, municipalityBacklog, departmentBacklog, untouched] = await Promise.all([
    onTimeFigures(db, onTimeWindow),
    backlogFigures(db, backlogWindow),
    departmentBacklogFigures(db, backlogWindow),
    cutoff ? untouchedEscalations(db, cutoff) : { municipalities: new Map(), departments: new Map() },
  ]);
  return { ...onTime, municipalityBacklog, departmentBacklog, untouched };
}

// ── The pass.

export interface OversightPassResult {
  raised: number;
  notified: number;
}

/** Raises the alerts the aggregates call for at `now`, then tells the monitors of every alert not told yet. */
export async function runOversightPass(
  db: Db,
  now: Date,
  ctx: { calendar: WorkingCalendar; baseUrl: string; log?: ((e: unknown) => void) | undefined },
): Promise<OversightPassResult> {
  const levels = await readLevels(db);
  const currentMonth = monthOf(now, ctx.calendar.timeZone);
  const lastCompleteMonth = addMonths(currentMonth, -1);
  let cutoff: Date | undefined;
  try {
    cutoff = untouchedCutoff(now, levels, ctx.calendar);
  } catch (e) {
    // The calendar lacks the year: the other alerts still come, and this one once the year is added.
    ctx.log?.(new Error("oversight: untouched escalations could not be measured", { cause: e }));
  }
  const figures = await oversightFigures(db, levels, lastCompleteMonth, cutoff);
  const { candidates, skipped } = alertCandidates(figures, levels, {
    now,
    lastCompleteMonth,
    currentMonth,
    calendar: ctx.calendar,
  });
  for (const s of skipped)
    ctx.log?.(new Error(`oversight: case ${s.code} could not be measured`, { cause: s.error }));
  const raised = await raiseAlerts(db, candidates, now);
  const notified = await notifyMonitors(db, now, ctx.baseUrl);
  return { raised, notified };
}

/**
 * Inserts the candidates in one statement: each once (the unique key), none while an alert of its kind and
 * place is open, none for a municipality switched off or a department gone. Answers how many were new.
 */
export async function raiseAlerts(
  db: Exec,
  candidates: readonly AlertCandidate[],
  now: Date,
): Promise<number> {
  if (candidates.length === 0) return 0;
  const rows = candidates.map((c) => ({
    kind: c.kind,
    municipality_id: c.municipalityId,
    department_id: c.departmentId,
    month: `${c.month}-01`,
    evidence: c.evidence,
  }));
  const inserted = await rowsOf<{ id: number }>(
    db,
    sql`insert into ministry_alerts (kind, municipality_id, department_id, month, evidence, raised_at)
        select x.kind, x.municipality_id, x.department_id, x.month, x.evidence, ${now.toISOString()}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as x(kind text, municipality_id int, department_id int, month date, evidence jsonb)
        where exists (select 1 from municipalities m where m.id = x.municipality_id and m.active)
          and (x.department_id is null
            or exists (select 1 from departments d where d.id = x.department_id and d.municipality_id = x.municipality_id))
          and not exists (select 1 from ministry_alerts a where a.kind = x.kind and a.municipality_id = x.municipality_id
            and coalesce(a.department_id, 0) = coalesce(x.department_id, 0) and a.closed_at is null)
        on conflict do nothing
        returning id`,
  );
  return inserted.length;
}

/**
 * Tells every ministry monitor, in one notice each, of the open alerts nobody was told of yet; answers how
 * many alerts. The alerts are marked told in the transaction that writes the notices.
 */
export async function notifyMonitors(db: Db, now: Date, baseUrl: string): Promise<number> {
  // Read before the transaction: on the embedded database a query outside it would wait for it.
  const ref = await referenceData(db);
  return db.transaction(async (tx) => {
    const claimed = await rowsOf<{
      id: number;
      kind: AlertKind;
      municipality_id: number;
      department_id: number | null;
      evidence: unknown;
    }>(
      tx,
      sql`update ministry_alerts set notified_at = ${now.toISOString()}::timestamptz
          where id in (select id from ministry_alerts where notified_at is null and closed_at is null
            order by id for update skip locked)
          returning id, kind, municipality_id, department_id, evidence`,
    );
    if (claimed.length === 0) return 0;
    claimed.sort((a, b) => a.id - b.id);
    const deptIds = [...new Set(claimed.flatMap((a) => (a.department_id === null ? [] : [a.department_id])))];
    const names =
      deptIds.length === 0
        ? new Map()
        : new Map(
            (
              await tx
                .select({ id: departments.id, name: departments.name })
                .from(departments)
                .where(inArray(departments.id, deptIds))
            ).map((d) => [d.id, d.name]),
          );
    const monitors = await tx
      .selectDistinct({ id: users.id, email: users.email, name: users.name, language: users.language })
      .from(roleAssignments)
      .innerJoin(users, eq(users.id, roleAssignments.userId))
      .where(and(eq(roleAssignments.role, "ministry_monitor"), isNull(users.deletedAt)));
    for (const person of monitors) {
      const lang: Language = isLanguage(person.language) ? person.language : "sq";
      const t = translator(lang);
      const titles = claimed.slice(0, NOTICE_MAX_ALERTS).map((a) => {
        const m = ref.municipalityById(a.municipality_id);
        const d = a.department_id === null ? undefined : names.get(a.department_id);
        return `${alertTitle(t, lang, {
          kind: a.kind,
          evidence: a.evidence,
          municipality: m ? localized(m.name, lang) : String(a.municipality_id),
          department: d ? localized(d, lang) : undefined,
        })}.`;
      });
      const more = claimed.length - titles.length;
      await notify(
        tx,
        { userId: person.id, email: person.email, name: person.name, language: lang },
        {
          topic: ALERT_TOPIC,
          subject: t("ministry.alertNotice.subject", { count: claimed.length }),
          lines: [
            t("ministry.alertNotice.body", { count: claimed.length }),
            ...titles,
            ...(more > 0 ? [t("ministry.alertNotice.more", { count: more })] : []),
          ],
          path: ALERTS_PATH,
          linkIntro: t("ministry.alertNotice.linkIntro"),
        },
        { now, baseUrl },
      );
    }
    return claimed.length;
  });
}

// ── Reading and closing.

export interface AlertRow {
  id: number;
  kind: AlertKind;
  municipalityId: number;
  departmentId: number | null;
  departmentName: typeof departments.$inferSelect.name | null;
  departmentCode: string | null;
  /** "YYYY-MM". */
  month: string;
  evidence: unknown;
  raisedAt: Date;
  notifiedAt: Date | null;
  closedAt: Date | null;
  closedByName: string | null;
  closingNote: string | null;
}

const alertColumns = {
  id: ministryAlerts.id,
  kind: ministryAlerts.kind,
  municipalityId: ministryAlerts.municipalityId,
  departmentId: ministryAlerts.departmentId,
  departmentName: departments.name,
  departmentCode: departments.code,
  month: ministryAlerts.month,
  evidence: ministryAlerts.evidence,
  raisedAt: ministryAlerts.raisedAt,
  notifiedAt: ministryAlerts.notifiedAt,
  closedAt: ministryAlerts.closedAt,
  closedByName: users.name,
  closingNote: ministryAlerts.closingNote,
};

const asAlert = (r: Omit<AlertRow, "kind"> & { kind: string }): AlertRow => ({
  ...r,
  kind: r.kind as AlertKind,
  month: r.month.slice(0, 7),
});

/** Open alerts oldest first, or closed ones most recently closed first; of one municipality, or all. */
export async function listAlerts(
  db: Pick<Db, "select">,
  which: { open: boolean; municipalityId?: number; limit: number },
): Promise<AlertRow[]> {
  const rows = await db
    .select(alertColumns)
    .from(ministryAlerts)
    .leftJoin(departments, eq(departments.id, ministryAlerts.departmentId))
    .leftJoin(users, eq(users.id, ministryAlerts.closedBy))
    .where(
      and(
        which.open ? isNull(ministryAlerts.closedAt) : isNotNull(ministryAlerts.closedAt),
        which.municipalityId === undefined
          ? undefined
          : eq(ministryAlerts.municipalityId, which.municipalityId),
      ),
    )
    .orderBy(
      ...(which.open
        ? [asc(ministryAlerts.raisedAt), asc(ministryAlerts.id)]
        : [desc(ministryAlerts.closedAt), desc(ministryAlerts.id)]),
    )
    .limit(which.limit);
  return rows.map(asAlert);
}

export async function alertById(db: Pick<Db, "select">, id: number): Promise<AlertRow | undefined> {
  const [row] = await db
    .select(alertColumns)
    .from(ministryAlerts)
    .leftJoin(departments, eq(departments.id, ministryAlerts.departmentId))
    .leftJoin(users, eq(users.id, ministryAlerts.closedBy))
    .where(eq(ministryAlerts.id, id));
  return row ? asAlert(row) : undefined;
}

/** How many alerts are open (through their partial index). */
export async function openAlertCount(db: Pick<Db, "select">): Promise<number> {
  const [row] = await db.select({ n: count() }).from(ministryAlerts).where(isNull(ministryAlerts.closedAt));
  return Number(row?.n ?? 0);
}

export type CloseResult = { ok: true } | { ok: false; reason: "not_found" | "already_closed" };

/** Closes an open alert with the monitor's note, and its audit entry, in one transaction. */
export async function closeAlert(
  db: Db,
  input: { id: number; note: string; actorId: string; now: Date; ip?: string | undefined },
): Promise<CloseResult> {
  return db.transaction(async (tx): Promise<CloseResult> => {
    const [closed] = await tx
      .update(ministryAlerts)
      .set({ closedAt: input.now, closedBy: input.actorId, closingNote: input.note })
      .where(and(eq(ministryAlerts.id, input.id), isNull(ministryAlerts.closedAt)))
      .returning();
    if (!closed) {
      const [exists] = await tx
        .select({ id: ministryAlerts.id })
        .from(ministryAlerts)
        .where(eq(ministryAlerts.id, input.id));
      return { ok: false, reason: exists ? "already_closed" : "not_found" };
    }
    await appendAudit(tx, {
      at: input.now,
      actorId: input.actorId,
      action: "ministry.alert_closed",
      subjectType: "ministry_alert",
      subjectId: String(closed.id),
      municipalityId: closed.municipalityId,
      ip: input.ip ?? null,
      data: { kind: closed.kind, month: closed.month, departmentId: closed.departmentId, note: input.note },
    });
    return { ok: true };
  });
}
