// Maps in a browser: the journey's pin (click or keyboard) fills the location step's hidden inputs and
// the case stores them; the public list's map clusters its cases and links each to its page; map pages
// pass axe, show focus and fit a narrow screen; without JavaScript every page works as before. Tiles
// come from a tiny server on loopback (there is no internet in tests), one blank PNG for every tile.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { cases } from "../../src/db/schema.ts";
import { translator } from "../../src/kernel/i18n.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import {
  axeViolations,
  LANGUAGES,
  type Language,
  launchBrowser,
  openPage,
  type PageOptions,
  pageName,
  screenshot,
  tabThrough,
} from "./browser.ts";

/** A 1×1 grey PNG: Leaflet stretches it over each 256-pixel tile. */
const TILE = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADElEQVQImWN49uIRAAVoArEFunFhAAAAAElFTkSuQmCC",
  "base64",
);

let tiles: Server;
let tileOrigin: string;
let platform: TestPlatform;
let base: string;
let browser: Browser;

beforeAll(async () => {
  tiles = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "image/png", "cache-control": "max-age=3600" });
    res.end(TILE);
  });
  await new Promise<void>((resolve) => tiles.listen(0, "127.0.0.1", resolve));
  tileOrigin = `http://127.0.0.1:${(tiles.address() as AddressInfo).port}`;
  platform = await createTestPlatform({ demo: true, env: { MAP_TILE_URL: `${tileOrigin}/{z}/{x}/{y}.png` } });
  await platform.app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(platform.app.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await platform?.close();
  await new Promise((resolve) => tiles?.close(resolve));
});

/** A page in a language that closes with the test; problems (console errors, failed requests) recorded. */
async function open(lang: Language, options: PageOptions = {}) {
  const opened = await openPage(browser, base, lang, options);
  onTestFinished(() => opened.context.close());
  return opened;
}

/** The problems of a page load, leaving out tiles: a missing tile is a grey square, not a broken page. */
const problemsBesidesTiles = (problems: string[]) => problems.filter((p) => !p.includes(tileOrigin));

/** Goes through the journey in Prishtina to the location step of a pothole report titled `title`. */
async function toLocationStep(page: Page, title: string) {
  await page.goto(`${base}/m/prishtine/submit`);
  await page.check("input[name=type][value=issue_report]");
  await page.click("main form button.button--primary");
  await page.check("input[name=category][value=potholes]");
  await page.click("main form button.button--primary");
  await page.fill("#field-title", title);
  await page.fill("#field-description", "Gropë e thellë në mes të rrugës.");
  await page.click("main form button.button--primary");
  await page.waitForURL(/\/location$/);
}

/** Sends the journey on from the step after the location to its confirmation, with the defaults. */
async function finishJourney(page: Page) {
  for (let i = 0; i < 8 && !/\/done$/.test(page.url()); i++) {
    const before = page.url();
    await Promise.all([
      page.waitForURL((url) => url.href !== before),
      page.locator("main form button.button--primary").last().click(),
    ]);
  }
  expect(page.url()).toMatch(/\/done$/);
}

const hidden = (page: Page) =>
  Promise.all([page.inputValue("input[name=latitude]"), page.inputValue("input[name=longitude]")]);

describe("the journey's pin", () => {
  it("is placed by a click, fills the hidden inputs, and the case stores the point", async () => {
    const { page, problems } = await open("sq");
    const title = "Gropë e shënuar me klikim";
    await toLocationStep(page, title);
    const map = page.locator(".map--pin");
    await expect.poll(() => map.isVisible()).toBe(true);
    expect(await hidden(page)).toEqual(["", ""]);
    expect(await page.locator(".map-block__status").textContent()).toBe(translator("sq")("map.pin.none"));

    // Up and to the left of the centre (the municipality's seat), away from the demo cases.
    const box = (await map.boundingBox())!;
    await map.click({ position: { x: box.width / 2 - 60, y: box.height / 2 - 40 } });
    const [latitude, longitude] = await hidden(page);
    expect(Number(latitude)).toBeGreaterThan(42.6629);
    expect(Number(longitude)).toBeLessThan(21.1655);
    expect(Math.abs(Number(latitude) - 42.6629)).toBeLessThan(0.02);
    expect(await page.locator(".map-block__status").textContent()).toBe(
      `Shenja u vendos në ${Number(latitude).toFixed(5)}, ${Number(longitude).toFixed(5)}.`,
    );
    expect(await page.locator(".map-marker--pin").count()).toBe(1);

    await Promise.all([
      page.waitForURL((url) => !url.pathname.endsWith("/location")),
      page.click("main form button.button--primary"),
    ]);
    await finishJourney(page);
    const [stored] = await platform.deps.database.db
      .select({ latitude: cases.latitude, longitude: cases.longitude, address: cases.address })
      .from(cases)
      .where(eq(cases.title, title));
    expect(stored).toEqual({ latitude: Number(latitude), longitude: Number(longitude), address: null });
    expect(problemsBesidesTiles(problems)).toEqual([]);
  });

  it("is placed at the centre with Enter on the focused map, moved with the arrow keys, and removed", async () => {
    const { page } = await open("en");
    await toLocationStep(page, "Pothole marked with the keyboard");
    const map = page.locator(".map--pin");
    await expect.poll(() => map.isVisible()).toBe(true);
    // The map is reached with Tab from the address field, named by its heading and described by its hint.
    await page.focus("#field-address");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.classList.contains("map--pin"))).toBe(true);
    expect(await map.getAttribute("aria-labelledby")).toBe("pin-map-heading");
    expect(await page.textContent("#pin-map-heading")).toBe("Or mark the place on the map");

    await page.keyboard.press("Enter");
    const [atSeat] = await hidden(page);
    expect(Number(atSeat)).toBeCloseTo(42.6629, 3);
    await page.keyboard.press("ArrowUp");
    await page.waitForTimeout(400); // the pan's animation
    await page.keyboard.press("Enter");
    const [north, east] = await hidden(page);
    expect(Number(north)).toBeGreaterThan(Number(atSeat));
    expect(Number(east)).toBeCloseTo(21.1655, 3);
    expect(await page.locator("[role=status].map-block__status").textContent()).toMatch(
      /^Pin placed at 42\.\d{5}, 21\.\d{5}\.$/,
    );

    await page.getByRole("button", { name: "Remove the pin" }).click();
    expect(await hidden(page)).toEqual(["", ""]);
    expect(await page.locator(".map-marker--pin").count()).toBe(0);
    // Without a pin or an address, the step asks again, as without JavaScript.
    await page.click("main form button.button--primary");
    expect(await page.title()).toMatch(/^Error: /);
  });

  it("offers the device's location, which places the pin there", async () => {
    const { page, context } = await open("en");
    await context.grantPermissions(["geolocation"]);
    await context.setGeolocation({ latitude: 42.6489, longitude: 21.1512 });
    await toLocationStep(page, "Pothole where I stand");
    await page.getByRole("button", { name: "Use my location" }).click();
    await expect.poll(() => hidden(page)).toEqual(["42.6489", "21.1512"]);
  });
});

describe("the public map of cases", () => {
  it("groups nearby cases in clusters; a marker's popup links to its case", async () => {
    const { page, problems } = await open("en");
    await page.goto(`${base}/cases`);
    const { points } = (await (await page.request.get(`${base}/cases/map.json`)).json()) as {
      points: { trackingCode: string }[];
    };
    expect(points.length).toBeGreaterThan(5);
    await expect.poll(() => page.locator(".map-cluster").count()).toBeGreaterThan(0);
    // Every case with a location is on the map: in a cluster's count, or as its own marker.
    const clustered = (await page.locator(".map-cluster span[aria-hidden=true]").allTextContents()).map(
      Number,
    );
    const single = await page.locator(".map--cases .map-marker").count();
    expect(clustered.reduce((a, b) => a + b, 0) + single).toBe(points.length);
    expect(await page.locator(".map-block__status").textContent()).toBe(
      `Inputs on the map: ${points.length}.`,
    );
    // A cluster is a button named by its count.
    const cluster = page.locator(".map-cluster").first();
    expect(await cluster.getAttribute("role")).toBe("button");
    expect(await cluster.textContent()).toMatch(/^\d+Inputs here: \d+\. Select to zoom in\.$/);

    // Open clusters until a single marker shows, then open its popup with the keyboard.
    for (let i = 0; i < 10 && (await page.locator(".map--cases .map-marker").count()) === 0; i++) {
      await page.locator(".map-cluster").first().click();
      await page.waitForTimeout(600);
    }
    const marker = page.locator(".map--cases .map-marker").first();
    const name = await marker.getAttribute("title");
    await marker.focus();
    await page.keyboard.press("Enter");
    const link = page.locator(".map-popup a");
    await expect.poll(() => link.isVisible()).toBe(true);
    expect(name?.startsWith((await link.textContent()) ?? "-")).toBe(true);
    expect(await page.getAttribute(".leaflet-popup-close-button", "aria-label")).toBe("Close");
    const href = (await link.getAttribute("href"))!;
    expect(href).toMatch(/^\/cases\/[A-Z]{3}-\d{4}-\d{6}$/);
    expect(points.map((p) => `/cases/${p.trackingCode}`)).toContain(href);
    await Promise.all([page.waitForURL(`${base}${href}`), link.click()]);
    expect(await page.locator(".map--case").isVisible()).toBe(true);
    expect(problemsBesidesTiles(problems)).toEqual([]);
  });

  it("follows the list's filters", async () => {
    const { page } = await open("en");
    await page.goto(`${base}/cases?municipality=prizren`);
    const { points } = (await (
      await page.request.get(`${base}/cases/map.json?municipality=prizren`)
    ).json()) as {
      points: { precision: string }[];
    };
    expect(points.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator(".map--cases .leaflet-marker-icon").count()).toBeGreaterThan(0);
    // The demo's Prizren case of a sensitive category is drawn as an approximate area, not a point.
    expect(points.some((p) => p.precision === "approximate")).toBe(true);
    expect(await page.locator(".map--cases .map-marker--approximate").count()).toBeGreaterThan(0);
  });
});

/** The pages that show a map: the list, a case with an exact and one with an approximate location. */
const MAP_PAGES = ["/cases", "/cases/PRI-2026-000001", "/cases/PRZ-2026-000001"];

describe.each(LANGUAGES)("map pages in %s", (lang) => {
  it.each(MAP_PAGES)("%s draws its map, loads cleanly and passes axe", async (path) => {
    const { page, problems } = await open(lang);
    await page.goto(base + path);
    await expect.poll(() => page.locator(".map .leaflet-tile-loaded").count()).toBeGreaterThan(0);
    await page.waitForLoadState("networkidle");
    expect(problemsBesidesTiles(problems)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `map-${pageName(path)}`, lang);
  });

  it("the location step with its pin map passes axe", async () => {
    const { page, problems } = await open(lang);
    await toLocationStep(page, "Axe");
    await expect.poll(() => page.locator(".map .leaflet-tile-loaded").count()).toBeGreaterThan(0);
    await page.locator(".map--pin").click();
    expect(problemsBesidesTiles(problems)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "map-location-step", lang);
  });
});

describe("map pages in a browser", () => {
  it.each(MAP_PAGES)("%s shows an outline or shadow on every element tabbed to", async (path) => {
    const { page } = await open("sq");
    await page.goto(base + path);
    await expect.poll(() => page.locator(".map .leaflet-marker-icon, .map path").count()).toBeGreaterThan(0);
    const stops = await tabThrough(page);
    expect(stops.some((s) => s.tag === "SECTION")).toBe(true); // the map itself
    for (const [i, stop] of stops.entries())
      expect(
        stop.outlineStyle !== "none" || stop.boxShadow !== "none",
        `Tab ${i + 1} (${stop.tag} "${stop.text}")`,
      ).toBe(true);
  });

  it.each(MAP_PAGES)("%s fits a 320px wide screen", async (path) => {
    const { page } = await open("sq", { width: 320 });
    await page.goto(base + path);
    await expect.poll(() => page.locator(".map .leaflet-tile-loaded").count()).toBeGreaterThan(0);
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(320);
  });
});

describe("without JavaScript", () => {
  it("the list filters and pages as before, with no map", async () => {
    const { page } = await open("en", { javaScriptEnabled: false });
    await page.goto(`${base}/cases`);
    expect(await page.locator(".map-block").isVisible()).toBe(false);
    expect(await page.locator("li.case-card").count()).toBeGreaterThan(0);
    await page.selectOption("#field-municipality", "prizren");
    await Promise.all([
      page.waitForURL(/municipality=prizren/),
      page.click("form.case-filters button[type=submit]"),
    ]);
    expect(await page.locator("li.case-card").count()).toBeGreaterThan(0);
    expect(await page.locator(".map-block").isVisible()).toBe(false);
  });

  it("a case page shows its location as text", async () => {
    const { page } = await open("en", { javaScriptEnabled: false });
    await page.goto(`${base}/cases/PRI-2026-000001`);
    expect(await page.locator(".map-block").isVisible()).toBe(false);
    expect(await page.locator(".coordinates").textContent()).toContain("42.65520, 21.17860");
  });

  it("the location step takes an address, and sends the case with it", async () => {
    const { page } = await open("en", { javaScriptEnabled: false });
    const title = "Pothole described in words";
    await toLocationStep(page, title);
    expect(await page.locator(".map-block").isVisible()).toBe(false);
    await page.fill("#field-address", "Rruga Garibaldi 12");
    await Promise.all([
      page.waitForURL((url) => !url.pathname.endsWith("/location")),
      page.click("main form button.button--primary"),
    ]);
    await finishJourney(page);
    const [stored] = await platform.deps.database.db
      .select({ latitude: cases.latitude, address: cases.address })
      .from(cases)
      .where(eq(cases.title, title));
    expect(stored).toEqual({ latitude: null, address: "Rruga Garibaldi 12" });
  });
});
