// Who is calling the API. An integrator sends its key (`Authorization: Bearer ek_live_…`, or
// `X-Api-Key`) and acts as a visitor of the policy table plus its client identity; a person's own calls
// (a page's script) ride on their session cookie. A key wins over a cookie sent with it: a program that
// happens to hold a cookie still acts only as itself.
import type { FastifyRequest } from "fastify";
import type { Config } from "../config.ts";
import { VISITOR } from "../identity/actor.ts";
import type { ApiClient, ApiKeyResolver } from "./apiKeys.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** An API route's rate-limit kind: reads and writes are counted apart. */
    apiLimit?: LimitKind;
  }
  interface FastifyRequest {
    /** The API client of the request's key; undefined when no key was sent. */
    apiClient: ApiClient | undefined;
    /** A key was sent, but it is malformed, unknown or revoked. */
    apiKeyRefused: boolean;
  }
}

export type Caller =
  | { kind: "client"; client: ApiClient }
  | { kind: "session"; userId: string }
  | { kind: "visitor" };

/** The key a request presents, "" for an Authorization header of another scheme, undefined for none. */
export function presentedKey(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === "string") return /^Bearer +(\S+) *$/i.exec(auth)?.[1] ?? "";
  const header = req.headers["x-api-key"];
  return typeof header === "string" ? header.trim() : undefined;
}

/** Resolves the request's key, if any, and makes the request act as that client (a visitor otherwise). */
export async function authenticate(req: FastifyRequest, resolver: ApiKeyResolver): Promise<void> {
  req.apiClient = undefined;
  req.apiKeyRefused = false;
  const key = presentedKey(req);
  if (key === undefined) return;
  req.actor = VISITOR;
  req.user = undefined;
  req.sessionId = undefined;
  const client = key ? await resolver.resolve(key) : undefined;
  if (client) req.apiClient = client;
  else req.apiKeyRefused = true;
}

export function callerOf(req: FastifyRequest): Caller {
  if (req.apiClient) return { kind: "client", client: req.apiClient };
  if (req.user) return { kind: "session", userId: req.user.id };
  return { kind: "visitor" };
}

/**
 * Whether a request riding on a session cookie comes from another site. Browsers say so in
 * `Sec-Fetch-Site` and `Origin`; either, when present, must be this site. (A request with neither comes
 * from no browser page, and a cross-site page cannot send JSON or PUT/DELETE without a CORS preflight,
 * which this API never grants.)
 */
export function isCrossSite(req: FastifyRequest, config: Config): boolean {
  const site = req.headers["sec-fetch-site"];
  if (typeof site === "string" && site !== "same-origin" && site !== "none") return true;
  const origin = req.headers.origin;
  if (typeof origin !== "string") return false;
  const own = new Set([`${req.protocol}://${req.host}`]);
  if (config.publicUrl) own.add(new URL(config.publicUrl).origin);
  return !own.has(origin);
}

/** Whether the body was sent as JSON (`application/json`, with or without parameters). */
export function isJson(req: FastifyRequest): boolean {
  const type = req.headers["content-type"];
  return typeof type === "string" && /^application\/json\s*(;|$)/i.test(type);
}

/** Requests per minute of each kind, per caller, unless an API client has its own limit. */
export const RATE_LIMITS = {
  client: { read: 1200, write: 600 },
  session: { read: 600, write: 30 },
  visitor: { read: 300, write: 30 },
} as const;

export type LimitKind = "read" | "write";

/** The config of every API route: its limit kind, and no form CSRF token (see docs/SECURITY.md). */
export const apiRoute = (kind: LimitKind) => ({ csrf: false, apiLimit: kind }) as const;

/** The rate-limit bucket of a request: its kind and who is asking (client, person, or address). */
export function limitBucket(req: FastifyRequest, kind: LimitKind): { key: string; max: number } {
  const client = req.apiClient;
  if (client)
    return { key: `${kind}:client:${client.id}`, max: client.rateLimit ?? RATE_LIMITS.client[kind] };
  if (req.user) return { key: `${kind}:user:${req.user.id}`, max: RATE_LIMITS.session[kind] };
  return { key: `${kind}:ip:${req.ip}`, max: RATE_LIMITS.visitor[kind] };
}
