// A way out of the outbox: email (mailer.ts) or webhooks (webhooks.ts). The worker (outbox.ts) claims
// each channel's messages separately, so a slow channel never holds up another.
import type { outbox } from "../db/schema.ts";

export type OutboxRow = typeof outbox.$inferSelect;

export interface Channel {
  /** The outbox kind it delivers ("email", "webhook"). */
  kind: string;
  /** How many of its messages may be in flight at once. */
  concurrency: number;
  /**
   * Delivers one message; returns when it is delivered (or when there is nothing left to deliver, such
   * as a webhook whose endpoint was deleted since). Throws with a readable message when it must be
   * retried, or a PermanentDeliveryError when no retry can succeed.
   */
  deliver(message: OutboxRow): Promise<void>;
  /** Several at once where the channel can (one statement for the development mailbox); all or none. */
  deliverMany?(messages: OutboxRow[]): Promise<void>;
  /** Lets go of connections (an SMTP pool) when the worker stops. */
  close?(): void;
}

/**
 * A failure that retrying cannot mend (a malformed message, a webhook URL that now resolves to a private
 * address): the message is dead at once, with this message as the reason.
 */
export class PermanentDeliveryError extends Error {
  override name = "PermanentDeliveryError";
}
