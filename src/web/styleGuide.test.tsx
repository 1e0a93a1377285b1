// The style guide (issue 10, "design system"): every component the issue names is on it, drawn by the
// component itself in its states, so a page built from the guide's parts looks like the guide.
import { describe, expect, it } from "vitest";
import { ALL_LANGUAGES, type Language, translator } from "../kernel/i18n.ts";
import type { PageContext } from "./context.ts";
import { StyleGuidePage } from "./styleGuide.tsx";

const ctxOf = (lang: Language, map?: PageContext["map"]): PageContext =>
  ({
    lang,
    t: translator(lang),
    path: "/styleguide",
    assets: { url: (name: string) => `/assets/${name}` },
    ministry: { sq: "Ministria", sr: "Ministarstvo", en: "Ministry" },
    timeZone: "Europe/Belgrade",
    user: undefined,
    map,
    csrf: "token",
  }) as unknown as PageContext;

/** Issue 10's list, each with what only that component writes. */
const COMPONENTS: Record<string, RegExp> = {
  buttons: /<button type="submit" class="button button--primary">/,
  inputs: /<input class="input input--full" id="field-sg-default"/,
  radios: /<input class="radio__input" type="radio" id="field-sg-radios-0" name="sg-radios"/,
  checkboxes: /<input class="checkbox__input" type="checkbox" id="field-sg-checkbox"/,
  errorSummary: /<div class="error-summary"/,
  notificationBanners: /<div class="notice notice--important" role="alert">/,
  statusTags: /<strong class="status-tag status-tag--resolved">Resolved<\/strong>/,
  timeline:
    /<ol class="timeline"><li class="timeline__event"><p class="timeline__when"><time datetime="2026-03-03T08:15:00.000Z">/,
  tables: /<section class="table-wrap" aria-labelledby="sg-table-caption" tabindex="0"><table>/,
  pagination: /<nav class="pagination"/,
  cards:
    /<li class="case-card"><h4 class="case-card__title"><a href="#sg-cards">Street light out on Rruga B<\/a><\/h4>/,
  tabs: /<nav class="tabs"/,
  breadcrumbs: /<nav class="breadcrumbs"/,
  chartFrame:
    /<figure class="stats-chart" id="sg-chart">[\s\S]*<svg role="img"[\s\S]*<\/svg><details class="stats-chart__data">/,
};

describe("the style guide", () => {
  it("shows every component the design system names, drawn by the component", async () => {
    const html = await (<StyleGuidePage ctx={ctxOf("en")} />);
    const missing = Object.entries(COMPONENTS)
      .filter(([, marker]) => !marker.test(html))
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it("shows the timeline's states: a reason and an answer, staff's view with an internal step, empty", async () => {
    const html = await (<StyleGuidePage ctx={ctxOf("en")} />);
    expect(html).toContain('<p class="timeline__reason">Reason: Referred to a public enterprise</p>');
    expect(html).toContain(
      "<span> · Arta Morina</span> · <strong>Internal, not shown to the public</strong>",
    );
    expect(html).toContain("<strong>Note for staff: </strong>");
    expect(html).toContain("<p>Nothing has happened yet.</p>");
    // Times in the reader's language and the country's time zone (UTC+1 in March).
    expect(html).toContain('<time datetime="2026-03-05T13:40:00.000Z">Mar 5, 2026, 2:40 PM</time>');
    const albanian = await (<StyleGuidePage ctx={ctxOf("sq")} />);
    expect(albanian).toContain('<time datetime="2026-03-05T13:40:00.000Z">5 mar 2026, 2:40 m.d.</time>');
  });

  it("draws the map frame where maps are on, and says they are off where they are not", async () => {
    const on = await (
      <StyleGuidePage
        ctx={ctxOf("en", { tileUrl: "https://tiles.test/{z}/{x}/{y}.png", attribution: "©" })}
      />
    );
    expect(on).toMatch(
      /<div class="map-block map-block--case"[^>]* data-map="case"[^>]* data-precision="approximate"/,
    );
    expect(on.match(/<script src="\/assets\/map\.js"/g)).toHaveLength(1);
    const off = await (<StyleGuidePage ctx={ctxOf("en")} />);
    expect(off).not.toContain("map-block");
    expect(off).toContain("Maps are switched off on this server");
  });

  it.each(ALL_LANGUAGES)("lists each section in its contents, in %s", async (lang) => {
    const html = await (<StyleGuidePage ctx={ctxOf(lang)} />);
    const sections = [
      ...html.matchAll(/<section class="styleguide__section" aria-labelledby="(sg-[a-zA-Z]+)">/g),
    ];
    expect(sections.length).toBe(12);
    for (const [, id] of sections) expect(html).toContain(`<a href="#${id}">`);
  });
});
