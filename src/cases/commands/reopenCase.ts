// The submitter reopens an answered or resolved case within the reopen window, saying why, and is told
// it is open again.
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import type { Db } from "../../db/client.ts";
import type { cases } from "../../db/schema.ts";
import { referenceData } from "../../reference/referenceCache.ts";
import { publishCase, tellCitizen } from "../caseNotices.ts";
import type { CaseStatus } from "../statuses.ts";
import { applyTransition, slaFor } from "./applyTransition.ts";

export const REOPEN_WINDOW_DAYS = 30;

export async function reopenCase(
  db: Db,
  input: {
    kase: typeof cases.$inferSelect;
    why: string;
    actorId: string | null;
    now: Date;
    calendar: WorkingCalendar;
    ip?: string;
    /** For the confirmation's link; absent: no confirmation (a test of the transition alone). */
    notify?: { baseUrl: string; poke: () => void };
  },
) {
  const sla = await slaFor(db, input.calendar, input.kase);
  const ref = await referenceData(db);
  const result = await db.transaction(async (tx) => {
    const moved = await applyTransition(tx, {
      kase: input.kase,
      action: "reopen",
      actorId: input.actorId,
      now: input.now,
      message: input.why,
      messageIsPublic: false,
      reopenWindowDays: REOPEN_WINDOW_DAYS,
      sla,
      ...(input.ip ? { ip: input.ip } : {}),
    });
    // The citizen is told the case is open again (in their notification centre and by email).
    if (moved.ok && input.notify) {
      const n = { now: input.now, baseUrl: input.notify.baseUrl };
      await tellCitizen(tx, n, moved.kase, { kind: "reopened" });
      await publishCase(tx, { ...n, ref }, moved.kase, "case.reopened", {
        fromStatus: input.kase.status as CaseStatus,
        toStatus: moved.kase.status as CaseStatus,
      });
    }
    return moved;
  });
  if (result.ok) input.notify?.poke();
  return result;
}
