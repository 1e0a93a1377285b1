// What the ministry does on a case escalated to it (issue 9): a reminder to the municipality, or a note.
// Each is a case event on the timeline (internal: staff see it, the public timeline does not), an audit
// entry and, for a reminder, a message to whoever has the case in hand — its assignee, the department's
// heads and the municipality's participation coordinators — all in one transaction. Neither changes the
// case itself: its version stays, so an officer's open form is not made stale by the ministry's nudge.
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { type Actor, can } from "../access/policy.ts";
import { appendAudit } from "../audit/audit.ts";
import { isOpen } from "../cases/lifecycle.ts";
import type { CaseStatus } from "../cases/statuses.ts";
import type { Db } from "../db/client.ts";
import { caseEvents, cases, municipalities, roleAssignments, users } from "../db/schema.ts";
import { isLanguage, type Language, translator } from "../kernel/i18n.ts";
import { localized } from "../kernel/localized.ts";
import { notify } from "../notifications/notify.ts";
import type { Topic } from "../notifications/topics.ts";
import type { MinistryEventType } from "./escalations.ts";

/** A reminder is about an escalated case: the same topic as the escalation that brought it here. */
export const REMINDER_TOPIC: Topic = "sla_escalation";

export type MinistryAction = { kind: "reminder"; message: string } | { kind: "note"; text: string };

export type MinistryRefusal = "not_found" | "not_allowed" | "case_finished";

export type MinistryActionResult = { ok: true; notified: number } | { ok: false; reason: MinistryRefusal };

export interface MinistryActionDeps {
  db: Db;
  now: Date;
  actor: Actor;
  ip?: string | undefined;
  baseUrl: string;
  /** Wakes the outbox after a reminder queued mail. */
  poke: () => void;
}

const EVENT_TYPE: Record<MinistryAction["kind"], MinistryEventType> = {
  reminder: "ministry_reminder",
  note: "ministry_note",
};

/**
 * Records the action on an escalated case. A reminder needs the case open (a finished case has nobody to
 * remind); a note may follow a case to its end. Cases not escalated to the ministry are not found here.
 */
export async function actAsMinistry(
  deps: MinistryActionDeps,
  input: { code: string; action: MinistryAction },
): Promise<MinistryActionResult> {
  const { db, now, actor } = deps;
  const [kase] = await db
    .select({
      id: cases.id,
      trackingCode: cases.trackingCode,
      municipalityId: cases.municipalityId,
      departmentId: cases.departmentId,
      assigneeId: cases.assigneeId,
      status: cases.status,
      title: cases.title,
      escalationLevel: cases.escalationLevel,
      slug: municipalities.slug,
      municipalityName: municipalities.name,
    })
    .from(cases)
    .innerJoin(municipalities, eq(municipalities.id, cases.municipalityId))
    .where(eq(cases.trackingCode, input.code))
    .limit(1);
  if (!kase || kase.escalationLevel < 3) return { ok: false, reason: "not_found" };
  if (!can(actor, "case.ministry_action", { municipalityId: kase.municipalityId }) || actor.kind !== "user")
    return { ok: false, reason: "not_allowed" };
  const action = input.action;
  if (action.kind === "reminder" && !isOpen(kase.status as CaseStatus))
    return { ok: false, reason: "case_finished" };
  const actorId = actor.userId;
  const notified = await db.transaction(async (tx) => {
    const message = action.kind === "reminder" ? action.message : action.text;
    const people = action.kind === "reminder" ? await reminded(tx, kase) : [];
    await tx.insert(caseEvents).values({
      caseId: kase.id,
      municipalityId: kase.municipalityId,
      type: EVENT_TYPE[action.kind],
      actorId,
      isPublic: false,
      message: message === "" ? null : message,
      data: action.kind === "reminder" ? { notified: people.length } : {},
      at: now,
    });
    await appendAudit(tx, {
      at: now,
      actorId,
      action: `case.${EVENT_TYPE[action.kind]}`,
      subjectType: "case",
      subjectId: kase.trackingCode,
      municipalityId: kase.municipalityId,
      ip: deps.ip ?? null,
      data: action.kind === "reminder" ? { notified: people.map((p) => p.id), message } : { note: message },
    });
    for (const p of people) {
      const lang: Language = isLanguage(p.language) ? p.language : "sq";
      const t = translator(lang);
      const values = {
        code: kase.trackingCode,
        title: kase.title,
        municipality: localized(kase.municipalityName, lang),
      };
      await notify(
        tx,
        { userId: p.id, email: p.email, name: p.name, language: lang },
        {
          topic: REMINDER_TOPIC,
          caseId: kase.id,
          subject: t("ministry.reminderNotice.subject", values),
          lines: [
            t("ministry.reminderNotice.body", values),
            ...(message ? [t("ministry.reminderNotice.message", { message })] : []),
            t(`ministry.reminderNotice.why.${p.why}`),
          ],
          path: `/m/${kase.slug}/workspace/cases/${kase.trackingCode}`,
          linkIntro: t("ministry.reminderNotice.linkIntro"),
        },
        { now, baseUrl: deps.baseUrl },
      );
    }
    return people.length;
  });
  if (notified > 0) deps.poke();
  return { ok: true, notified };
}

type Reminded = {
  id: string;
  email: string;
  name: string;
  language: string;
  why: "assignee" | "head" | "coordinator";
};

/** Who has the case in hand: its assignee, its department's heads, the municipality's coordinators (each once). */
async function reminded(
  tx: Pick<Db, "selectDistinct">,
  kase: { municipalityId: number; departmentId: number | null; assigneeId: string | null },
): Promise<Reminded[]> {
  const rows = await tx
    .selectDistinct({
      id: users.id,
      email: users.email,
      name: users.name,
      language: users.language,
      role: roleAssignments.role,
    })
    .from(users)
    .leftJoin(roleAssignments, eq(roleAssignments.userId, users.id))
    .where(
      and(
        isNull(users.deletedAt),
        or(
          kase.assigneeId ? eq(users.id, kase.assigneeId) : sql`false`,
          kase.departmentId !== null
            ? and(
                eq(roleAssignments.role, "department_head"),
                eq(roleAssignments.departmentId, kase.departmentId),
              )
            : sql`false`,
          and(
            inArray(roleAssignments.role, ["participation_coordinator"]),
            eq(roleAssignments.municipalityId, kase.municipalityId),
          ),
        ),
      ),
    );
  const rank = (r: (typeof rows)[number]): Reminded["why"] =>
    r.id === kase.assigneeId
      ? "assignee"
      : r.role === "department_head" && kase.departmentId !== null
        ? "head"
        : "coordinator";
  const out = new Map<string, Reminded>();
  const order = { assignee: 0, head: 1, coordinator: 2 };
  for (const r of rows) {
    const why = rank(r);
    const known = out.get(r.id);
    if (!known || order[why] < order[known.why])
      out.set(r.id, { id: r.id, email: r.email, name: r.name, language: r.language, why });
  }
  return [...out.values()].sort((a, b) => order[a.why] - order[b.why] || a.name.localeCompare(b.name));
}
