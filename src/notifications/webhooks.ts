// Webhooks: a municipality's (or, from an operator, every municipality's) case events POSTed as signed
// JSON to the HTTPS endpoints its admin registered. `publish` writes one outbox message per subscribed
// endpoint in the caller's transaction; the webhook channel delivers them (outbox.ts retries with
// backoff), logging every attempt for the endpoint's admin. The receiver checks the signature header with
// the secret it was shown once (docs/NOTIFICATIONS.md, "Webhooks").
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { PublicCase } from "../cases/publicView.ts";
import type { CaseStatus } from "../cases/statuses.ts";
import type { Db } from "../db/client.ts";
import { outbox, webhookDeliveries, webhookEndpoints } from "../db/schema.ts";
import { type Channel, type OutboxRow, PermanentDeliveryError } from "./channel.ts";
import {
  checkWebhookUrl,
  type Lookup,
  type PinnedResponse,
  postPinned,
  URL_PROBLEMS,
  type UrlProblem,
} from "./ssrf.ts";

/** The events an endpoint may subscribe to (each a case event; the data is the case's public view). */
export const WEBHOOK_EVENTS = [
  "case.submitted",
  "case.acknowledged",
  "case.assigned",
  "case.status_changed",
  "case.answered",
  "case.information_requested",
  "case.escalated",
  "case.merged",
  "case.reopened",
  "case.visibility_changed",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** Sent only by "send a test event", to one endpoint, whatever it subscribed to. */
export const PING_EVENT = "ping";

export const isWebhookEvent = (v: unknown): v is WebhookEvent =>
  typeof v === "string" && (WEBHOOK_EVENTS as readonly string[]).includes(v);

/** A new endpoint's signing secret: 256 random bits, shown to the admin once. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;

// ── What is sent.

/** What changed, besides the case itself; nothing here can name a person. */
export interface CaseEventChange {
  fromStatus?: CaseStatus | null;
  toStatus?: CaseStatus | null;
  reasonCode?: string | null;
  /** case.merged: the tracking code of the case it was merged into. */
  mergedInto?: string | null;
  /** case.visibility_changed: the visibility now. */
  visibility?: "public" | "private";
  /** case.escalated: the step of the ladder (1 department head, 2 coordinator, 3 ministry). */
  escalationLevel?: 1 | 2 | 3;
}

export interface CaseEventContext extends CaseEventChange {
  /** The municipality's slug. */
  municipality: string;
  /** The case's public page, absolute. */
  url: string;
}

/** The case as a webhook shows it: its public view without the timeline, photos or the submitter's name. */
export interface WebhookCase {
  trackingCode: string;
  type: PublicCase["type"];
  status: PublicCase["status"];
  visibility: "public" | "private";
  title: string | null;
  description: string | null;
  location: PublicCase["location"];
  address: string | null;
  receivedAt: string | null;
  acknowledgedAt: string | null;
  responseDueAt: string | null;
  resolutionDueAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  reasonCode: string | null;
  url: string;
}

export interface CaseEventData {
  municipality: string;
  case: WebhookCase;
  change: CaseEventChange;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The data of a case event, built from the case's public view (publicView.ts, the one door for personal
 * data) and nothing else, so a caller cannot send a name, a contact or an exact sensitive location by
 * accident. The submitter's name is left out even where they chose to show it on the site: a name pushed
 * to other systems is out of their hands.
 */
export function caseEventData(view: PublicCase, context: CaseEventContext): CaseEventData {
  const { municipality, url, ...change } = context;
  return {
    municipality,
    case: {
      trackingCode: view.trackingCode,
      type: view.type,
      status: view.status,
      visibility: "public",
      title: view.title,
      description: view.description,
      location: view.location,
      address: view.address,
      receivedAt: iso(view.receivedAt),
      acknowledgedAt: iso(view.acknowledgedAt),
      responseDueAt: iso(view.responseDueAt),
      resolutionDueAt: iso(view.resolutionDueAt),
      resolvedAt: iso(view.resolvedAt),
      closedAt: iso(view.closedAt),
      reasonCode: view.reasonCode,
      url,
    },
    change,
  };
}

/**
 * The data of an event about a case that has no public view (made private): its tracking code, type and
 * status only, so a receiver that mirrors public cases can take it down.
 */
export function privateCaseEventData(
  kase: { trackingCode: string; type: PublicCase["type"]; status: PublicCase["status"] },
  context: CaseEventContext,
): CaseEventData {
  const { municipality, url, ...change } = context;
  return {
    municipality,
    case: {
      trackingCode: kase.trackingCode,
      type: kase.type,
      status: kase.status,
      visibility: "private",
      title: null,
      description: null,
      location: null,
      address: null,
      receivedAt: null,
      acknowledgedAt: null,
      responseDueAt: null,
      resolutionDueAt: null,
      resolvedAt: null,
      closedAt: null,
      reasonCode: null,
      url,
    },
    change,
  };
}

/** An outbox message of kind "webhook". `id` names the delivery and stays the same across retries. */
export interface WebhookPayload {
  endpointId: number;
  event: string;
  id: string;
  occurredAt: string;
  data: unknown;
}

/**
 * Queues the event for every active endpoint subscribed to it, of the municipality or of all
 * municipalities, in one statement inside the caller's transaction: nothing goes out for a change that
 * rolls back. Returns how many messages were queued.
 */
export async function publish(
  tx: Pick<Db, "execute">,
  input: { municipalityId: number; event: WebhookEvent; data: CaseEventData; now: Date },
): Promise<number> {
  const at = input.now.toISOString();
  const result = await tx.execute(sql`
    insert into outbox (kind, topic, payload, created_at, available_at)
    select 'webhook', ${input.event}::text,
      jsonb_build_object('endpointId', e.id, 'event', ${input.event}::text, 'id', gen_random_uuid(),
        'occurredAt', ${at}::text, 'data', ${JSON.stringify(input.data)}::jsonb),
      ${at}::timestamptz, ${at}::timestamptz
    from webhook_endpoints e
    where e.active
      and (e.municipality_id = ${input.municipalityId} or e.municipality_id is null)
      and ${input.event}::text = any(e.events)
    returning id`);
  return (result as unknown as { rows: unknown[] }).rows.length;
}

/** Queues a `ping` to one endpoint (the admin's "send a test event"), whatever it subscribed to. */
export async function queuePing(
  tx: Pick<Db, "insert">,
  endpoint: { id: number; municipality: string | null },
  now: Date,
): Promise<void> {
  const payload: WebhookPayload = {
    endpointId: endpoint.id,
    event: PING_EVENT,
    id: randomUUID(),
    occurredAt: now.toISOString(),
    data: { test: true, municipality: endpoint.municipality },
  };
  await tx.insert(outbox).values({
    kind: "webhook",
    topic: PING_EVENT,
    payload: payload as unknown as Record<string, unknown>,
    createdAt: now,
    availableAt: now,
  });
}

// ── Signatures.

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, Stripe's scheme: the time is signed with the body. */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${v1}`;
}

/**
 * Whether a signature header is good for the body under the secret and recent enough (a replayed old
 * message fails) — what a receiver does, written here as the reference the documentation follows.
 */
export function verifySignature(
  header: string,
  body: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureHeader(secret, body, t).split("v1=")[1]!, "hex");
  const given = Buffer.from(parts.v1, "hex");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

// ── Delivery.

/**
 * Why an attempt failed. Kept in the delivery log as a readable English line (operators read it in the
 * outbox too), and read back from it by the pages, to say it in the reader's language.
 */
export type DeliveryFailure =
  | { kind: "timeout"; ms: number }
  | { kind: "deactivated" }
  | { kind: "refused"; problem: UrlProblem; address?: string; detail?: string }
  | { kind: "redirect"; status: number; location: string }
  | { kind: "answer"; status: number; snippet: string }
  | { kind: "network"; detail: string };

const DEACTIVATED = "not sent: the endpoint is deactivated";

export function failureText(f: DeliveryFailure): string {
  switch (f.kind) {
    case "timeout":
      return `timed out after ${f.ms} ms`;
    case "deactivated":
      return DEACTIVATED;
    case "refused":
      return `refused: ${f.problem}${f.address ? ` ${f.address}` : ""}${f.detail ? ` (${f.detail})` : ""}`;
    case "redirect":
      return `HTTP ${f.status}: redirect to ${f.location} not followed`;
    case "answer":
      return `HTTP ${f.status}${f.snippet ? `: ${f.snippet}` : ""}`;
    case "network":
      return f.detail;
  }
}

/** The failure a log line says (what failureText wrote); a line it did not write reads as a network error. */
export function readFailure(text: string): DeliveryFailure {
  if (text === DEACTIVATED) return { kind: "deactivated" };
  const timeout = text.match(/^timed out after (\d+) ms$/);
  if (timeout) return { kind: "timeout", ms: Number(timeout[1]) };
  const refused = text.match(/^refused: (url_[a-z_]+)(?: ([^\s(]+))?(?: \((.*)\))?$/);
  if (refused && (URL_PROBLEMS as readonly string[]).includes(refused[1]!))
    return {
      kind: "refused",
      problem: refused[1] as UrlProblem,
      ...(refused[2] ? { address: refused[2] } : {}),
      ...(refused[3] ? { detail: refused[3] } : {}),
    };
  const redirect = text.match(/^HTTP (3\d\d): redirect to (.*) not followed$/s);
  if (redirect) return { kind: "redirect", status: Number(redirect[1]), location: redirect[2]! };
  const answer = text.match(/^HTTP (\d{3})(?:: (.*))?$/s);
  if (answer) return { kind: "answer", status: Number(answer[1]), snippet: answer[2] ?? "" };
  return { kind: "network", detail: text };
}

/** Sends one POST; the default connects to the checked address (ssrf.ts). Tests may pass their own. */
export type WebhookFetch = (
  url: string,
  init: { method: "POST"; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface WebhookChannelOptions {
  fetch?: WebhookFetch;
  /** Every endpoint may reach private addresses (a development setup whose receivers are local). */
  allowPrivateDefault?: boolean;
  timeoutMs?: number;
  lookup?: Lookup;
  now?: () => Date;
  /** Where the channel says what it dropped (the server's logger). */
  log?: (message: string, details: Record<string, unknown>) => void;
}

export const USER_AGENT = "E-Komuna-Webhooks/1";
const MAX_ERROR = 1000;

function readPayload(row: OutboxRow): WebhookPayload | undefined {
  const p = row.payload as Partial<WebhookPayload>;
  return typeof p.endpointId === "number" && typeof p.event === "string" && typeof p.id === "string"
    ? (p as WebhookPayload)
    : undefined;
}

/** The channel the outbox worker delivers webhook messages through. */
export function webhookChannel(db: Db, options: WebhookChannelOptions = {}): Channel {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((message, details) => console.warn(message, details));

  async function record(
    row: OutboxRow,
    endpointId: number,
    event: string,
    outcome: { statusCode: number | null; error: string | null; durationMs: number },
  ) {
    try {
      await db.insert(webhookDeliveries).values({
        endpointId,
        outboxId: row.id,
        event,
        attempt: Math.max(row.attempts, 1),
        statusCode: outcome.statusCode,
        error: outcome.error?.slice(0, MAX_ERROR) ?? null,
        durationMs: Math.round(outcome.durationMs),
        at: now(),
      });
    } catch (e) {
      // The endpoint was deleted meanwhile (its log goes with it): nothing left to write to.
      log("webhook delivery not logged", { outboxId: row.id, endpointId, error: String(e) });
    }
  }

  async function send(
    url: URL,
    pinned: Parameters<typeof postPinned>[1],
    headers: Record<string, string>,
    body: string,
  ) {
    const signal = AbortSignal.timeout(timeoutMs);
    if (!options.fetch) return postPinned(url, pinned, headers, body, signal);
    const res = await options.fetch(url.href, { method: "POST", headers, body, signal });
    const location = res.headers.get("location");
    return {
      status: res.status,
      ...(location ? { location } : {}),
      snippet: (await res.text()).slice(0, 512),
    } satisfies PinnedResponse;
  }

  return {
    kind: "webhook",
    concurrency: 8,
    async deliver(row) {
      const payload = readPayload(row);
      if (!payload)
        throw new PermanentDeliveryError("not a webhook message (payload without endpointId, event, id)");
      const [endpoint] = await db
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.id, payload.endpointId));
      // Deleted or switched off since: dropped, not retried for days towards a receiver nobody wants.
      if (!endpoint) {
        log("webhook dropped: its endpoint was deleted", {
          outboxId: row.id,
          endpointId: payload.endpointId,
        });
        return;
      }
      if (!endpoint.active) {
        log("webhook dropped: its endpoint is deactivated", { outboxId: row.id, endpointId: endpoint.id });
        await record(row, endpoint.id, payload.event, {
          statusCode: null,
          error: failureText({ kind: "deactivated" }),
          durationMs: 0,
        });
        return;
      }
      const started = performance.now();
      const elapsed = () => performance.now() - started;
      const allowPrivate = endpoint.allowPrivate || options.allowPrivateDefault === true;
      const checked = await checkWebhookUrl(endpoint.url, {
        allowPrivate,
        ...(options.lookup ? { lookup: options.lookup } : {}),
      });
      if (!checked.ok) {
        const { ok: _, ...refusal } = checked;
        const error = failureText({ kind: "refused", ...refusal });
        await record(row, endpoint.id, payload.event, { statusCode: null, error, durationMs: elapsed() });
        // A name that does not resolve may be passing (DNS down): retried. An address inside is not.
        if (checked.problem === "url_not_found") throw new Error(error);
        throw new PermanentDeliveryError(error);
      }
      const body = JSON.stringify({
        id: payload.id,
        event: payload.event,
        occurredAt: payload.occurredAt,
        data: payload.data,
      });
      const headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-EKomuna-Event": payload.event,
        "X-EKomuna-Delivery": payload.id,
        "X-EKomuna-Signature": signatureHeader(endpoint.secret, body, Math.floor(now().getTime() / 1000)),
      };
      let res: PinnedResponse;
      try {
        res = await send(checked.url, checked.address, headers, body);
      } catch (e) {
        const err = e as Error & { code?: string };
        const error = failureText(
          err.name === "TimeoutError" || err.name === "AbortError"
            ? { kind: "timeout", ms: timeoutMs }
            : { kind: "network", detail: `${err.code ? `${err.code}: ` : ""}${err.message}` },
        );
        await record(row, endpoint.id, payload.event, { statusCode: null, error, durationMs: elapsed() });
        throw new Error(`webhook ${endpoint.id}: ${error}`);
      }
      if (res.status >= 200 && res.status < 300) {
        await record(row, endpoint.id, payload.event, {
          statusCode: res.status,
          error: null,
          durationMs: elapsed(),
        });
        return;
      }
      const error = failureText(
        res.status >= 300 && res.status < 400
          ? { kind: "redirect", status: res.status, location: res.location ?? "?" }
          : {
              kind: "answer",
              status: res.status,
              snippet: res.snippet.replace(/\s+/g, " ").trim().slice(0, 200),
            },
      );
      await record(row, endpoint.id, payload.event, {
        statusCode: res.status,
        error,
        durationMs: elapsed(),
      });
      throw new Error(`webhook ${endpoint.id}: ${error}`);
    },
  };
}
