import type { Db } from "../db/client.ts";

/** What the onboarding commands need: the database, the time, and the requester's address for the audit. */
export interface OnboardingDeps {
  db: Db;
  now: Date;
  ip?: string | undefined;
}
