// Guidance for citizens and staff (issue 10): how it works, what happens after you submit, how consultations
// and proposals work, the questions people ask, the privacy notice, the accessibility statement, the staff's
// guide to the workspace and each municipality's printable leaflet (docs/GUIDANCE.md). Every number they
// show is read from the configuration that enforces it. Each route reads top to bottom: which municipality
// (an unknown one is a 404), who is asking where it matters (the policy table), what is in force, the page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { can } from "../access/policy.ts";
import { baseUrl } from "../app.ts";
import { localized } from "../kernel/localized.ts";
import { participationSettingsFor } from "../participation/settings.ts";
import { listMunicipalities } from "../reference/queries.ts";
import { referenceData } from "../reference/referenceCache.ts";
import { whoMay } from "../reports/procedures.ts";
import { formatsOf } from "../stats/web/statsPages.tsx";
import { sendPage } from "../web/context.ts";
import { notFound } from "../web/errors.tsx";
import type { FieldErrors } from "../web/forms.tsx";
import { pageContext } from "../web/pageContext.ts";
import { readAccessibilityCheck } from "./accessibilityCheck.ts";
import { AccessibilityPage, WEBSITE_CATEGORY } from "./accessibilityPage.tsx";
import { AfterSubmitPage } from "./afterSubmitPage.tsx";
import { FaqPage, GuideIndexPage, HowItWorksPage } from "./guidePages.tsx";
import { LeafletPage, leafletBase } from "./leafletPage.tsx";
import { ParticipationGuidePage } from "./participationPage.tsx";
import { PrivacyPage } from "./privacyPage.tsx";
import { retentionRules } from "./retention.ts";
import { loadStandardLines } from "./standardsGuide.ts";
import { G, guidePath, leafletPath, WORKSPACE_GUIDE_PATH } from "./ui.tsx";
import { WorkspaceGuidePage } from "./workspacePage.tsx";

type Slug = { Params: { slug: string } };
const PUBLIC = { publicCache: true };

const first = (v: unknown): string =>
  (Array.isArray(v) ? String(v[0] ?? "") : typeof v === "string" ? v : "")
    .replace(/\p{Cc}/gu, " ")
    .trim()
    .slice(0, 60);

export async function guidanceRoutes(app: FastifyInstance) {
  const { database, config } = app.deps;
  const db = database.db;

  /** The active municipality of the address, with its name in the page's language. */
  async function municipalityOf(req: FastifyRequest<Slug>) {
    const m = (await referenceData(db)).municipalityBySlug(req.params.slug);
    return m ? { id: m.id, slug: m.slug, name: localized(m.name, req.lang) } : undefined;
  }

  /** The index: a municipality's (`m`), or the national one with its chooser; `slug` the one asked for. */
  async function index(
    req: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    m?: { slug: string; name: string },
  ) {
    const rows = m ? [] : await listMunicipalities(db);
    const { collator } = formatsOf(req.lang);
    const choices = rows
      .map((r) => ({ value: r.slug, label: localized(r.name, req.lang) }))
      .sort((a, b) => collator.compare(a.label, b.label));
    const errors: FieldErrors = slug && !m ? { m: `${G}.index.unknownMunicipality` } : {};
    return sendPage(
      reply,
      <GuideIndexPage
        ctx={pageContext(req, reply)}
        municipality={m}
        municipalities={choices}
        chosen={slug}
        errors={errors}
      />,
      slug && !m ? 400 : 200,
    );
  }

  // ── The index, national (with a chooser that leads to a municipality's) and a municipality's.

  app.get<{ Querystring: { m?: string | string[] } }>(
    guidePath("index"),
    { config: { page: { sample: guidePath("index") }, ...PUBLIC } },
    async (req, reply) => {
      const slug = first(req.query?.m);
      if (!slug) return index(req, reply, "");
      const m = (await referenceData(db)).municipalityBySlug(slug);
      if (m) return reply.redirect(guidePath("index", m.slug), 303);
      return index(req, reply, slug);
    },
  );

  app.get<Slug>("/m/:slug/guide", { config: PUBLIC }, async (req, reply) => {
    const m = await municipalityOf(req);
    if (!m) return notFound(req, reply);
    return index(req, reply, "", m);
  });

  // ── How it works, and the questions.

  app.get(
    guidePath("how-it-works"),
    { config: { page: { sample: guidePath("how-it-works") }, ...PUBLIC } },
    async (req, reply) => sendPage(reply, <HowItWorksPage ctx={pageContext(req, reply)} />),
  );

  app.get(
    guidePath("faq"),
    { config: { page: { sample: guidePath("faq") }, ...PUBLIC } },
    async (req, reply) => sendPage(reply, <FaqPage ctx={pageContext(req, reply)} />),
  );

  // ── What happens after you submit: the national standards, or a municipality's in force.

  app.get(guidePath("after-you-submit"), { config: PUBLIC }, async (req, reply) => {
    const lines = await loadStandardLines(db);
    return sendPage(reply, <AfterSubmitPage ctx={pageContext(req, reply)} lines={lines} />);
  });

  app.get<Slug>(
    "/m/:slug/guide/after-you-submit",
    { config: { page: { sample: guidePath("after-you-submit", "prishtine") }, ...PUBLIC } },
    async (req, reply) => {
      const m = await municipalityOf(req);
      if (!m) return notFound(req, reply);
      const lines = await loadStandardLines(db, m.id);
      return sendPage(
        reply,
        <AfterSubmitPage ctx={pageContext(req, reply)} lines={lines} municipality={m} />,
      );
    },
  );

  // ── Consultations, meetings and proposals: the national rules, or a municipality's in force.

  app.get(guidePath("participation"), { config: PUBLIC }, async (req, reply) => {
    const [settings, lines] = await Promise.all([participationSettingsFor(db, null), loadStandardLines(db)]);
    return sendPage(
      reply,
      <ParticipationGuidePage
        ctx={pageContext(req, reply)}
        settings={settings}
        proposals={lines.filter((l) => l.category.type === "proposal")}
      />,
    );
  });

  app.get<Slug>(
    "/m/:slug/guide/participation",
    { config: { page: { sample: guidePath("participation", "prishtine") }, ...PUBLIC } },
    async (req, reply) => {
      const m = await municipalityOf(req);
      if (!m) return notFound(req, reply);
      const [settings, lines] = await Promise.all([
        participationSettingsFor(db, m.id),
        loadStandardLines(db, m.id),
      ]);
      return sendPage(
        reply,
        <ParticipationGuidePage
          ctx={pageContext(req, reply)}
          settings={settings}
          proposals={lines.filter((l) => l.category.type === "proposal")}
          municipality={m}
        />,
      );
    },
  );

  // ── The privacy notice and the accessibility statement.

  const retention = retentionRules(config.session);
  app.get(
    guidePath("privacy"),
    { config: { page: { sample: guidePath("privacy") }, ...PUBLIC } },
    async (req, reply) =>
      sendPage(reply, <PrivacyPage ctx={pageContext(req, reply)} retention={retention} />),
  );

  // The record changes only with a new deployment (it is committed): read once.
  const check = readAccessibilityCheck();
  app.get(
    guidePath("accessibility"),
    { config: { page: { sample: guidePath("accessibility") }, ...PUBLIC } },
    async (req, reply) => {
      const website = (await loadStandardLines(db)).find((l) => l.category.code === WEBSITE_CATEGORY);
      return sendPage(
        reply,
        <AccessibilityPage ctx={pageContext(req, reply)} check={check} website={website} />,
      );
    },
  );

  // ── The staff's guide to the workspace, beside the procedures.

  app.get(
    WORKSPACE_GUIDE_PATH,
    { config: { page: { sample: WORKSPACE_GUIDE_PATH, as: "zyrtari.prishtine" } } },
    async (req, reply) => {
      if (!req.user) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      const { actor } = req;
      if (actor.kind !== "user") return notFound(req, reply);
      // The inboxes the reader may open; the ministry reads every case without one of its own.
      const ids = [
        ...new Set(actor.roles.flatMap((r) => (r.municipalityId === null ? [] : [r.municipalityId]))),
      ];
      const openable = ids.filter((id) => can(actor, "workspace.view", { municipalityId: id }));
      if (openable.length === 0 && !can(actor, "case.view_staff", {})) return notFound(req, reply);
      const reference = await referenceData(db);
      const workspaces = openable.flatMap((id) => {
        const m = reference.municipalityById(id);
        return m?.active ? [{ slug: m.slug, name: localized(m.name, req.lang) }] : [];
      });
      return sendPage(
        reply,
        <WorkspaceGuidePage
          ctx={pageContext(req, reply)}
          workspaces={workspaces}
          whoSees={whoMay("case.view_staff")}
        />,
      );
    },
  );

  // ── A municipality's printable leaflet. Not kept in the page cache: without PUBLIC_URL its address is
  // the one the page was asked at, which must never be served to someone who asked at another.

  app.get<Slug>(
    "/m/:slug/leaflet",
    { config: { page: { sample: leafletPath("prishtine") } } },
    async (req, reply) => {
      const m = await municipalityOf(req);
      if (!m) return notFound(req, reply);
      const base = leafletBase({
        publicUrl: config.publicUrl,
        protocol: req.protocol,
        host: req.host,
        fallback: baseUrl(config),
      });
      return sendPage(
        reply,
        <LeafletPage ctx={pageContext(req, reply)} municipality={m} url={`${base}/m/${m.slug}`} />,
      );
    },
  );
}
