// Turning a municipality live once its onboarding checklist is complete, and taking it offline again; each
// with a reason, audited. The checklist is judged inside the transaction, on the municipality's row lock,
// so a go-live never rests on a set-up read before someone else's change of the same municipality.
import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { Actor } from "../access/policy.ts";
import { appendAudit } from "../audit/audit.ts";
import { municipalities } from "../db/schema.ts";
import { mayConfigure } from "./access.ts";
import { checklistOf, type ItemId, loadSetups, missingOf } from "./checklist.ts";
import type { OnboardingDeps } from "./deps.ts";

export type GoLiveResult =
  | { ok: true }
  | { ok: false; reason: "not_allowed" | "not_found" | "already_live" }
  | { ok: false; reason: "incomplete"; missing: ItemId[] };

export type TakeOfflineResult =
  | { ok: true }
  | { ok: false; reason: "not_allowed" | "not_found" | "not_live" };

interface Input {
  municipalityId: number;
  reason: string;
}

class Refused extends Error {
  constructor(readonly result: Exclude<GoLiveResult, { ok: true }>) {
    super(result.reason);
  }
}

export async function goLive(actor: Actor, input: Input, deps: OnboardingDeps): Promise<GoLiveResult> {
  if (actor.kind !== "user" || !mayConfigure(actor, input.municipalityId))
    return { ok: false, reason: "not_allowed" };
  const { db, now } = deps;
  try {
    return await db.transaction(async (tx) => {
      const [m] = await tx
        .select({ id: municipalities.id, liveAt: municipalities.liveAt })
        .from(municipalities)
        .where(and(eq(municipalities.id, input.municipalityId), eq(municipalities.active, true)))
        .for("update");
      if (!m) throw new Refused({ ok: false, reason: "not_found" });
      if (m.liveAt) throw new Refused({ ok: false, reason: "already_live" });
      const setup = (await loadSetups(tx, now, [m.id])).get(m.id)!;
      const missing = missingOf(checklistOf(setup));
      if (missing.length > 0) throw new Refused({ ok: false, reason: "incomplete", missing });
      await tx
        .update(municipalities)
        .set({ liveAt: now })
        .where(and(eq(municipalities.id, m.id), isNull(municipalities.liveAt)));
      await appendAudit(tx, {
        at: now,
        actorId: actor.userId,
        action: "municipality.went_live",
        subjectType: "municipality",
        subjectId: String(m.id),
        municipalityId: m.id,
        ip: deps.ip ?? null,
        data: { reason: input.reason },
      });
      return { ok: true as const };
    });
  } catch (e) {
    if (e instanceof Refused) return e.result;
    throw e;
  }
}

export async function takeOffline(
  actor: Actor,
  input: Input,
  deps: OnboardingDeps,
): Promise<TakeOfflineResult> {
  if (actor.kind !== "user" || !mayConfigure(actor, input.municipalityId))
    return { ok: false, reason: "not_allowed" };
  const { db, now } = deps;
  return db.transaction(async (tx) => {
    const [was] = await tx
      .select({ liveAt: municipalities.liveAt })
      .from(municipalities)
      .where(and(eq(municipalities.id, input.municipalityId), eq(municipalities.active, true)))
      .for("update");
    if (!was) return { ok: false as const, reason: "not_found" as const };
    const [changed] = await tx
      .update(municipalities)
      .set({ liveAt: null })
      .where(and(eq(municipalities.id, input.municipalityId), isNotNull(municipalities.liveAt)))
      .returning({ id: municipalities.id });
    if (!changed) return { ok: false as const, reason: "not_live" as const };
    await appendAudit(tx, {
      at: now,
      actorId: actor.userId,
      action: "municipality.went_offline",
      subjectType: "municipality",
      subjectId: String(input.municipalityId),
      municipalityId: input.municipalityId,
      ip: deps.ip ?? null,
      // When it had gone live: the audit keeps the period it was live, the row only the present.
      data: { reason: input.reason, liveSince: was.liveAt?.toISOString() ?? null },
    });
    return { ok: true as const };
  });
}
