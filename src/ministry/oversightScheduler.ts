// The ministry's background work (issue 9): alerts on systematic lateness, raised and notified once.
// Every ten minutes by default: a pass reads a few hundred aggregate rows and, of the municipalities without
// an open untouched-escalations alert, the escalated cases' rows (never their timelines); the aggregates
// themselves move only as fast as the statistics pass and the months do. Safe with several processes on
// one PostgreSQL: see alerts.ts.
import type { WorkingCalendar } from "../calendar/calendar.ts";
import type { Db } from "../db/client.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { type OversightPassResult, runOversightPass } from "./alerts.ts";

export const OVERSIGHT_INTERVAL_MS = 600_000;

export function startOversightScheduler(
  db: Db,
  calendar: WorkingCalendar,
  baseUrl: string,
  options: { intervalMs?: number; log?: (e: unknown) => void; clock?: Clock } = {},
) {
  const clock = options.clock ?? systemClock;
  let stopped = false;
  let running: Promise<OversightPassResult | undefined> | undefined;
  const run = () => {
    if (stopped) return Promise.resolve(undefined);
    running ??= runOversightPass(db, clock.now(), { calendar, baseUrl, log: options.log })
      .catch((e) => {
        options.log?.(e);
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(run, options.intervalMs ?? OVERSIGHT_INTERVAL_MS);
  timer.unref();
  return {
    /** A pass now (or the one already running); its counts, or undefined if it failed or the scheduler stopped. */
    runNow: () => run(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
