// A municipal admin (or a platform operator) invites a person by email into a staff role: a one-time
// link, valid for 7 days, that grants the role when followed (acceptInvitation.ts). Nothing is granted
// here; the invitation itself is audited.
import { and, eq, isNull, sql } from "drizzle-orm";
import { type Actor, can } from "../../access/policy.ts";
import { ROLE_SCOPE, type StaffRole } from "../../access/roles.ts";
import { appendAudit } from "../../audit/audit.ts";
import type { Db } from "../../db/client.ts";
import { departments, municipalities, roleAssignments, users } from "../../db/schema.ts";
import { type Language, translator } from "../../kernel/i18n.ts";
import { localized } from "../../kernel/localized.ts";
import { enqueue } from "../../notifications/outbox.ts";
import { accountEmail } from "../emails.ts";
import type { IdentityDeps, RequestInfo } from "./deps.ts";
import { issueEmailToken } from "./emailTokens.ts";

export interface InviteStaffInput {
  email: string;
  role: StaffRole;
  /** The municipality of a municipal or department role; null for the national roles. */
  municipalityId: number | null;
  /** The department of an officer or department head; null for every other role. */
  departmentId: number | null;
  /** The language of the invitation email (and of the account, when one is created). */
  language: Language;
}

/** What an invitation stores in its token's `data`, for acceptInvitation. */
export interface InvitationData {
  role: StaffRole;
  municipalityId: number | null;
  departmentId: number | null;
  language: Language;
  invitedBy: string;
}

/** Why the role, municipality and department do not fit together. */
export type InvitationShapeProblem =
  | "municipality_required" // a municipal or department role without a municipality
  | "municipality_not_allowed" // a national role with a municipality
  | "department_required" // an officer or department head without a department
  | "department_not_allowed"; // any other role with a department

export type InviteStaffResult =
  | { ok: true; email: string }
  | {
      ok: false;
      reason:
        | InvitationShapeProblem
        | "not_allowed" // the actor may not invite into this role there (answer as not found)
        | "unknown_municipality"
        | "department_not_in_municipality"
        | "already_holds_role"; // the address's account already holds exactly this role there
    };

/** The shape rules of an invitation, also used by the forms to show every problem at once. */
export function invitationShapeProblem(
  role: StaffRole,
  municipalityId: number | null,
  departmentId: number | null,
): InvitationShapeProblem | undefined {
  const scope = ROLE_SCOPE[role];
  if (scope === "national") {
    if (municipalityId !== null) return "municipality_not_allowed";
    if (departmentId !== null) return "department_not_allowed";
    return undefined;
  }
  if (municipalityId === null) return "municipality_required";
  if (scope === "department" && departmentId === null) return "department_required";
  if (scope === "municipality" && departmentId !== null) return "department_not_allowed";
  return undefined;
}

/**
 * Whether the actor may invite into the role there: national roles need `admin.create_national`; a
 * municipal role `staff.invite` on the municipality, whose being live decides for the ministry and the
 * operator (they seed a municipality's staff until it goes live). Not known: its admins only.
 */
export function mayInvite(
  actor: Actor,
  role: StaffRole,
  municipalityId: number | null,
  municipalityLive?: boolean,
): boolean {
  if (ROLE_SCOPE[role] === "national") return can(actor, "admin.create_national");
  return (
    municipalityId !== null &&
    can(actor, "staff.invite", {
      municipalityId,
      ...(municipalityLive === undefined ? {} : { municipalityLive }),
    })
  );
}

/** The live account with this address (case-insensitive), if any. */
export async function findAccountByEmail(db: Pick<Db, "select">, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()))
    .limit(1);
  return user && !user.deletedAt ? user : undefined;
}

/** Whether the user already holds exactly this assignment. */
export async function holdsRole(
  db: Pick<Db, "select">,
  userId: string,
  role: StaffRole,
  municipalityId: number | null,
  departmentId: number | null,
): Promise<boolean> {
  const [row] = await db
    .select({ id: roleAssignments.id })
    .from(roleAssignments)
    .where(
      and(
        eq(roleAssignments.userId, userId),
        eq(roleAssignments.role, role),
        municipalityId === null
          ? isNull(roleAssignments.municipalityId)
          : eq(roleAssignments.municipalityId, municipalityId),
        departmentId === null
          ? isNull(roleAssignments.departmentId)
          : eq(roleAssignments.departmentId, departmentId),
      ),
    )
    .limit(1);
  return row !== undefined;
}

export async function inviteStaff(
  actor: Actor,
  input: InviteStaffInput,
  deps: IdentityDeps,
  request: RequestInfo = {},
): Promise<InviteStaffResult> {
  const { db, now } = deps;
  const { role, municipalityId, departmentId, language } = input;
  const email = input.email.trim();
  if (actor.kind !== "user") return { ok: false, reason: "not_allowed" };
  const [municipality] =
    municipalityId === null
      ? []
      : await db.select().from(municipalities).where(eq(municipalities.id, municipalityId)).limit(1);
  // Who may invite comes first, so nothing about another municipality is revealed to whoever may not.
  const live = municipality ? municipality.liveAt !== null : undefined;
  if (!mayInvite(actor, role, municipalityId, live)) return { ok: false, reason: "not_allowed" };
  const shape = invitationShapeProblem(role, municipalityId, departmentId);
  if (shape) return { ok: false, reason: shape };

  const t = translator(language);
  let where = t("invitation.allMunicipalities");
  let what = t(`role.${role}`);
  if (municipalityId !== null) {
    if (!municipality?.active) return { ok: false, reason: "unknown_municipality" };
    where = localized(municipality.name, language);
  }
  if (departmentId !== null) {
    const [department] = await db.select().from(departments).where(eq(departments.id, departmentId)).limit(1);
    if (!department || department.municipalityId !== municipalityId)
      return { ok: false, reason: "department_not_in_municipality" };
    what = `${what} (${localized(department.name, language)})`;
  }

  const existing = await findAccountByEmail(db, email);
  if (existing && (await holdsRole(db, existing.id, role, municipalityId, departmentId))) {
    return { ok: false, reason: "already_holds_role" };
  }

  const data: InvitationData = { role, municipalityId, departmentId, language, invitedBy: actor.userId };
  await db.transaction(async (tx) => {
    const token = await issueEmailToken(tx, {
      purpose: "invitation",
      email,
      userId: existing?.id ?? null,
      now,
      data: { ...data },
    });
    await enqueue(
      tx,
      {
        kind: "email",
        payload: accountEmail("invitation", email, language, {
          name: existing?.name ?? email,
          link: `${deps.baseUrl}/invitation/${token}`,
          municipality: where,
          role: what,
        }),
      },
      now,
    );
    await appendAudit(tx, {
      at: now,
      actorId: actor.userId,
      action: "staff.invited",
      subjectType: existing ? "user" : "email",
      subjectId: existing?.id ?? email.toLowerCase(),
      municipalityId,
      ip: request.ip ?? null,
      data: { email, role, departmentId, language },
    });
  });
  deps.poke();
  return { ok: true, email };
}
