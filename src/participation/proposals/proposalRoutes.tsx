// The proposals pages and actions (issue 8). Here the public ones: a municipality's list, one proposal
// with its support (and the count as JSON for a live figure), and the support itself; the coordinator's
// pages (proposalStaffRoutes.tsx) and the municipal admin's settings (participationSettingsRoutes.tsx) are
// registered in this same plugin. Each route reads top to bottom: who is asking, validate, the command,
// then 303 with a notice, or the page again with the problem.
import { and, eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { publicCaseView } from "../../cases/publicView.ts";
import { proposalSupports } from "../../db/schema.ts";
import { sendPage } from "../../web/context.ts";
import { notFound, sendError } from "../../web/errors.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { participationSettingsFor } from "../settings.ts";
import { participationSettingsRoutes } from "./participationSettingsRoutes.tsx";
import {
  FILTER_STAGES,
  LIST_FILTERS,
  ProposalListPage,
  ProposalPage,
  proposalPath,
  type SupportView,
} from "./proposalPages.tsx";
import { type LoadedProposal, loadProposal, milestonesOf, publishedProposals } from "./proposalQueries.ts";
import type { Stage } from "./proposalRules.ts";
import { proposalStaffRoutes } from "./proposalStaffRoutes.tsx";
import { type Code, E, K, listItem, routeKit, type Slug, stageFor } from "./routeKit.ts";
import { supportProposal } from "./supportProposal.ts";
import { withdrawSupport } from "./withdrawSupport.ts";

const listQuery = z.object({
  stage: z.union([z.literal(""), z.enum(LIST_FILTERS)]).optional(),
  page: z
    .string()
    .regex(/^[1-9]\d{0,5}$/)
    .transform(Number)
    .optional(),
});

/** States of the pages the browser suite visits besides each route's own sample (see seedDemoProposals). */
const EXTRA_SAMPLES = [
  // A citizen who may support: the support form.
  { sample: "/proposals/PRI-2026-000013", as: "stefan.ilic", status: 200 },
  // Accepted and being built: the progress record and its milestones.
  { sample: "/proposals/PRI-2026-000015", status: 200 },
  // Awaiting moderation: the publish and reject forms.
  {
    sample: "/m/prishtine/participation/proposals/PRI-2026-000016",
    as: "koordinatori.prishtine",
    status: 200,
  },
];

export async function proposalRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock, municipalityOf, named, commandDeps, noticeOf } = routeKit(app);

  // ── Public: the list.

  app.get<Slug>(
    "/m/:slug/proposals",
    { config: { page: { sample: "/m/prishtine/proposals" }, publicCache: true } },
    async (req, reply) => {
      const m = await municipalityOf(req.params.slug);
      if (!m) return notFound(req, reply);
      const query = listQuery.safeParse(req.query ?? {});
      if (!query.success) {
        const stageWrong = query.error.issues.some((i) => i.path[0] === "stage");
        return sendError(req, reply, 400, "bad_request", req.t(`${E}.${stageWrong ? "query" : "page"}`));
      }
      const filter = query.data.stage ?? "";
      const now = clock.now();
      const [list, settings] = await Promise.all([
        publishedProposals(db, {
          municipalityId: m.id,
          publicOnly: true,
          now,
          stages: filter ? FILTER_STAGES[filter] : undefined,
          page: query.data.page ?? 1,
        }),
        participationSettingsFor(db, m.id),
      ]);
      // A page past the last (the list shrank since the link was made) is no page.
      if (list.page > list.pageCount) return notFound(req, reply);
      return sendPage(
        reply,
        <ProposalListPage
          ctx={pageContext(req, reply)}
          municipality={named(req, m)}
          items={list.rows.map((r) => listItem(r, now))}
          total={list.total}
          pages={{ page: list.page, pageCount: list.pageCount }}
          filter={filter}
          rules={{ threshold: settings.proposalThreshold, windowDays: settings.proposalWindowDays }}
        />,
      );
    },
  );

  // ── Public: one proposal.

  /** A published proposal anyone may see, or undefined. */
  async function publicProposal(code: string) {
    const found = await loadProposal(db, code);
    if (!found?.proposal || found.kase.visibility !== "public") return undefined;
    return found as LoadedProposal & { proposal: NonNullable<LoadedProposal["proposal"]> };
  }

  async function supportViewFor(
    req: FastifyRequest,
    found: LoadedProposal & { proposal: NonNullable<LoadedProposal["proposal"]> },
    stage: Stage,
  ): Promise<SupportView> {
    if (stage !== "collecting") return { kind: "closed" };
    if (!req.user) return { kind: "sign_in" };
    if (found.kase.submitterId === req.user.id) return { kind: "own" };
    const [mine] = await db
      .select({ userId: proposalSupports.userId })
      .from(proposalSupports)
      .where(and(eq(proposalSupports.caseId, found.kase.id), eq(proposalSupports.userId, req.user.id)));
    if (mine) return { kind: "supported" };
    if (
      found.proposal.requiresVerified &&
      !(req.actor.kind === "user" && req.actor.identityLevel === "verified")
    )
      return { kind: "verification_required" };
    return { kind: "form" };
  }

  async function sendProposal(
    req: FastifyRequest,
    reply: FastifyReply,
    code: string,
    status = 200,
    refusal?: string,
  ) {
    const found = await publicProposal(code);
    if (!found) return notFound(req, reply);
    const now = clock.now();
    const stage = stageFor(found.proposal, found.kase.status, now);
    const view = publicCaseView(found.kase, { sensitive: found.category.sensitive }, []);
    if (!view) return notFound(req, reply);
    const [milestones, support] = await Promise.all([
      stage === "accepted" ? milestonesOf(db, found.kase.id) : Promise.resolve([]),
      supportViewFor(req, found, stage),
    ]);
    const m = { id: found.municipality.id, slug: found.municipality.slug, name: found.municipality.name };
    return sendPage(
      reply,
      <ProposalPage
        ctx={pageContext(req, reply)}
        municipality={named(req, m)}
        view={view}
        categoryName={found.category.name}
        language={found.kase.language}
        proposal={found.proposal}
        facts={{ stage, proposal: found.proposal, responseDueAt: found.kase.responseDueAt, now }}
        milestones={milestones}
        support={support}
        notice={noticeOf(req, status)}
        refusal={refusal}
      />,
      status,
    );
  }

  app.get<Code>(
    "/proposals/:code",
    { config: { page: { sample: "/proposals/PRI-2026-000013" }, publicCache: true } },
    async (req, reply) => sendProposal(req, reply, req.params.code),
  );

  /** The count as of now, for a page that shows it live; never cached. */
  app.get<Code>("/proposals/:code/support.json", async (req, reply) => {
    const found = await publicProposal(req.params.code);
    reply.header("cache-control", "no-store");
    // A program asks: the error in the shape every JSON answer has (src/web/errors.tsx).
    if (!found)
      return reply.status(404).send({
        error: {
          code: "not_found",
          message: req.t("errors.api.not_found", { detail: "" }),
          requestId: req.id,
        },
      });
    const now = clock.now();
    return reply.type("application/json").send({
      count: found.proposal.supportCount,
      threshold: found.proposal.threshold,
      closesAt: found.proposal.supportClosesAt.toISOString(),
      stage: stageFor(found.proposal, found.kase.status, now),
    });
  });

  const SUPPORT_STATUS = {
    not_found: 404,
    sign_in: 403,
    not_collecting: 409,
    already_supported: 409,
    own_proposal: 403,
    verification_required: 403,
  } as const;

  app.post<Code>("/proposals/:code/support", async (req, reply) => {
    const code = req.params.code;
    if (!req.user)
      return reply.redirect(`/login?next=${encodeURIComponent(`${proposalPath(code)}#support`)}`, 303);
    const result = await supportProposal(commandDeps(req), code);
    if (result.ok)
      return reply.redirect(
        `${proposalPath(code)}?done=${result.thresholdReached ? "threshold" : "supported"}#support`,
        303,
      );
    if (result.reason === "not_found") return notFound(req, reply);
    return sendProposal(
      req,
      reply,
      code,
      SUPPORT_STATUS[result.reason],
      req.t(`${K}.support.refusals.${result.reason}`),
    );
  });
  // The form's address is no page: coming to it leads to the proposal.
  app.get<Code>("/proposals/:code/support", async (req, reply) =>
    reply.redirect(proposalPath(req.params.code), 303),
  );

  const WITHDRAW_STATUS = { not_found: 404, sign_in: 403, not_collecting: 409, not_supported: 409 } as const;

  app.post<Code>("/proposals/:code/support/withdraw", async (req, reply) => {
    const code = req.params.code;
    if (!req.user)
      return reply.redirect(`/login?next=${encodeURIComponent(`${proposalPath(code)}#support`)}`, 303);
    const result = await withdrawSupport({ db, now: clock.now(), actor: req.actor }, code);
    if (result.ok) return reply.redirect(`${proposalPath(code)}?done=withdrawn#support`, 303);
    if (result.reason === "not_found") return notFound(req, reply);
    const refusal = result.reason === "not_collecting" ? "withdraw_not_collecting" : result.reason;
    return sendProposal(
      req,
      reply,
      code,
      WITHDRAW_STATUS[result.reason],
      req.t(`${K}.support.refusals.${refusal}`),
    );
  });
  app.get<Code>("/proposals/:code/support/withdraw", async (req, reply) =>
    reply.redirect(proposalPath(req.params.code), 303),
  );

  // The coordinator's pages and the municipal admin's settings, in this same plugin.
  await proposalStaffRoutes(app);
  await participationSettingsRoutes(app);

  // After the routes, whose own samples come first: the same address seen by another viewer is one more
  // page to visit, not one more sample URL.
  for (const extra of EXTRA_SAMPLES) {
    if (!app.pageSamples.includes(extra.sample)) app.pageSamples.push(extra.sample);
    app.pages.push(extra);
  }
}
