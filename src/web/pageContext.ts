import { sql } from "drizzle-orm";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "../db/client.ts";
import { executeNamed } from "../db/named.ts";
import type { PageContext } from "./context.ts";

declare module "./context.ts" {
  interface PageContext {
    /** The signed-in person's unread notifications, for the header; undefined for a visitor. */
    readonly unread?: Promise<number | undefined> | undefined;
  }
}

/**
 * One count over the notifications_unread partial index (named: every signed-in page asks it); undefined
 * when it cannot be had.
 */
function unreadCount(db: Db, userId: string): Promise<number | undefined> {
  return executeNamed<{ n: number }>(
    db,
    "notifications_unread_count",
    sql`select count(*)::int as n from notifications where user_id = ${userId}::uuid and read_at is null`,
  ).then(
    ([row]) => Number(row?.n ?? 0),
    // The header must not fail the page (an error page included): the link shows without a count.
    () => undefined,
  );
}

/** Everything a page template needs from the request and the app. */
export function pageContext(req: FastifyRequest, reply: FastifyReply): PageContext {
  const { assets, profile, config, database } = req.server.deps;
  let csrf: string | undefined;
  let unread: Promise<number | undefined> | undefined;
  return {
    lang: req.lang,
    languages: req.languages,
    t: req.t,
    path: req.url,
    assets,
    ministry: profile.ministry,
    timeZone: profile.timeZone,
    user: req.user ? { name: req.user.name } : undefined,
    map: config.map,
    // Made on first use: only pages with a form (or the logout button) set the CSRF cookie.
    get csrf() {
      csrf ??= reply.generateCsrf();
      return csrf;
    },
    // Asked for only by a page that renders the header, and only for a signed-in person: never for a
    // visitor, so never in a page the public page cache keeps.
    get unread() {
      if (!req.user) return undefined;
      unread ??= unreadCount(database.db, req.user.id);
      return unread;
    },
  };
}
