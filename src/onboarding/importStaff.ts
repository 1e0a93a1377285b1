// Staff imported from a CSV list (issue 9): a preview of what each row would do, then the import of all
// rows in one transaction or none. The list is read and checked again on import, never taken from the
// preview: what the preview page re-posts is only the text. Every row that needs a role becomes an
// invitation through the one invitation command (inviteStaff, which audits each invitation and mails its
// link): to a new address, which creates its account from the link, and to an existing account alike,
// whose owner accepts it signed in (acceptInvitation grants the role then, audited). A list names people;
// it does not hand them roles they have not accepted.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Actor } from "../access/policy.ts";
import { appendAudit } from "../audit/audit.ts";
import type { Db } from "../db/client.ts";
import { departments, municipalities, roleAssignments, users } from "../db/schema.ts";
import type { IdentityDeps, RequestInfo } from "../identity/commands/deps.ts";
import { inviteStaff } from "../identity/commands/inviteStaff.ts";
import { mayImportStaff } from "./access.ts";
import {
  countPlan,
  type FileProblem,
  holdingKey,
  type PlanContext,
  type PlannedRow,
  planRows,
  readStaffCsv,
} from "./staffCsv.ts";

export type StaffImportPreview =
  | { ok: false; problem: FileProblem }
  | { ok: true; rows: PlannedRow[]; counts: ReturnType<typeof countPlan> };

export type ImportStaffResult =
  | { ok: true; counts: ReturnType<typeof countPlan> }
  | { ok: false; reason: "not_allowed" | "not_found" }
  | { ok: false; reason: "invalid"; preview: StaffImportPreview };

/** The municipality's departments and the live accounts of the file's addresses, with their roles there. */
async function contextOf(
  db: Pick<Db, "select">,
  municipalityId: number,
  emails: readonly string[],
): Promise<PlanContext> {
  const lower = [...new Set(emails.map((e) => e.toLowerCase()).filter((e) => e !== ""))];
  // One after another: `db` is the import's transaction, which runs one statement at a time.
  const depts = await db
    .select({ id: departments.id, code: departments.code })
    .from(departments)
    .where(eq(departments.municipalityId, municipalityId));
  const accounts =
    lower.length === 0
      ? []
      : await db
          .select({ id: users.id, name: users.name, email: users.email, language: users.language })
          .from(users)
          .where(and(inArray(sql`lower(${users.email})`, lower), isNull(users.deletedAt)));
  const held =
    accounts.length === 0
      ? []
      : await db
          .select({
            userId: roleAssignments.userId,
            role: roleAssignments.role,
            departmentId: roleAssignments.departmentId,
          })
          .from(roleAssignments)
          .where(
            and(
              eq(roleAssignments.municipalityId, municipalityId),
              inArray(
                roleAssignments.userId,
                accounts.map((a) => a.id),
              ),
            ),
          );
  return {
    departments: new Map(depts.map((d) => [d.code.toLowerCase(), { id: d.id }])),
    accounts: new Map(
      accounts.map((a) => [
        a.email.toLowerCase(),
        {
          id: a.id,
          name: a.name,
          language: a.language,
          holds: new Set(
            held.filter((h) => h.userId === a.id).map((h) => holdingKey(h.role, h.departmentId)),
          ),
        },
      ]),
    ),
  };
}

/** What importing the text would do, row by row (or why the file cannot be read). Changes nothing. */
export async function previewStaffImport(
  db: Pick<Db, "select">,
  municipalityId: number,
  text: string,
): Promise<StaffImportPreview> {
  const read = readStaffCsv(text);
  if (!read.ok) return read;
  const rows = planRows(
    read.rows,
    await contextOf(
      db,
      municipalityId,
      read.rows.map((r) => r.email),
    ),
  );
  return { ok: true, rows, counts: countPlan(rows) };
}

/** Thrown inside the transaction so that nothing of a refused import stays. */
class Refused extends Error {
  constructor(readonly result: Exclude<ImportStaffResult, { ok: true }>) {
    super(result.reason);
  }
}

export async function importStaff(
  actor: Actor,
  input: { municipalityId: number; text: string },
  deps: IdentityDeps,
  request: RequestInfo = {},
): Promise<ImportStaffResult> {
  if (actor.kind !== "user") return { ok: false, reason: "not_allowed" };
  const { db, now } = deps;
  try {
    const counts = await db.transaction(async (tx) => {
      // Two imports into one municipality queue here, one list after the other; and going live waits for
      // the import (or the import for it), so who may import is judged on the municipality as it stays.
      const [m] = await tx
        .select({ id: municipalities.id, liveAt: municipalities.liveAt })
        .from(municipalities)
        .where(and(eq(municipalities.id, input.municipalityId), eq(municipalities.active, true)))
        .for("no key update");
      if (!m || !mayImportStaff(actor, m))
        throw new Refused({ ok: false, reason: m ? "not_allowed" : "not_found" });
      const preview = await previewStaffImport(tx, m.id, input.text);
      if (!preview.ok || preview.counts.problems > 0)
        throw new Refused({ ok: false, reason: "invalid", preview });

      // The invitations' mail waits in the outbox until this transaction commits; the worker is told after.
      const inner: IdentityDeps = { ...deps, db: tx, poke: () => {} };
      for (const row of preview.rows) {
        const plan = row.plan!;
        if (plan.outcome === "unchanged") continue;
        const invited = await inviteStaff(
          actor,
          {
            email: row.email,
            role: plan.role,
            municipalityId: m.id,
            departmentId: plan.departmentId,
            language: plan.language,
          },
          inner,
          request,
        );
        // Checked above in this same transaction: a refusal here is a bug, and nothing must stay.
        if (!invited.ok) throw new Error(`invitation refused for line ${row.line}: ${invited.reason}`);
      }
      await appendAudit(tx, {
        at: now,
        actorId: actor.userId,
        action: "staff.imported",
        subjectType: "municipality",
        subjectId: String(m.id),
        municipalityId: m.id,
        ip: request.ip ?? null,
        data: {
          rows: preview.counts.rows,
          invited: preview.counts.invite,
          invitedAccounts: preview.counts.invite_account,
          unchanged: preview.counts.unchanged,
        },
      });
      return preview.counts;
    });
    deps.poke();
    return { ok: true, counts };
  } catch (e) {
    if (e instanceof Refused) return e.result;
    throw e;
  }
}
