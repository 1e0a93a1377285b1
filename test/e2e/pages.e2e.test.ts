// The browser suite, first shard: half of every page in every language (pageSuite.ts; the other half in
// pages-2.e2e.test.ts, run beside it), and the behaviours only a browser shows.
import { describe, expect, it, onTestFinished } from "vitest";
import { translator } from "../../src/kernel/i18n.ts";
import { axeViolations, contrastRatio, documentLang, focusedId, openPage, tabThrough } from "./browser.ts";
import { pageSuite } from "./pageSuite.ts";

const { base, samples, browser: browserOf, visitInTest } = await pageSuite(0, 2);

describe("the suite itself", () => {
  it("finds the sample of every page route, at least the home page and a municipality page", () => {
    expect(samples).toEqual(expect.arrayContaining(["/", "/m/prishtine"]));
  });

  it("reports axe violations one readable line each", async () => {
    const { context, page } = await openPage(browserOf(), base, "en");
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
