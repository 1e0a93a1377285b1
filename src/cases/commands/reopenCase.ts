// The submitter reopens an answered or resolved case within the reopen window, saying why, and is told
// it is open again.
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import type { Db } from "../../db/client.ts";
import type { cases } from "../../db/schema.ts";
import { tellCitizen } from "../caseNotices.ts";
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
    if (moved.ok && input.notify)
      await tellCitizen(tx, { now: input.now, baseUrl: input.notify.baseUrl }, moved.kase, {
        kind: "reopened",
      });
    return moved;
  });
  if (result.ok) input.notify?.poke();
  return result;
}
