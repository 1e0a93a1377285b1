// What the browser suite needs around playwright-core: the app listening on a real port, Chromium,
// a page in a chosen language that records console errors and failed requests, and an axe check.
import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { AxeBuilder } from "@axe-core/playwright";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { LANGUAGES, type Language } from "../../src/kernel/i18n.ts";
import { htmlLang } from "../../src/kernel/localized.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

export { htmlLang, LANGUAGES, type Language };

const CHROMIUM = "/usr/bin/chromium";

/** The WCAG 2.0 and 2.1 levels A and AA: what every page must pass. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** Where full-page screenshots go (test-results/ is gitignored), for people to look at. */
export const SCREENSHOT_DIR = new URL("../../test-results/screenshots/", import.meta.url);

export interface RunningApp {
  platform: TestPlatform;
  /** http://127.0.0.1:<port>, no trailing slash. */
  base: string;
}

/** The whole app with the demo data, listening on a free local port. */
export async function startApp(): Promise<RunningApp> {
  const platform = await createTestPlatform({ demo: true });
  await platform.app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = platform.app.server.address() as AddressInfo;
  return { platform, base: `http://127.0.0.1:${port}` };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser suite needs Chromium at ${CHROMIUM}: run \`apt-get install chromium\`.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--headless",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

export interface PageOptions {
  javaScriptEnabled?: boolean;
  /** The status the page should answer with; an error status then is not a console problem. */
  expectedStatus?: number;
  /** Viewport width in CSS pixels (default 1280). */
  width?: number;
  /** Cookies of a signed-in demo account (from signIn), for pages that need one. */
  storageState?: Awaited<ReturnType<BrowserContext["storageState"]>>;
}

export interface LanguagePage {
  context: BrowserContext;
  page: Page;
  /** Console errors and failed requests seen so far (a CSP violation is a console error). */
  problems: string[];
  /** The status the next page should answer with (its console line is then not a problem). */
  expectStatus(status: number | undefined): void;
}

/**
 * A new context whose language cookie is set, with one page that records what went wrong. An error page
 * is expected to answer with its status: Chromium's console line about that one response is not a problem.
 */
export async function openPage(
  browser: Browser,
  base: string,
  lang: Language,
  options: PageOptions = {},
): Promise<LanguagePage> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: options.width ?? 1280, height: 800 },
    ...(options.storageState ? { storageState: options.storageState } : {}),
  });
  await context.addCookies([{ name: "lang", value: lang, url: base }]);
  const page = await context.newPage();
  const expected = (status: number | undefined) =>
    `Failed to load resource: the server responded with a status of ${status} `;
  let expectedError = expected(options.expectedStatus);
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    if (message.text().startsWith(expectedError) && message.location().url === page.url()) return;
    problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText ?? "unknown";
    // The browser aborts what is still loading (the favicon, say) when a form submit or a link starts the
    // next navigation: nothing the user misses. A missing or broken file is a status (a console error above)
    // or another net:: error, and still counts.
    if (reason === "net::ERR_ABORTED") return;
    problems.push(`request failed: ${request.url()} (${reason})`);
  });
  return {
    context,
    page,
    problems,
    expectStatus: (status) => {
      expectedError = expected(status);
    },
  };
}

/**
 * The WCAG A/AA violations on the page, each as one readable line (rule, help, offending nodes).
 *
 * Legacy mode: `axe.run` in the page itself, in one step. The default mode runs axe in each frame and then
 * opens a new blank page to combine the frames' results: for our pages, which have no frames, the same
 * rules at 1.5-2.5x the time (measured on /, /statistics and /m/prishtine) — axe was two thirds of the
 * browser suite's time.
 * (`resultTypes: ["violations"]` would save more but makes landmark-unique report false violations.)
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).setLegacyMode(true).analyze();
  return results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
  );
}

/** The `lang` attribute of the page's root element. */
export function documentLang(page: Page): Promise<string> {
  return page.evaluate<string>("document.documentElement.lang");
}

/** The id of the focused element ("" when it has none). */
export function focusedId(page: Page): Promise<string> {
  return page.evaluate<string>("document.activeElement ? document.activeElement.id : ''");
}

export interface FocusStop {
  tag: string;
  text: string;
  outlineStyle: string;
  boxShadow: string;
  color: string;
  background: string;
}

/**
 * Presses Tab until focus falls back to the document (at most `limit` times) and returns, for each
 * element reached, the computed styles that show focus.
 */
export async function tabThrough(page: Page, limit = 200): Promise<FocusStop[]> {
  const stops: FocusStop[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    const stop = await page.evaluate<FocusStop>(`(() => {
      const el = document.activeElement || document.body;
      const s = getComputedStyle(el);
      return {
        tag: el.tagName,
        text: (el.textContent || "").trim().replace(/\\s+/g, " "),
        outlineStyle: s.outlineStyle,
        boxShadow: s.boxShadow,
        color: s.color,
        background: s.backgroundColor,
      };
    })()`);
    if (stop.tag === "BODY") break;
    stops.push(stop);
  }
  return stops;
}

/** The WCAG contrast ratio of two opaque computed colours ("rgb(r, g, b)"). */
export function contrastRatio(a: string, b: string): number {
  const luminance = (colour: string) => {
    const [r = 0, g = 0, bl = 0] = (colour.match(/[\d.]+/g) ?? []).map(Number).map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/**
 * A file-name-safe name for a path: "/" is "home", "/m/prishtine" is "m-prishtine"; the query string
 * counts, so two states of one page stay apart ("/cases?from=x" is "cases-from-x").
 */
export function pageName(path: string): string {
  return (
    path
      .replace(/#.*$/, "")
      .replace(/[^A-Za-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "home"
  );
}

/** Whether the suite saves screenshots: `EKOMUNA_SCREENSHOTS=1 npm run test:e2e` (CI does not; they cost time). */
export const SAVE_SCREENSHOTS = process.env.EKOMUNA_SCREENSHOTS === "1";

/**
 * Saves a full-page screenshot as test-results/screenshots/<name>-<lang>.png when SAVE_SCREENSHOTS, for
 * people to look at; returns its path, or undefined when screenshots are off.
 */
export async function screenshot(page: Page, name: string, lang: Language): Promise<string | undefined> {
  if (!SAVE_SCREENSHOTS) return undefined;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = fileURLToPath(new URL(`${name}-${lang}.png`, SCREENSHOT_DIR));
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Logs a demo account in through the login form once and returns its cookies, so that every visit as
 * that account reuses the session (logging in per visit would trip the login rate limit).
 */
export async function signIn(browser: Browser, base: string, demoLocal: string) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill("#field-email", `${demoLocal}@demo.ekomuna.example`);
    await page.fill("#field-password", "demo-ekomuna-2026");
    await Promise.all([page.waitForURL(`${base}/`), page.click("form[action='/login'] button[type=submit]")]);
    const state = await context.storageState();
    if (!state.cookies.some((c) => c.name === "sid")) throw new Error(`could not log in as ${demoLocal}`);
    // Only the session: each visit sets its own language cookie.
    return { ...state, cookies: state.cookies.filter((c) => c.name === "sid") };
  } finally {
    await context.close();
  }
}
