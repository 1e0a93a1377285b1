// Who is making a request: a visitor, or a user with their staff roles (the policy table's Actor).
import { eq } from "drizzle-orm";
import type { Actor } from "../access/policy.ts";
import type { StaffRole } from "../access/roles.ts";
import type { Db } from "../db/client.ts";
import { roleAssignments } from "../db/schema.ts";

export const VISITOR: Actor = { kind: "visitor" };

export async function loadActor(db: Db, user: { id: string; identityLevel: string }): Promise<Actor> {
  const roles = await db
    .select({
      role: roleAssignments.role,
      municipalityId: roleAssignments.municipalityId,
      departmentId: roleAssignments.departmentId,
    })
    .from(roleAssignments)
    .where(eq(roleAssignments.userId, user.id));
  return {
    kind: "user",
    userId: user.id,
    identityLevel: user.identityLevel === "verified" ? "verified" : "basic",
    roles: roles.map((r) => ({ ...r, role: r.role as StaffRole })),
  };
}

/** True when the actor holds any staff role. */
export function isStaff(actor: Actor): boolean {
  return actor.kind === "user" && actor.roles.length > 0;
}
