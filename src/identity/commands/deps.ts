import type { Db } from "../../db/client.ts";
import type { SessionPolicy } from "../sessions.ts";

/** What the identity use cases need from the platform. */
export interface IdentityDeps {
  db: Db;
  now: Date;
  /** Absolute base for links in emails, e.g. https://ekomuna.example.org */
  baseUrl: string;
  session: SessionPolicy;
  /** Tells the outbox worker that mail is waiting (after the transaction commits). */
  poke: () => void;
}

export interface RequestInfo {
  ip?: string;
  userAgent?: string | undefined;
}

export const normalizeEmail = (email: string) => email.trim();
export const LINK_VALID_MINUTES = {
  login: 30,
  reset_password: 30,
  verify_email: 7 * 24 * 60,
  invitation: 7 * 24 * 60,
};
