// Following a case: its public page, the private tracking link (for anyone who submitted without an
// account, or is not signed in), and a signed-in person's own submissions.
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { can } from "../../access/policy.ts";
import { reasonCodes } from "../../db/schema.ts";
import { hashToken, TOKEN_PATTERN } from "../../identity/tokens.ts";
import { sendPage } from "../../web/context.ts";
import { notFound } from "../../web/errors.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { listCasePhotos } from "../photos/photoCommands.ts";
import { publicCaseView } from "../publicView.ts";
import { type LoadedCase, listOwnCases, loadCase } from "../queries/caseQueries.ts";
import { CasePage, MyCasesPage } from "./casePages.tsx";

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function caseRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;

  const reasons = async () => new Map((await db.select().from(reasonCodes)).map((r) => [r.code, r.name]));

  /** The subject of a case for the policy table. */
  const subject = (c: LoadedCase) => ({
    municipalityId: c.kase.municipalityId,
    departmentId: c.kase.departmentId,
    ownerId: c.kase.submitterId,
    assigneeId: c.kase.assigneeId,
    isPublic: c.kase.visibility === "public",
  });

  const render = async (
    req: FastifyRequest,
    reply: Parameters<typeof sendPage>[0],
    c: LoadedCase,
    access: "public" | "tracking_link" | "owner",
  ) => {
    const isPrivate = c.kase.visibility !== "public";
    // Photos are served only for public cases (see photoRoutes), so a private case's page shows none.
    const photos = isPrivate ? [] : await listCasePhotos(db, c.kase.id, { includeHidden: false });
    // Still the one public-view function: a private case seen by someone allowed to see it gets the
    // same personal-data-free view, marked as private.
    const view = publicCaseView({ ...c.kase, visibility: "public" }, c.category, c.events, photos)!;
    return sendPage(
      reply,
      <CasePage
        ctx={pageContext(req, reply)}
        view={view}
        category={c.category.name}
        municipality={c.municipality}
        reasons={await reasons()}
        access={access}
        isPrivate={isPrivate}
      />,
    );
  };

  app.get<{ Params: { code: string } }>(
    "/cases/:code",
    { config: { page: { sample: "/cases/PRI-2026-000001" } } },
    async (req, reply) => {
      const c = await loadCase(db, req.params.code);
      if (!c) return notFound(req, reply);
      const s = subject(c);
      if (can(req.actor, "case.view_public", s)) {
        return render(req, reply, c, req.user && c.kase.submitterId === req.user.id ? "owner" : "public");
      }
      if (can(req.actor, "case.view_private", s)) return render(req, reply, c, "owner");
      return notFound(req, reply);
    },
  );

  app.get<{ Params: { code: string }; Querystring: { token?: string } }>(
    "/track/:code",
    { config: { rateLimit: { max: 60, timeWindow: 60_000 } } },
    async (req, reply) => {
      const c = await loadCase(db, req.params.code);
      const token = req.query.token;
      // A wrong token and an unknown code look the same: codes alone reveal nothing.
      if (!c || !token || !TOKEN_PATTERN.test(token) || !c.kase.trackingTokenHash)
        return notFound(req, reply);
      if (!sameHash(hashToken(token), c.kase.trackingTokenHash)) return notFound(req, reply);
      if (!can(req.actor, "case.view_private", { ...subject(c), trackingLinkHeld: true }))
        return notFound(req, reply);
      reply.header("referrer-policy", "no-referrer");
      return render(req, reply, c, "tracking_link");
    },
  );

  app.get(
    "/account/cases",
    { config: { page: { sample: "/account/cases", as: "lirije.shala" } } },
    async (req, reply) => {
      if (!req.user) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      const rows = await listOwnCases(db, req.user.id);
      return sendPage(reply, <MyCasesPage ctx={pageContext(req, reply)} rows={rows} />);
    },
  );
}
