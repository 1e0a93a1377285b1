// Two journeys end to end in Chromium (issue 10, accessibility): a citizen reports a pothole and
// follows it with the keyboard alone; and, with JavaScript turned off, a citizen reports one by its
// address, the participation coordinator acknowledges and answers it in the workspace, and the citizen
// reads the answer through the private tracking link. Maps are on (tiles answered by the browser context
// itself: there is no internet in tests), so the keyboard passes a drawn map and the pages without
// JavaScript keep their map blocks hidden.
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { translator } from "../../src/kernel/i18n.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { type Language, launchBrowser, openPage, type PageOptions, screenshot } from "./browser.ts";

const TILES = "https://tiles.example.org";
/** A 1×1 grey PNG: Leaflet stretches it over each 256-pixel tile. */
const TILE = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADElEQVQImWN49uIRAAVoArEFunFhAAAAAElFTkSuQmCC",
  "base64",
);

let platform: TestPlatform;
let base: string;
let browser: Browser;

beforeAll(async () => {
  platform = await createTestPlatform({ demo: true, env: { MAP_TILE_URL: `${TILES}/{z}/{x}/{y}.png` } });
  await platform.app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(platform.app.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

/** A page in `lang` for one test, closed when it ends; map tiles answered without a network. */
async function pageFor(lang: Language, options: PageOptions = {}) {
  const opened = await openPage(browser, base, lang, options);
  await opened.context.route(`${TILES}/**`, (route) =>
    route.fulfill({ status: 200, contentType: "image/png", body: TILE }),
  );
  onTestFinished(() => opened.context.close());
  return opened;
}

/** Whether the focused element matches `selector`. */
const focusedIs = (page: Page, selector: string) =>
  page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);

/** Presses Tab until the focused element matches `selector`, as a keyboard user moves through a page. */
async function tabTo(page: Page, selector: string, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await focusedIs(page, selector)) return;
  }
  throw new Error(`Tab never reached ${selector} on ${page.url()}`);
}

/** Tabs into the radio group `name` and moves with the arrow keys to `value`; Space chooses it. */
async function chooseRadio(page: Page, name: string, value: string) {
  await tabTo(page, `input[type=radio][name=${name}]`);
  for (let i = 0; i < 40 && !(await focusedIs(page, `[value="${value}"]`)); i++)
    await page.keyboard.press("ArrowDown");
  expect(await focusedIs(page, `input[name=${name}][value="${value}"]`)).toBe(true);
  await page.keyboard.press("Space");
}

/** Tabs to the step's primary button and presses Enter; waits for the next page. */
async function continueWithEnter(page: Page, next: RegExp) {
  await tabTo(page, "main form button.button--primary");
  await Promise.all([page.waitForURL(next), page.keyboard.press("Enter")]);
}

describe("with the keyboard alone", () => {
  it("a citizen reports a pothole, then opens the tracking link and reads its status", async () => {
    const t = translator("en");
    const { page, problems } = await pageFor("en");
    await page.goto(`${base}/m/prishtine/submit`);

    await chooseRadio(page, "type", "issue_report");
    await continueWithEnter(page, /\/category$/);
    await chooseRadio(page, "category", "potholes");
    await continueWithEnter(page, /\/details$/);

    await tabTo(page, "#field-title");
    await page.keyboard.type("Pothole by the school gate");
    await tabTo(page, "#field-description");
    await page.keyboard.type("A deep hole right where the children cross.");
    await continueWithEnter(page, /\/location$/);

    // The pin map is drawn, and the keyboard passes it on the way to the address.
    expect(await page.locator("[data-map=pin]").isVisible()).toBe(true);
    await tabTo(page, "#field-address");
    await page.keyboard.type("Rruga Agim Ramadani 15");
    await continueWithEnter(page, /\/photos$/);
    await continueWithEnter(page, /\/contact$/);
    await continueWithEnter(page, /\/check$/);
    expect(await page.locator("main").textContent()).toContain("Pothole by the school gate");
    await continueWithEnter(page, /\/done$/);

    const code = (await page.locator(".confirmation-panel__code").textContent()) ?? "";
    expect(code).toMatch(/^PRI-\d{4}-\d{6}$/);
    await tabTo(page, ".tracking-link a");
    await Promise.all([page.waitForURL(/\/track\//), page.keyboard.press("Enter")]);
    expect(new URL(page.url()).pathname).toBe(`/track/${code}`);
    expect(await page.locator("h1").textContent()).toContain("Pothole by the school gate");
    expect(await page.locator(".status-tag").first().textContent()).toBe(t("status.submitted"));
    await screenshot(page, "journey-keyboard-tracking", "en");
    expect(problems).toEqual([]);
  });
});

describe("with JavaScript turned off", () => {
  it("a citizen reports by address, the coordinator answers in the workspace, the citizen reads it", async () => {
    // The citizen in Serbian, the coordinator in Albanian: each page in its reader's language.
    const sr = translator("sr");
    const sq = translator("sq");
    const citizen = await pageFor("sr", { javaScriptEnabled: false });
    const page = citizen.page;
    await page.goto(`${base}/m/prishtine/submit`);
    await page.getByLabel(sr("caseType.issue_report"), { exact: true }).check();
    await page.getByRole("button", { name: sr("submit.continue") }).click();
    await page.locator("input[name=category][value=potholes]").check();
    await page.getByRole("button", { name: sr("submit.continue") }).click();
    await page.locator("#field-title").fill("Rupa ispred škole");
    await page.locator("#field-description").fill("Duboka rupa tačno gde deca prelaze ulicu.");
    await page.getByRole("button", { name: sr("submit.continue") }).click();
    await page.waitForURL(/\/location$/);
    // No script to draw it: the map block stays hidden, and the address is the way to answer.
    expect(await page.locator("[data-map=pin]").count()).toBe(1);
    expect(await page.locator("[data-map=pin]").isHidden()).toBe(true);
    await page.locator("#field-address").fill("Rruga Agim Ramadani 15");
    for (const step of [/\/photos$/, /\/contact$/, /\/check$/, /\/done$/]) {
      await page.locator("main form button.button--primary").last().click();
      await page.waitForURL(step);
    }
    const code = (await page.locator(".confirmation-panel__code").textContent()) ?? "";
    const tracking = await page.locator(".tracking-link a").getAttribute("href");
    expect(tracking).toMatch(new RegExp(`^/track/${code}\\?token=`));

    const staff = await pageFor("sq", { javaScriptEnabled: false });
    await staff.page.goto(`${base}/login`);
    await staff.page.locator("#field-email").fill("koordinatori.prishtine@demo.ekomuna.example");
    await staff.page.locator("#field-password").fill("demo-ekomuna-2026");
    await Promise.all([
      staff.page.waitForURL(`${base}/`),
      staff.page.locator("form[action='/login'] button[type=submit]").click(),
    ]);
    const workspace = `${base}/m/prishtine/workspace/cases/${code}`;
    await staff.page.goto(workspace);
    await staff.page.getByRole("button", { name: sq("workspace_case.forms.acknowledge.submit") }).click();
    await staff.page.waitForLoadState("load");
    const answer = staff.page.locator("section[aria-labelledby=act-answer]");
    await answer.getByLabel(sq("workspace_case.forms.answer.label")).fill("Gropa u mbush sot në mëngjes.");
    await answer.getByLabel(sq("workspace_case.forms.answer.final.resolve")).check();
    await Promise.all([
      staff.page.waitForURL((url) => url.pathname === new URL(workspace).pathname),
      answer.getByRole("button", { name: sq("workspace_case.forms.answer.submit") }).click(),
    ]);
    expect(await staff.page.locator(".status-tag").first().textContent()).toBe(sq("status.resolved"));

    await page.goto(`${base}${tracking}`);
    expect(await page.locator(".status-tag").first().textContent()).toBe(sr("status.resolved"));
    expect(await page.getByText("Gropa u mbush sot në mëngjes.").isVisible()).toBe(true);
    await screenshot(page, "journey-no-javascript-answer", "sr");
    expect([...citizen.problems, ...staff.problems]).toEqual([]);
  });
});
