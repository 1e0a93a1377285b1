// The participation work nobody asks for: proposals whose support window ended without the threshold are
// closed as expired (proposals/expiry.ts), the support pause of a proposal staff ended otherwise is closed
// (proposals/endedProposals.ts), and from October a municipality with fewer than two public
// meetings in the year has its admins warned once (meetings/minimum.ts). Once a minute, in the server or
// a worker; both are safe with several processes (conditional updates, a once-per-year record).
import type { WorkingCalendar } from "../calendar/calendar.ts";
import type { Db } from "../db/client.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { checkMeetingMinimum } from "./meetings/minimum.ts";
import { closeEndedSupportPauses } from "./proposals/endedProposals.ts";
import { expireProposals } from "./proposals/expiry.ts";

export interface ParticipationPass {
  expired: number;
  /** Support pauses closed on proposals staff ended before their threshold. */
  pausesClosed: number;
  warned: number;
}

export async function runParticipationPass(
  db: Db,
  now: Date,
  ctx: { calendar: WorkingCalendar; baseUrl: string; poke?: () => void },
): Promise<ParticipationPass> {
  const expired = await expireProposals(db, now, ctx);
  const pausesClosed = await closeEndedSupportPauses(db, now, ctx);
  const warned = await checkMeetingMinimum(db, now, {
    baseUrl: ctx.baseUrl,
    timeZone: ctx.calendar.timeZone,
  });
  return { expired, pausesClosed, warned };
}

export function startParticipationScheduler(
  db: Db,
  calendar: WorkingCalendar,
  baseUrl: string,
  options: { intervalMs?: number; log?: (e: unknown) => void; clock?: Clock } = {},
) {
  const clock = options.clock ?? systemClock;
  let stopped = false;
  let running: Promise<ParticipationPass | undefined> | undefined;
  const run = () => {
    if (stopped) return Promise.resolve(undefined);
    running ??= runParticipationPass(db, clock.now(), { calendar, baseUrl })
      .catch((e) => {
        options.log?.(e);
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(run, options.intervalMs ?? 60_000);
  timer.unref();
  return {
    runNow: () => run(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
