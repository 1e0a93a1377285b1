// The submitter reopens an answered or resolved case within the reopen window, saying why.
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import type { Db } from "../../db/client.ts";
import type { cases } from "../../db/schema.ts";
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
  },
) {
  const sla = await slaFor(db, input.calendar, input.kase);
  return db.transaction((tx) =>
    applyTransition(tx, {
      kase: input.kase,
      action: "reopen",
      actorId: input.actorId,
      now: input.now,
      message: input.why,
      messageIsPublic: false,
      reopenWindowDays: REOPEN_WINDOW_DAYS,
      sla,
      ...(input.ip ? { ip: input.ip } : {}),
    }),
  );
}
