// National standards' changes that apply from a later day are applied on that day (issue 9). Once a
// minute, in the server or a worker: each due change is claimed by a conditional update (applied_at still
// null), so with several processes on one PostgreSQL each change is applied exactly once — the second
// process waits on the row, then finds it applied. The process that applies a change forgets its reference
// data at once; the others reload theirs within REFERENCE_TTL_MS (30 s), so a change dated for a day is in
// force everywhere within about a minute and a half of that day's local midnight. A municipality's own
// setting the change leaves looser than the national one is recorded with it and its admins are told
// (appliedConflicts.ts).
import { and, asc, eq, isNull, lte } from "drizzle-orm";
import { appendAudit } from "../audit/audit.ts";
import type { WorkingCalendar } from "../calendar/calendar.ts";
import { localDateOf } from "../calendar/zone.ts";
import type { Db } from "../db/client.ts";
import { standardChanges } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { forgetReferenceData } from "../reference/referenceCache.ts";
import { applyAndFindConflicts, tellMunicipalities } from "./appliedConflicts.ts";
import { lockSubject } from "./recordChange.ts";
import { applyState, keyOfSubject, UnappliableChange } from "./store.ts";

export interface StandardsPass {
  applied: number;
  /** Changes that could not be applied (logged; tried again on the next pass). */
  failed: number;
  /** Municipal settings the applied changes left looser than the national ones (appliedConflicts.ts). */
  conflicts: number;
}

export interface PassOptions {
  log?: ((e: unknown) => void) | undefined;
  /** The site's address, for the links in the messages to municipalities left in conflict. */
  baseUrl?: string | undefined;
}

/** Applies every change whose day has come (the local day of `now`), oldest day first. */
export async function applyDueChanges(
  db: Db,
  now: Date,
  timeZone: string,
  options: PassOptions = {},
): Promise<StandardsPass> {
  const { log } = options;
  const today = localDateOf(now, timeZone);
  const due = await db
    .select({ id: standardChanges.id, subject: standardChanges.subject })
    .from(standardChanges)
    .where(and(isNull(standardChanges.appliedAt), lte(standardChanges.appliesFrom, today)))
    .orderBy(asc(standardChanges.appliesFrom), asc(standardChanges.id));
  const pass: StandardsPass = { applied: 0, failed: 0, conflicts: 0 };
  for (const { id, subject } of due) {
    try {
      const done = await db.transaction(async (tx) => {
        await lockSubject(tx, subject);
        const [row] = await tx
          .update(standardChanges)
          .set({ appliedAt: now })
          .where(and(eq(standardChanges.id, id), isNull(standardChanges.appliedAt)))
          .returning();
        if (!row) return false;
        const key = keyOfSubject(row.kind, row.subject);
        if (!key) throw new UnappliableChange(`change ${row.id}: ${row.kind} ${row.subject}`);
        // The change applies whatever it finds (the ministry decided it, and resolveStandard holds a looser
        // municipal rule to it anyway), but never silently: the municipalities left looser are recorded
        // with it and told.
        const conflicts = await applyAndFindConflicts(tx, row, key, () =>
          applyState(tx, key, row.after, { now, by: row.changedBy }),
        );
        await appendAudit(tx, {
          at: now,
          actorId: null,
          action: "standard.applied",
          subjectType: "standard",
          subjectId: row.subject,
          data: {
            change: row.id,
            kind: row.kind,
            appliesFrom: row.appliesFrom,
            ...(conflicts.length > 0 ? { conflicts } : {}),
          },
        });
        await tellMunicipalities(tx, conflicts, row, { now, baseUrl: options.baseUrl ?? "" });
        return conflicts.length;
      });
      if (done !== false) {
        pass.applied++;
        pass.conflicts += done;
      }
    } catch (e) {
      // One change that cannot be applied must not hold back the others due the same day.
      pass.failed++;
      log?.(e);
    }
  }
  if (pass.applied > 0) forgetReferenceData(db);
  return pass;
}

export function startStandardsScheduler(
  db: Db,
  calendar: WorkingCalendar,
  options: { intervalMs?: number; log?: (e: unknown) => void; clock?: Clock; baseUrl?: string } = {},
) {
  const clock = options.clock ?? systemClock;
  let stopped = false;
  let running: Promise<StandardsPass | undefined> | undefined;
  const run = () => {
    if (stopped) return Promise.resolve(undefined);
    running ??= applyDueChanges(db, clock.now(), calendar.timeZone, options)
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
  // A change whose day came while no process ran is applied at start, not a minute later.
  void run();
  return {
    runNow: () => run(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
