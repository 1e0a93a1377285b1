// The browser suite's page checks, shared by its shards (pages.e2e.test.ts, pages-2.e2e.test.ts): each
// shard starts its own app and Chromium and visits every other page, so that the two run side by side on
// two cores. Each page must pass axe's WCAG 2.0/2.1 A and AA rules and load cleanly, in every language.
import { eq } from "drizzle-orm";
import type { Browser, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createDraft } from "../../src/cases/web/submitJourney.ts";
import { municipalities, users } from "../../src/db/schema.ts";
import { MUNICIPAL_LANGUAGES, type MunicipalLanguage } from "../../src/kernel/i18n.ts";
import { forgetReferenceData } from "../../src/reference/referenceCache.ts";
import {
  axeViolations,
  documentLang,
  htmlLang,
  LANGUAGES,
  type Language,
  type LanguagePage,
  launchBrowser,
  openPage,
  type PageOptions,
  pageName,
  type RunningApp,
  screenshot,
  signIn,
  startApp,
  tabThrough,
} from "./browser.ts";

interface PageCase {
  path: string;
  name: string;
  status: number;
  /** The demo account the page is seen as (absent: a visitor). */
  as?: string;
  /** Submit the page's main form empty first, to check the error state (422). */
  submitEmpty?: boolean;
}

/** Every page: each page route's sample, the error states a visitor can land on, and forms with errors. */
async function allPages(running: RunningApp): Promise<PageCase[]> {
  return [
    ...running.platform.app.pages.map((p) => ({
      path: p.sample,
      name: `${pageName(p.sample)}${p.as ? `-as-${p.as}` : ""}`,
      status: p.status,
      ...(p.as ? { as: p.as } : {}),
    })),
    { path: "/no-such-page", name: "not-found", status: 404 },
    { path: "/m/no-such-municipality", name: "unknown-municipality", status: 404 },
    ...["/login", "/register", "/login/email", "/password/forgot"].map((path) => ({
      path,
      name: `${pageName(path)}-errors`,
      status: 422,
      submitEmpty: true,
    })),
    {
      path: "/account/delete",
      name: "account-delete-errors",
      status: 422,
      as: "lirije.shala",
      submitEmpty: true,
    },
    ...(await duplicatesPages(running)),
  ];
}

/**
 * "Is it one of these?", as a visitor and as a citizen (who gets the follow buttons). Journey pages live
 * under a draft's random token, so no route can declare a sample: drafts are written here as the journey
 * leaves them after the place — a pothole next to the demo's open one in Rruga B.
 */
async function duplicatesPages(running: RunningApp): Promise<PageCase[]> {
  const { db } = running.platform.deps.database;
  const now = running.platform.deps.clock.now();
  const [citizen] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, "lirije.shala@demo.ekomuna.example"));
  const data = {
    municipality: "prishtine",
    type: "issue_report" as const,
    category: "potholes",
    title: "Gropë në Rrugën B",
    description: "Para stacionit të autobusit.",
    located: true,
    latitude: 42.6553,
    longitude: 21.1787,
  };
  const visitorDraft = await createDraft(db, data, null, now);
  const citizenDraft = await createDraft(db, data, citizen!.id, now);
  return [
    { path: `/submit/${visitorDraft.token}/duplicates`, name: "submit-duplicates", status: 200 },
    {
      path: `/submit/${citizenDraft.token}/duplicates`,
      name: "submit-duplicates-as-lirije.shala",
      status: 200,
      as: "lirije.shala",
    },
  ];
}

/** The municipality whose pages are checked in Turkish and Bosnian: Turkish is official there by law. */
const MUNICIPAL = "prizren";

/**
 * A municipality's public pages in the languages only some municipalities use (Turkish, Bosnian): every
 * public page sample of a municipality, moved to Prizren with Bosnian switched on beside its Turkish, and
 * the submission journey's steps that list the citizen's language.
 */
async function municipalLanguagePages(running: RunningApp): Promise<PageCase[]> {
  const { db } = running.platform.deps.database;
  await db
    .update(municipalities)
    .set({ languages: ["sq", "sr", "en", ...MUNICIPAL_LANGUAGES] })
    .where(eq(municipalities.slug, MUNICIPAL));
  forgetReferenceData(db);
  const draft = await createDraft(
    db,
    {
      municipality: MUNICIPAL,
      type: "issue_report" as const,
      category: "potholes",
      title: "Okul önünde çukur",
      description: "Sağ şeritte, yaklaşık 40 cm.",
      located: true,
      latitude: 42.2139,
      longitude: 20.7397,
    },
    null,
    running.platform.deps.clock.now(),
  );
  return [
    ...running.platform.app.pages
      .filter((p) => !p.as && p.sample.startsWith("/m/prishtine"))
      .map((p) => {
        const path = p.sample.replace("/m/prishtine", `/m/${MUNICIPAL}`);
        return { path, name: pageName(path), status: p.status };
      }),
    ...(["contact", "check"] as const).map((step) => ({
      path: `/submit/${draft.token}/${step}`,
      name: `submit-${MUNICIPAL}-${step}`,
      status: 200,
    })),
  ];
}

export interface PageSuite {
  running: RunningApp;
  base: string;
  samples: readonly string[];
  browser(): Browser;
  /** Opens `path` in a fresh context in `lang`, as an account if given; the context closes when the test ends. */
  visitInTest(
    lang: Language,
    path: string,
    options?: PageOptions & { as?: string; submitEmpty?: boolean },
  ): Promise<Visit>;
}

type Visit = LanguagePage & { response: Response };

/** Starts an app and a browser, and declares the checks of every page whose index is `shard` modulo `shards`. */
export async function pageSuite(shard: number, shards: number): Promise<PageSuite> {
  // Started while the tests are collected: the routes the app registers decide which pages there are.
  const running = await startApp();
  const { base } = running;
  const PAGES = (await allPages(running)).filter((_, i) => i % shards === shard);
  // The last shard also visits a municipality's public pages in Turkish and Bosnian.
  const MUNICIPAL_PAGES = shard === shards - 1 ? await municipalLanguagePages(running) : [];

  /** Sessions of the demo accounts pages are seen as, made once. */
  const sessions = new Map<string, Awaited<ReturnType<typeof signIn>>>();

  let browser: Browser;
  /**
   * One page per language and account for the page checks, each page loaded in turn in it: a fresh
   * context per check made the browser parse axe again every time (about half a second a page, a third
   * of the suite). Every visit starts from a new navigation with the wide window and no problems recorded.
   */
  const pool = new Map<string, LanguagePage>();
  beforeAll(async () => {
    browser = await launchBrowser();
    for (const as of new Set(PAGES.flatMap((p) => (p.as ? [p.as] : []))))
      sessions.set(as, await signIn(browser, base, as));
  });
  afterAll(async () => {
    for (const opened of pool.values()) await opened.context.close();
    await browser?.close();
    await running.platform.close();
  });

  /** Loads `path` in the pooled page of `lang` and the account, its form submitted empty if asked. */
  async function visitPooled(
    lang: Language,
    path: string,
    options: { expectedStatus: number; as?: string | undefined; submitEmpty?: boolean | undefined },
  ): Promise<Visit> {
    const key = `${lang} ${options.as ?? ""}`;
    let opened = pool.get(key);
    if (!opened) {
      const storageState = options.as ? sessions.get(options.as) : undefined;
      opened = await openPage(browser, base, lang, storageState ? { storageState } : {});
      pool.set(key, opened);
    }
    await opened.page.setViewportSize({ width: 1280, height: 800 });
    opened.problems.length = 0;
    opened.expectStatus(options.expectedStatus);
    return { ...opened, response: await load(opened.page, path, options.submitEmpty) };
  }

  /** Goes to `path`; when asked, submits the page's main form empty and answers with that response. */
  async function load(page: Page, path: string, submitEmpty: boolean | undefined): Promise<Response> {
    let response = await page.goto(base + path);
    if (submitEmpty) {
      const [submitted] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST"),
        page.click("main form button[type=submit]"),
      ]);
      await page.waitForLoadState("load");
      response = submitted;
    }
    if (!response) throw new Error(`no response for ${path}`);
    return response;
  }

  /** Opens `path` in a fresh context in `lang`, as the page's account if it has one, its form submitted empty if asked. */
  async function visit(
    lang: Language,
    path: string,
    options: PageOptions & { as?: string; submitEmpty?: boolean } = {},
  ): Promise<Visit> {
    const storageState = options.as ? sessions.get(options.as) : undefined;
    const opened = await openPage(browser, base, lang, {
      ...options,
      ...(storageState ? { storageState } : {}),
    });
    return { ...opened, response: await load(opened.page, path, options.submitEmpty) };
  }

  /** As visit, for one test: the context closes when the test ends. */
  async function visitInTest(
    lang: Language,
    path: string,
    options: PageOptions & { as?: string; submitEmpty?: boolean } = {},
  ) {
    const visited = await visit(lang, path, options);
    onTestFinished(() => visited.context.close());
    return visited;
  }

  // Each page is loaded once per language; the tests below look at that one load: its status and language,
  // a clean console, axe, the focus outline (in Albanian: the markup is the same in every language), and
  // then, the window narrowed to 320 px, reflow. One load instead of five keeps the suite within CI's time.
  /** The checks of `pages` in `lang`. */
  const checkPages = (lang: Language, pages: readonly PageCase[]) =>
    describe.each(pages)("$name", ({ path, name, status, as, submitEmpty }) => {
      let loaded: Visit;
      beforeAll(async () => {
        loaded = await visitPooled(lang, path, { expectedStatus: status, as, submitEmpty });
        await loaded.page.waitForLoadState("load");
        await screenshot(loaded.page, name, lang);
      });

      it(`answers ${status} in <html lang="${htmlLang(lang)}">`, async () => {
        expect(loaded.response.status()).toBe(status);
        expect(await documentLang(loaded.page)).toBe(htmlLang(lang));
      });

      it("loads with no console error and no failed request (a CSP violation is a console error)", () => {
        expect(loaded.problems).toEqual([]);
      });

      it("has no WCAG 2.0/2.1 A or AA violation", async () => {
        expect(await axeViolations(loaded.page)).toEqual([]);
      });

      if (lang === "sq")
        it("shows an outline or shadow on every element tabbed to", async () => {
          const stops = await tabThrough(loaded.page);
          expect(stops.length, "focusable elements").toBeGreaterThanOrEqual(2);
          for (const [i, stop] of stops.entries()) {
            expect(
              stop.outlineStyle !== "none" || stop.boxShadow !== "none",
              `Tab ${i + 1} (${stop.tag} "${stop.text}"): outline-style ${stop.outlineStyle}, box-shadow ${stop.boxShadow}`,
            ).toBe(true);
          }
        });

      // WCAG 1.4.10 (Reflow, AA): at 320 CSS pixels wide, nothing may need scrolling sideways.
      it("fits a 320px wide screen, with no sideways scrolling", async () => {
        await loaded.page.setViewportSize({ width: 320, height: 800 });
        const scrollWidth = await loaded.page.evaluate<number>("document.documentElement.scrollWidth");
        expect(scrollWidth, `${path} in ${lang}`).toBeLessThanOrEqual(320);
        await screenshot(loaded.page, `${name}-narrow`, lang);
      });
    });

  describe.each(LANGUAGES)("in %s", (lang) => checkPages(lang, PAGES));
  if (MUNICIPAL_PAGES.length > 0)
    describe.each(MUNICIPAL_LANGUAGES)(`in %s, on ${MUNICIPAL}'s pages`, (lang: MunicipalLanguage) =>
      checkPages(lang, MUNICIPAL_PAGES),
    );

  return {
    running,
    base,
    samples: running.platform.app.pageSamples,
    browser: () => browser,
    visitInTest,
  };
}
