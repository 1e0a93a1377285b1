// Builds the pure working-day calendar from the holidays stored for a profile's calendar.
import { eq } from "drizzle-orm";
import { buildCalendar, type WorkingCalendar } from "../calendar/calendar.ts";
import type { Db } from "../db/client.ts";
import { holidays } from "../db/schema.ts";

export async function loadCalendar(
  db: Db,
  profile: { code: string; timeZone: string; weekend: readonly number[] },
): Promise<WorkingCalendar> {
  const rows = await db.select().from(holidays).where(eq(holidays.calendar, profile.code));
  return buildCalendar({
    timeZone: profile.timeZone,
    weekend: profile.weekend,
    holidays: rows.map((h) => ({
      date: h.date,
      observed: h.observed,
      name: { en: h.name.en ?? h.name.sq, sq: h.name.sq, sr: h.name.sr },
      rule: h.rule as "fixed" | "easter" | "announced",
      status: h.status as "law" | "check" | "provisional" | "confirmed",
    })),
  });
}
