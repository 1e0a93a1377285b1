// Who hears from the SLA scheduler (slaScheduler.ts) and what they are told: a warning as a deadline
// approaches, to whoever has the case in hand, and a notice at each step of the escalation ladder, each in
// the recipient's own language, from the catalogs (sla_notices). The messages are pure: the time zone and
// every value come from the caller.
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { notificationPreferences, roleAssignments, users } from "../db/schema.ts";
import { isLanguage, type Language, translator } from "../kernel/i18n.ts";
import { htmlLang } from "../kernel/localized.ts";
import type { ClockName } from "./sla.ts";

/** Why a warning reached this person: the case is theirs, their department's, or not routed yet. */
export type WarningReason = "assignee" | "department" | "municipality";

export interface NoticeRecipient {
  email: string;
  name: string;
  language: string;
}

export interface NoticeCase {
  trackingCode: string;
  title: string;
  /** The case in the staff workspace. */
  link: string;
}

/** The key of the text a timeline shows for an escalation event (type "escalated", data.level). */
export const escalationTimelineKey = (level: 1 | 2 | 3) => `sla_notices.timeline.escalated_${level}` as const;

const formats = new Map<string, Intl.DateTimeFormat>();
function format(lang: Language, timeZone: string, options: Intl.DateTimeFormatOptions, key: string) {
  const id = `${lang} ${timeZone} ${key}`;
  let f = formats.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat(htmlLang(lang), { ...options, timeZone });
    formats.set(id, f);
  }
  return f;
}

/**
 * A deadline as people say it: a day deadline ends at local midnight and is "the end of" the day before
 * (not "00:00" of the next, which reads as a day late); an hours deadline is a day and a time.
 */
export function formatDeadline(lang: Language, timeZone: string, due: Date): string {
  const t = translator(lang);
  const time = format(lang, timeZone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }, "time");
  // Serbian writes a date with a closing point ("9. novembar 2026."), which the sentence's own would double.
  const dayOf = (d: Date) =>
    format(lang, timeZone, { dateStyle: "full" }, "day").format(d).replace(/\.$/, "");
  if (time.format(due) === "00:00")
    return t("sla_notices.due_day", { day: dayOf(new Date(due.getTime() - 1)) });
  return t("sla_notices.due_time", { day: dayOf(due), time: time.format(due) });
}

const languageOf = (to: NoticeRecipient): Language => (isLanguage(to.language) ? to.language : "sq");

/** What a notice says: its subject and paragraphs, in the recipient's language (notify.ts lays it out). */
export interface NoticeText {
  subject: string;
  lines: string[];
}

/** A warning at 75 % ("due_soon") or 90 % ("warning_90") of the time a clock allows. */
export function slaWarningNotice(v: {
  to: NoticeRecipient;
  kase: NoticeCase;
  clock: ClockName;
  mark: "due_soon" | "warning_90";
  reason: WarningReason;
  dueAt: Date;
  timeZone: string;
}): NoticeText {
  const lang = languageOf(v.to);
  const t = translator(lang);
  const values = {
    code: v.kase.trackingCode,
    title: v.kase.title,
    clock: t(`sla_notices.clock.${v.clock}`),
    due: formatDeadline(lang, v.timeZone, v.dueAt),
  };
  return {
    subject: t(`sla_notices.${v.mark}.subject`, values),
    lines: [
      t(`sla_notices.${v.mark}.body`, values),
      t(`sla_notices.reason.${v.reason}`),
      t("sla_notices.link"),
    ],
  };
}

/** A step of the escalation ladder: the deadline was missed (1), and still is 2 (2) or 5 (3) working days on. */
export function slaEscalationNotice(v: {
  to: NoticeRecipient;
  kase: NoticeCase;
  clock: ClockName;
  level: 1 | 2 | 3;
  dueAt: Date;
  timeZone: string;
}): NoticeText {
  const lang = languageOf(v.to);
  const t = translator(lang);
  const values = {
    code: v.kase.trackingCode,
    title: v.kase.title,
    clock: t(`sla_notices.clock.${v.clock}`),
    due: formatDeadline(lang, v.timeZone, v.dueAt),
  };
  return {
    subject: t("sla_notices.escalation.subject", values),
    lines: [
      t("sla_notices.escalation.body", values),
      t(`sla_notices.escalation.level_${v.level}`),
      t("sla_notices.link"),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Who is told

const warningChoice = notificationPreferences;

export interface Person extends NoticeRecipient {
  id: string;
  /** What they chose for deadline warnings (notification_preferences, topic sla_warning). */
  warningMode?: string | null;
}

/** The staff a pass may notify, by role and scope; read once per pass, when a first message is due. */
export async function loadStaff(db: Pick<Db, "select">) {
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      language: users.language,
      warningMode: warningChoice.mode,
      role: roleAssignments.role,
      municipalityId: roleAssignments.municipalityId,
      departmentId: roleAssignments.departmentId,
    })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .leftJoin(warningChoice, and(eq(warningChoice.userId, users.id), eq(warningChoice.topic, "sla_warning")))
    .where(isNull(users.deletedAt))
    .orderBy(asc(roleAssignments.id));
  const index = new Map<string, Person[]>();
  const add = (key: string, p: Person) => {
    const list = index.get(key) ?? [];
    if (!list.some((q) => q.id === p.id)) list.push(p);
    index.set(key, list);
  };
  for (const r of rows) {
    const p = { id: r.id, email: r.email, name: r.name, language: r.language, warningMode: r.warningMode };
    if (r.role === "ministry_monitor") add("ministry", p);
    if (r.departmentId !== null) add(`${r.role} d${r.departmentId}`, p);
    if (r.municipalityId !== null) add(`${r.role} m${r.municipalityId}`, p);
  }
  return (key: string) => index.get(key) ?? [];
}
export type Staff = Awaited<ReturnType<typeof loadStaff>>;

/** Where a case stands: what decides who hears about it. */
export interface CaseScope {
  municipalityId: number;
  departmentId: number | null;
  assigneeId: string | null;
}

/** People by id (assignees), leaving out deleted accounts. */
export async function loadPeople(
  db: Pick<Db, "select">,
  ids: readonly string[],
): Promise<Map<string, Person>> {
  if (ids.length === 0) return new Map();
  const found = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      language: users.language,
      warningMode: warningChoice.mode,
    })
    .from(users)
    .leftJoin(warningChoice, and(eq(warningChoice.userId, users.id), eq(warningChoice.topic, "sla_warning")))
    .where(and(inArray(users.id, [...ids]), isNull(users.deletedAt)));
  return new Map(found.map((u) => [u.id, u]));
}

/** A warning's recipients: the assignee, else the department's officers, else the municipality's coordinators. */
export function warningRecipients(k: CaseScope, staff: Staff, assignees: Map<string, Person>) {
  const assignee = k.assigneeId ? assignees.get(k.assigneeId) : undefined;
  if (assignee) return { reason: "assignee" as WarningReason, to: [assignee] };
  const officers = k.departmentId === null ? [] : staff(`officer d${k.departmentId}`);
  if (officers.length > 0) return { reason: "department" as WarningReason, to: officers };
  return {
    reason: "municipality" as WarningReason,
    to: staff(`participation_coordinator m${k.municipalityId}`),
  };
}

/** An escalation's recipients; where a step's role is vacant, the next one up in the municipality, so it is never lost. */
export function escalationRecipients(k: CaseScope, level: 1 | 2 | 3, staff: Staff): Person[] {
  const heads = k.departmentId === null ? [] : staff(`department_head d${k.departmentId}`);
  const coordinators = staff(`participation_coordinator m${k.municipalityId}`);
  if (level === 1) return heads.length > 0 ? heads : coordinators;
  if (level === 2)
    return coordinators.length > 0 ? coordinators : staff(`municipal_admin m${k.municipalityId}`);
  return staff("ministry");
}
