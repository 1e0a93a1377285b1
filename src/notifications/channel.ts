// A way out of the outbox: email (mailer.ts) or webhooks (webhooks.ts). The worker (outbox.ts) claims
// each channel's messages separately, so a slow channel never holds up another.
import type { outbox } from "../db/schema.ts";

export type OutboxRow = typeof outbox.$inferSelect;

export interface Channel {
  /** The outbox kind it delivers ("email", "webhook"). */
  kind: string;
  /** How many of its messages may be in flight at once. */
  concurrency: number;
  /** Delivers one message; throws (with a readable message) when it must be retried. */
  deliver(message: OutboxRow): Promise<void>;
  /** Several at once where the channel can (one statement for the development mailbox); all or none. */
  deliverMany?(messages: OutboxRow[]): Promise<void>;
}
