import type { FastifyRequest } from "fastify";
import type { PageContext } from "./context.ts";

/** Everything a page template needs from the request and the app. */
export function pageContext(req: FastifyRequest): PageContext {
  const { assets, profile } = req.server.deps;
  return { lang: req.lang, t: req.t, path: req.url, assets, ministry: profile.ministry };
}
