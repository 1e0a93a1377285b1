// Who may open the ministry's pages: a visitor is asked to log in first; anyone without the action (a
// citizen, municipal staff) finds nothing there, as with every staff area.
import type { FastifyReply, FastifyRequest } from "fastify";
import { type Action, can } from "../access/policy.ts";
import { notFound } from "../web/errors.tsx";

/** True when the request may go on; otherwise it has been answered (a redirect to log in, or 404). */
export async function ministryOnly(
  req: FastifyRequest,
  reply: FastifyReply,
  action: Action,
  back = "/ministry",
): Promise<boolean> {
  if (!req.user) {
    const next = req.method === "GET" ? req.url : back;
    await reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
    return false;
  }
  if (!can(req.actor, action)) {
    await notFound(req, reply);
    return false;
  }
  return true;
}

/** A `?done=` notice after a change, when it is one of the page's own. */
export function doneNotice(req: FastifyRequest, status: number, known: readonly string[], prefix: string) {
  const done = (req.query as { done?: unknown } | undefined)?.done;
  return status === 200 && typeof done === "string" && known.includes(done)
    ? req.t(`${prefix}.${done}`)
    : undefined;
}
