import type { FastifyReply, FastifyRequest } from "fastify";
import type { PageContext } from "./context.ts";

/** Everything a page template needs from the request and the app. */
export function pageContext(req: FastifyRequest, reply: FastifyReply): PageContext {
  const { assets, profile, config } = req.server.deps;
  let csrf: string | undefined;
  return {
    lang: req.lang,
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
  };
}
