// Routes of the page shell itself: hashed static assets and the language switch.
import type { FastifyInstance } from "fastify";
import { isLanguage } from "../../kernel/i18n.ts";
import { acceptedEncoding } from "../assets.ts";
import { LANGUAGE_COOKIE, safeLocalPath } from "../context.ts";
import { notFound } from "../errors.tsx";

const YEAR = 365 * 24 * 3600;

export async function shellRoutes(app: FastifyInstance) {
  // Every asset URL carries its content hash, so a browser may keep it a year without asking again; an
  // unhashed or stale name is a 404, never a file that might change under a kept URL.
  app.get<{ Params: { file: string } }>("/assets/:file", async (req, reply) => {
    const asset = app.deps.assets.byPath(`/assets/${req.params.file}`);
    if (!asset) return notFound(req, reply);
    reply.type(asset.type).header("cache-control", `public, max-age=${YEAR}, immutable`);
    if (!asset.compressed) return reply.send(asset.body);
    // The copies made at start-up: content-encoding set, the compression hook leaves them as they are.
    reply.header("vary", "accept-encoding");
    const encoding = acceptedEncoding(req.headers["accept-encoding"]);
    if (!encoding) return reply.send(asset.body);
    const copies = await asset.compressed;
    return reply.header("content-encoding", encoding).send(copies[encoding]);
  });

  // A link, not a form: choosing a language changes nothing but a preference cookie, and links work
  // everywhere without JavaScript. The choice is remembered for a year. Any language with a catalog may be
  // chosen (the switch offers tr and bs only where a municipality has them): a page that does not offer
  // it shows the choice's fallback, and the next page that does shows it again (docs/LANGUAGES.md).
  app.get<{ Params: { lang: string }; Querystring: { next?: string } }>(
    "/language/:lang",
    async (req, reply) => {
      if (!isLanguage(req.params.lang)) return notFound(req, reply);
      reply.setCookie(LANGUAGE_COOKIE, req.params.lang, {
        path: "/",
        maxAge: YEAR,
        sameSite: "lax",
        httpOnly: true,
        secure: app.deps.config.publicUrl?.startsWith("https:") ?? false,
      });
      return reply.redirect(safeLocalPath(req.query.next), 303);
    },
  );
}
