// A national change dated ahead can leave a municipality's own, stricter setting on the wrong side when it
// applies (issue 9): the municipal admin pages hold a new rule to the changes waiting for their day, but a
// rule saved while the change was recorded (a race), or before that check existed, slips through. The
// scheduler does not apply such a change silently: it finds, in the applying transaction, each
// municipality whose own response standard is now looser than the national one (resolveStandard then drops
// it and the national standard applies) or whose consultation minimum is now below the national one, keeps
// them in the change's `standard.applied` audit entry (its page lists them for the ministry) and tells
// each such municipality's administrators what to do.
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { ClockName, Priority, Standard } from "../cases/sla.ts";
import type { Tx } from "../db/client.ts";
import { auditLog, type LocalizedText, municipalities, roleAssignments, users } from "../db/schema.ts";
import { isLanguage, type Language, type Translate, translator } from "../kernel/i18n.ts";
import { localized } from "../kernel/localized.ts";
import { notify } from "../notifications/notify.ts";
import type { Topic } from "../notifications/topics.ts";
import { municipalParticipation, municipalStandards, rulesOf } from "./commands.ts";
import { participationConflicts, slaConflicts } from "./conflicts.ts";
import type { ParticipationState } from "./model.ts";
import { nationalCategory, standardOfCategory } from "./store.ts";
import { formatLocalDate } from "./ui.tsx";
import { standardWords } from "./words.ts";

/** What a municipality's admins are told under: a staff topic of its own. */
export const CONFLICT_TOPIC: Topic = "standards_conflict";

/** A municipality's own setting a national change left on the wrong side when it applied. */
export type AppliedConflict =
  | {
      kind: "sla";
      municipalityId: number;
      municipality: LocalizedText;
      category: string;
      categoryName: LocalizedText;
      priority: Priority | null;
      clocks: ClockName[];
      own: Standard;
      national: Standard;
    }
  | {
      kind: "participation";
      municipalityId: number;
      municipality: LocalizedText;
      consultationMinDays: number;
      national: number;
    };

interface AppliedRow {
  kind: string;
  subject: string;
  after: unknown;
  before: unknown;
}

/**
 * Applies a change through `apply` and answers the municipalities it leaves on the wrong side: for a
 * response standard, the category's national rules are read before and after (a municipal rule already
 * looser before is not this change's doing); for the participation rules, the consultation minimum.
 */
export async function applyAndFindConflicts(
  tx: Tx,
  row: AppliedRow,
  key: { kind: string; category?: string },
  apply: () => Promise<void>,
): Promise<AppliedConflict[]> {
  if (row.kind === "sla" && key.category !== undefined) {
    const before = await nationalCategory(tx, key.category);
    if (!before) {
      await apply();
      return [];
    }
    const rulesBefore = await rulesOf(tx, before, standardOfCategory(before));
    await apply();
    const after = (await nationalCategory(tx, key.category)) ?? before;
    const rulesAfter = await rulesOf(tx, after, standardOfCategory(after));
    const found = slaConflicts({
      key: { type: before.type, category: before.code },
      before: [rulesBefore.own, ...rulesBefore.rows.map((r) => r.rule)],
      after: [rulesAfter.own, ...rulesAfter.rows.map((r) => r.rule)],
      municipal: await municipalStandards(tx, before.id),
    });
    return found.map((c) => ({
      kind: "sla" as const,
      municipalityId: c.municipalityId,
      municipality: c.municipality,
      category: before.code,
      categoryName: before.name,
      priority: c.priority,
      clocks: c.clocks,
      own: c.own,
      national: c.national,
    }));
  }
  await apply();
  if (row.kind !== "participation" || !row.before || !row.after) return [];
  const national = {
    before: (row.before as ParticipationState).consultationMinDays,
    after: (row.after as ParticipationState).consultationMinDays,
  };
  const own = await municipalParticipation(tx);
  return participationConflicts(
    national,
    own.map((o) => ({ ...o, municipalityId: o.municipalityId! })),
  ).map((c) => ({ kind: "participation" as const, ...c, national: national.after }));
}

/** One conflict in words, in a language: the municipality, its setting and the national one now in force. */
export function conflictWords(t: Translate, lang: Language, c: AppliedConflict): string {
  const municipality = localized(c.municipality, lang);
  if (c.kind === "participation")
    return t("standards.conflict.participation", {
      municipality,
      own: c.consultationMinDays,
      national: c.national,
    });
  const A = "municipal_admin.standards";
  return t("standards.conflict.sla", {
    municipality,
    category: localized(c.categoryName, lang),
    priority: t(`${A}.priority.${c.priority ?? "all"}`),
    clocks: c.clocks.map((clock) => t(`${A}.clock.${clock}`)).join(", "),
    own: standardWords(t, c.own),
    national: standardWords(t, c.national),
  });
}

/**
 * Tells each municipality's administrators (in each one's language; in-app, and email as each chose for
 * the topic) which of its own settings the change left looser than the national one, and where to fix it.
 */
export async function tellMunicipalities(
  tx: Tx,
  conflicts: readonly AppliedConflict[],
  change: { appliesFrom: string },
  ctx: { now: Date; baseUrl: string },
): Promise<number> {
  const ids = [...new Set(conflicts.map((c) => c.municipalityId))];
  if (ids.length === 0) return 0;
  const admins = await tx
    .selectDistinct({
      municipalityId: roleAssignments.municipalityId,
      slug: municipalities.slug,
      id: users.id,
      email: users.email,
      name: users.name,
      language: users.language,
    })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .innerJoin(municipalities, eq(municipalities.id, roleAssignments.municipalityId))
    .where(
      and(
        eq(roleAssignments.role, "municipal_admin"),
        inArray(roleAssignments.municipalityId, ids),
        isNull(users.deletedAt),
      ),
    );
  for (const person of admins) {
    const lang: Language = isLanguage(person.language) ? person.language : "sq";
    const t = translator(lang);
    const own = conflicts.filter((c) => c.municipalityId === person.municipalityId);
    const sla = own.some((c) => c.kind === "sla");
    await notify(
      tx,
      { userId: person.id, email: person.email, name: person.name, language: lang },
      {
        topic: CONFLICT_TOPIC,
        subject: t("standards.conflictNotice.subject"),
        lines: [
          t("standards.conflictNotice.body", { date: formatLocalDate(lang, change.appliesFrom) }),
          ...own.map((c) => conflictWords(t, lang, c)),
          t("standards.conflictNotice.todo"),
        ],
        path: `/m/${person.slug}/admin/${sla ? "standards" : "participation"}`,
        linkIntro: t("standards.conflictNotice.linkIntro"),
      },
      ctx,
    );
  }
  return admins.length;
}

/**
 * The conflicts found when changes applied, by change id, from their `standard.applied` audit entries
 * (a change with none is not in the map): the national standards' entries only, through the subject index.
 */
export async function conflictsByChange(
  db: Pick<Tx, "select">,
  subject?: string,
): Promise<Map<number, AppliedConflict[]>> {
  const rows = await db
    .select({ data: auditLog.data })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.subjectType, "standard"),
        subject === undefined ? undefined : eq(auditLog.subjectId, subject),
        eq(auditLog.action, "standard.applied"),
      ),
    );
  const found = new Map<number, AppliedConflict[]>();
  for (const r of rows) {
    const data = r.data as { change?: number; conflicts?: AppliedConflict[] } | null;
    if (typeof data?.change === "number" && data.conflicts?.length) found.set(data.change, data.conflicts);
  }
  return found;
}
