// The ministry puts a municipality into the national pilot, or takes it out, with a reason; audited.
import { and, eq } from "drizzle-orm";
import type { Actor } from "../access/policy.ts";
import { appendAudit } from "../audit/audit.ts";
import { municipalities } from "../db/schema.ts";
import { mayOnboard } from "./access.ts";
import type { OnboardingDeps } from "./deps.ts";

export type SetPilotResult =
  | { ok: true; changed: boolean }
  | { ok: false; reason: "not_allowed" | "not_found" };

export async function setPilot(
  actor: Actor,
  input: { municipalityId: number; pilot: boolean; reason: string },
  deps: OnboardingDeps,
): Promise<SetPilotResult> {
  if (actor.kind !== "user" || !mayOnboard(actor)) return { ok: false, reason: "not_allowed" };
  const { db, now } = deps;
  return db.transaction(async (tx) => {
    // Only a row that changes is written, so two people setting the same flag at once record it once.
    const [changed] = await tx
      .update(municipalities)
      .set({ pilot: input.pilot })
      .where(
        and(
          eq(municipalities.id, input.municipalityId),
          eq(municipalities.active, true),
          eq(municipalities.pilot, !input.pilot),
        ),
      )
      .returning({ id: municipalities.id });
    if (!changed) {
      const [exists] = await tx
        .select({ id: municipalities.id })
        .from(municipalities)
        .where(and(eq(municipalities.id, input.municipalityId), eq(municipalities.active, true)));
      return exists
        ? { ok: true as const, changed: false }
        : { ok: false as const, reason: "not_found" as const };
    }
    await appendAudit(tx, {
      at: now,
      actorId: actor.userId,
      action: input.pilot ? "municipality.pilot_joined" : "municipality.pilot_left",
      subjectType: "municipality",
      subjectId: String(input.municipalityId),
      municipalityId: input.municipalityId,
      ip: deps.ip ?? null,
      data: { reason: input.reason },
    });
    return { ok: true as const, changed: true };
  });
}
