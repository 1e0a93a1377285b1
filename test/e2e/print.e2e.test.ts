// Reports printed or saved as PDF from the browser (issue 9: "print styles good enough to save as PDF from
// a browser"), in Chromium with print media: the site's header, footer, language switch and the period form
// are left off the paper; every table fits the width of an A4 page instead of being cut at a scrolling box's
// edge; and Chromium's own "save as PDF" makes a document of it.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { launchBrowser, openPage, signIn, startApp } from "./browser.ts";

const running = await startApp();
const { base, platform } = running;

let browser: Browser;
let ministry: Awaited<ReturnType<typeof signIn>>;
let admin: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  browser = await launchBrowser();
  ministry = await signIn(browser, base, "ministria");
  admin = await signIn(browser, base, "admin.prishtine");
});
afterAll(async () => {
  await browser?.close();
  await platform.close();
});

/** An A4 sheet less Chromium's default margins of 1 cm on each side, in CSS pixels (96 per inch). */
const A4_CONTENT_WIDTH = Math.floor(((210 - 20) / 25.4) * 96);

describe("a report on paper", () => {
  for (const [path, who] of [
    ["/reports/national/2026", "ministria"],
    ["/reports/m/prishtine/2026-q4", "admin.prishtine"],
  ] as const) {
    it(`${path} prints without the site's frame and forms, every table within the page`, async () => {
      const { page, context } = await openPage(browser, base, "en", {
        storageState: who === "ministria" ? ministry : admin,
        width: A4_CONTENT_WIDTH,
      });
      onTestFinished(() => context.close());
      const res = await page.goto(`${base}${path}`);
      expect(res?.status()).toBe(200);
      expect(await page.locator("main table").count()).toBeGreaterThan(0);
      expect(await page.isVisible(".site-header")).toBe(true);

      await page.emulateMedia({ media: "print" });
      for (const hidden of [".site-header", ".site-footer", ".language-switch", "main form"])
        expect(await page.locator(hidden).first().isVisible(), hidden).toBe(false);
      expect(await page.isVisible("main h1")).toBe(true);
      // Nothing wider than the sheet: a table cut at its scrolling box's edge loses columns on paper.
      const widest = await page.evaluate(() =>
        Math.max(...[...document.querySelectorAll("main table")].map((t) => t.getBoundingClientRect().right)),
      );
      expect(widest).toBeLessThanOrEqual(page.viewportSize()!.width);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        page.viewportSize()!.width,
      );

      const pdf = await page.pdf({
        format: "A4",
        margin: { top: "1cm", bottom: "1cm", left: "1cm", right: "1cm" },
      });
      expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      expect(pdf.length).toBeGreaterThan(10_000);
    });
  }
});
