// How long the platform keeps what it keeps, for the privacy notice: read from the constants and the
// configuration that enforce it, never written again by hand. What has no period yet says so (the
// automatic anonymisation of old cases is not in force: docs/SECURITY.md, "Not yet done").

import { DRAFT_LIFETIME_MS } from "../cases/web/submitJourney.ts";
import { LINK_VALID_MINUTES } from "../identity/commands/deps.ts";
import { KEEP_DELIVERED_MS } from "../notifications/outbox.ts";

const MINUTE_MS = 60_000;

/** A length of time in its largest whole unit, for the catalogs' plural forms. */
export interface Duration {
  unit: "minutes" | "hours" | "days";
  count: number;
}

export function durationOf(ms: number): Duration {
  const minutes = Math.round(ms / MINUTE_MS);
  if (minutes > 0 && minutes % 1440 === 0) return { unit: "days", count: minutes / 1440 };
  if (minutes > 0 && minutes % 60 === 0) return { unit: "hours", count: minutes / 60 };
  return { unit: "minutes", count: minutes };
}

/** One thing kept, in the order the notice lists them; `periods` fill its sentence's placeholders. */
export interface RetentionRule {
  what: "draft" | "session" | "links" | "emails" | "account" | "cases" | "audit";
  periods: Record<string, Duration>;
}

/** What is kept and for how long, with the session limits this installation is configured with. */
export function retentionRules(session: { idleMinutes: number; maxDays: number }): RetentionRule[] {
  return [
    { what: "draft", periods: { lifetime: durationOf(DRAFT_LIFETIME_MS) } },
    {
      what: "session",
      periods: {
        idle: durationOf(session.idleMinutes * MINUTE_MS),
        max: durationOf(session.maxDays * 1440 * MINUTE_MS),
      },
    },
    {
      what: "links",
      periods: {
        login: durationOf(LINK_VALID_MINUTES.login * MINUTE_MS),
        reset: durationOf(LINK_VALID_MINUTES.reset_password * MINUTE_MS),
        verify: durationOf(LINK_VALID_MINUTES.verify_email * MINUTE_MS),
      },
    },
    { what: "emails", periods: { kept: durationOf(KEEP_DELIVERED_MS) } },
    { what: "account", periods: {} },
    { what: "cases", periods: {} },
    { what: "audit", periods: {} },
  ];
}
