// Routes of the page shell itself: hashed static assets and the language switch.
import type { FastifyInstance } from "fastify";
import { isLanguage } from "../../kernel/i18n.ts";
import { LANGUAGE_COOKIE, safeLocalPath } from "../context.ts";
import { notFound } from "../errors.tsx";

const YEAR = 365 * 24 * 3600;

export async function shellRoutes(app: FastifyInstance) {
  app.get<{ Params: { file: string } }>("/assets/:file", async (req, reply) => {
    const asset = app.deps.assets.byPath(`/assets/${req.params.file}`);
    if (!asset) return notFound(req, reply);
    return reply
      .type(asset.type)
      .header("cache-control", `public, max-age=${YEAR}, immutable`)
      .send(asset.body);
  });

  // A link, not a form: choosing a language changes nothing but a preference cookie, and links work
  // everywhere without JavaScript. The choice is remembered for a year.
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
