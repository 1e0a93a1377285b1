// The browser suite: every page the app has, in every language, in Chromium. Each must pass axe's
// WCAG 2.0/2.1 A and AA rules and load cleanly; a few behaviours only a browser shows are checked too.
import { eq } from "drizzle-orm";
import type { Browser, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createDraft } from "../../src/cases/web/submitJourney.ts";
import { users } from "../../src/db/schema.ts";
import { translator } from "../../src/kernel/i18n.ts";
import {
  axeViolations,
  contrastRatio,
  documentLang,
  focusedId,
  htmlLang,
  LANGUAGES,
  type Language,
  type LanguagePage,
  launchBrowser,
  openPage,
  type PageOptions,
  pageName,
  screenshot,
  signIn,
  startApp,
  tabThrough,
} from "./browser.ts";

// Started while the tests are collected: the routes the app registers decide which pages there are.
const running = await startApp();
const { base } = running;
const samples = running.platform.app.pageSamples;

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
const PAGES: PageCase[] = [
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
  ...(await duplicatesPages()),
];

/**
 * "Is it one of these?", as a visitor and as a citizen (who gets the follow buttons). Journey pages live
 * under a draft's random token, so no route can declare a sample: drafts are written here as the journey
 * leaves them after the place — a pothole next to the demo's open one in Rruga B.
 */
async function duplicatesPages(): Promise<PageCase[]> {
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

/** Sessions of the demo accounts pages are seen as, made once. */
const sessions = new Map<string, Awaited<ReturnType<typeof signIn>>>();

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
  for (const as of new Set(PAGES.flatMap((p) => (p.as ? [p.as] : []))))
    sessions.set(as, await signIn(browser, base, as));
});
afterAll(async () => {
  await browser?.close();
  await running.platform.close();
});

type Visit = LanguagePage & { response: Response };

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
  let response = await opened.page.goto(base + path);
  if (options.submitEmpty) {
    const [submitted] = await Promise.all([
      opened.page.waitForResponse((r) => r.request().method() === "POST"),
      opened.page.click("main form button[type=submit]"),
    ]);
    await opened.page.waitForLoadState("load");
    response = submitted;
  }
  if (!response) throw new Error(`no response for ${path}`);
  return { ...opened, response };
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

describe("the suite itself", () => {
  it("finds the sample of every page route, at least the home page and a municipality page", () => {
    expect(samples).toEqual(expect.arrayContaining(["/", "/m/prishtine"]));
  });

  it("reports axe violations one readable line each", async () => {
    const { context, page } = await openPage(browser, base, "en");
    onTestFinished(() => context.close());
    await page.setContent(
      '<html><head><title>t</title></head><body><main><img src="data:,"></main></body></html>',
    );
    expect(await axeViolations(page)).toEqual([
      "html-has-lang: <html> element must have a lang attribute (html)",
      "image-alt: Images must have alternative text (img)",
    ]);
  });
});

// Each page is loaded once per language; the tests below look at that one load: its status and language,
// a clean console, axe, the focus outline (in Albanian: the markup is the same in every language), and
// then, the window narrowed to 320 px, reflow. One load instead of five keeps the suite within CI's time.
describe.each(LANGUAGES)("in %s", (lang) => {
  describe.each(PAGES)("$name", ({ path, name, status, as, submitEmpty }) => {
    let loaded: Visit;
    beforeAll(async () => {
      loaded = await visit(lang, path, {
        expectedStatus: status,
        ...(as ? { as } : {}),
        ...(submitEmpty ? { submitEmpty } : {}),
      });
      await loaded.page.waitForLoadState("load");
      await screenshot(loaded.page, name, lang);
    });
    afterAll(() => loaded?.context.close());

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
});

describe("in a browser", () => {
  it("Tab first reaches the skip link, and Enter on it moves focus to the main region", async () => {
    const { page } = await visitInTest("sq", "/");
    await page.keyboard.press("Tab");
    const skip = page.locator(":focus");
    expect(await skip.textContent()).toBe(translator("sq")("layout.skipLink"));
    expect(await skip.textContent()).toBe("Kalo te përmbajtja kryesore");
    expect(await skip.isVisible()).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(() => focusedId(page)).toBe("main");
  });

  it("without JavaScript, shows the municipality list and a municipality's status table", async () => {
    const { page } = await visitInTest("sq", "/", { javaScriptEnabled: false });
    const list = page.locator("ul.municipality-list");
    expect(await list.isVisible()).toBe(true);
    expect(await list.getByRole("link").count()).toBe(38);
    expect(await list.getByRole("link", { name: /Prishtinë/ }).isVisible()).toBe(true);

    await page.goto(`${base}/m/prishtine`);
    const table = page.getByRole("table");
    expect(await table.isVisible()).toBe(true);
    expect(await table.getByRole("row", { name: /Dorëzuar/ }).isVisible()).toBe(true);
  });

  it("switches language by the link in the language navigation, and remembers it", async () => {
    const en = translator("en");
    const { page } = await visitInTest("sq", "/");
    expect(await documentLang(page)).toBe("sq");
    const languages = page.getByRole("navigation", { name: translator("sq")("language.label") });
    await languages.getByRole("link", { name: "English", exact: true }).click();
    await page.waitForURL(`${base}/`);
    expect(await documentLang(page)).toBe("en");
    expect(en("home.title")).toBe("Your municipality, answering on time");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(en("home.title"));

    await page.goto(`${base}/m/prishtine`);
    expect(await documentLang(page)).toBe("en");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toMatch(/^Municipality of /);
  });

  // Axe does not check focused states: a header link once turned white on the yellow focus background.
  it("keeps focused link text readable: contrast of at least 4.5:1 on its focus background", async () => {
    const { page } = await visitInTest("sq", "/m/prishtine");
    const unreadable = (await tabThrough(page))
      .filter((stop) => !stop.background.startsWith("rgba"))
      .map((stop) => ({ ...stop, ratio: contrastRatio(stop.color, stop.background) }))
      .filter((stop) => stop.ratio < 4.5)
      .map((stop) => `"${stop.text}": ${stop.color} on ${stop.background} (${stop.ratio.toFixed(2)}:1)`);
    expect(unreadable).toEqual([]);
  });
});
