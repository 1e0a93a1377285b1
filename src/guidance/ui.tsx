// What the guidance pages share: their addresses, the frame every one of them sits in (the layout, the
// page's heading and lead, the list of the other guidance pages), and how amounts of time are written.

import type { Children } from "@kitajs/html";
import type { SlaUnit, Standard } from "../cases/sla.ts";
import type { LocalizedText } from "../db/schema.ts";
import { Loc as SharedLoc } from "../web/components/Loc.tsx";
import type { PageContext } from "../web/context.ts";
import { Layout } from "../web/layout.tsx";
import type { Duration } from "./retention.ts";

/** The catalog key of everything guidance says. */
export const G = "guidance";

/** The citizens' guidance pages, in reading order. */
export const GUIDE_PAGES = [
  "how-it-works",
  "after-you-submit",
  "participation",
  "faq",
  "privacy",
  "accessibility",
] as const;
export type GuidePageName = (typeof GUIDE_PAGES)[number];

/** The pages that have a municipality's own version (they show its settings). */
export const MUNICIPAL_PAGES: readonly GuidePageName[] = ["after-you-submit", "participation"];

/** The catalog key of a page (its title and its link text). */
export const pageKey = (page: GuidePageName) =>
  ({
    "how-it-works": "howItWorks",
    "after-you-submit": "afterSubmit",
    participation: "participation",
    faq: "faq",
    privacy: "privacy",
    accessibility: "accessibility",
  })[page];

/** A guidance page's address: a municipality's own version where there is one. */
export function guidePath(page: GuidePageName | "index", slug?: string): string {
  if (page === "index") return slug ? `/m/${slug}/guide` : "/guide";
  return slug && MUNICIPAL_PAGES.includes(page) ? `/m/${slug}/guide/${page}` : `/guide/${page}`;
}

export const WORKSPACE_GUIDE_PATH = "/procedures/workspace";
export const leafletPath = (slug: string) => `/m/${slug}/leaflet`;

/** An amount of a response standard: "3 working days", "48 hours". */
export function amount(ctx: PageContext, n: number, unit: SlaUnit): string {
  return ctx.t(`${G}.amount.${unit}`, { count: n });
}

/** A length of time kept: "30 minutes", "7 days". */
export function durationText(ctx: PageContext, d: Duration): string {
  return ctx.t(`${G}.duration.${d.unit}`, { count: d.count });
}

/** The three clocks of a standard as table cells. */
export function StandardCells({ ctx, standard }: { ctx: PageContext; standard: Standard }) {
  return (
    <>
      <td safe>{amount(ctx, standard.ackWithin, standard.unit)}</td>
      <td safe>{amount(ctx, standard.firstResponseWithin, standard.unit)}</td>
      <td safe>{amount(ctx, standard.resolutionWithin, standard.unit)}</td>
    </>
  );
}

/** A stored name in the page's language, marked with the language it is shown in when that is another. */
export function Loc({ ctx, text }: { ctx: PageContext; text: LocalizedText }) {
  return <SharedLoc text={text} lang={ctx.lang} />;
}

export interface GuideFrameProps {
  ctx: PageContext;
  /** The page, for its title and its place in the list of guidance pages. */
  page: GuidePageName;
  /** The municipality whose version this is. */
  municipality?: { slug: string; name: string } | undefined;
  /** Overrides the catalog's title (a municipality's version names it). */
  title?: string;
  lead?: string;
  children?: Children;
}

/** A citizens' guidance page: its heading and lead, its content, then the other guidance pages. */
export function GuideFrame(p: GuideFrameProps) {
  const { ctx } = p;
  const { t } = ctx;
  const title = p.title ?? t(`${G}.${pageKey(p.page)}.title`);
  const slug = p.municipality?.slug;
  return (
    <Layout ctx={ctx} title={title} municipality={p.municipality}>
      <a class="back-link" href={guidePath("index", slug)} safe>
        {t(`${G}.nav.back`)}
      </a>
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {p.lead ?? t(`${G}.${pageKey(p.page)}.lead`)}
      </p>
      {p.children}
      <GuideNav ctx={ctx} current={p.page} slug={slug} />
    </Layout>
  );
}

/** The list of the citizens' guidance pages, the current one marked. */
export function GuideNav({
  ctx,
  current,
  slug,
}: {
  ctx: PageContext;
  current?: GuidePageName | undefined;
  slug?: string | undefined;
}) {
  const { t } = ctx;
  return (
    <nav class="guide-nav" aria-labelledby="guide-nav-heading">
      <h2 id="guide-nav-heading" safe>
        {t(`${G}.nav.heading`)}
      </h2>
      <ul class="link-list">
        {GUIDE_PAGES.map((page) => (
          <li>
            <a href={guidePath(page, slug)} aria-current={page === current ? "page" : undefined} safe>
              {t(`${G}.${pageKey(page)}.title`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
