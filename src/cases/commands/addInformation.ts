// The submitter adds information to an open case. When the municipality was waiting for it, the case
// goes back to work and the clock runs again. The text may be personal: it is kept for staff, and the
// public timeline only says that information was added.
import { appendAudit } from "../../audit/audit.ts";
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import type { Db } from "../../db/client.ts";
import { caseEvents, type cases } from "../../db/schema.ts";
import { isOpen } from "../lifecycle.ts";
import type { CaseStatus } from "../statuses.ts";
import { applyTransition, slaFor } from "./applyTransition.ts";

type CaseRow = typeof cases.$inferSelect;

export async function addInformation(
  db: Db,
  input: {
    kase: CaseRow;
    text: string;
    actorId: string | null;
    now: Date;
    calendar: WorkingCalendar;
    ip?: string;
  },
): Promise<{ ok: true; resumed: boolean } | { ok: false; reason: "case_closed" | "case_changed" }> {
  const { kase, now } = input;
  if (!isOpen(kase.status as CaseStatus)) return { ok: false, reason: "case_closed" };
  const sla = await slaFor(db, input.calendar, kase);
  return db
    .transaction(async (tx) => {
      await tx.insert(caseEvents).values({
        caseId: kase.id,
        municipalityId: kase.municipalityId,
        type: "information_added",
        actorId: input.actorId,
        isPublic: true,
        data: { text: input.text },
        at: now,
      });
      await appendAudit(tx, {
        at: now,
        actorId: input.actorId,
        action: "case.information_added",
        subjectType: "case",
        subjectId: kase.trackingCode,
        municipalityId: kase.municipalityId,
        ip: input.ip ?? null,
      });
      if (kase.status !== "awaiting_citizen") return { ok: true as const, resumed: false };
      const moved = await applyTransition(tx, {
        kase,
        action: "provide_information",
        actorId: input.actorId,
        now,
        sla,
        ...(input.ip ? { ip: input.ip } : {}),
      });
      if (!moved.ok) throw new ConflictRollback();
      return { ok: true as const, resumed: true };
    })
    .catch((e) => {
      if (e instanceof ConflictRollback) return { ok: false as const, reason: "case_changed" as const };
      throw e;
    });
}

/** Thrown inside a transaction to roll it back when the case changed under us. */
export class ConflictRollback extends Error {}
