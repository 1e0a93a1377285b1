// The submitter's actions on a case's page, in Chromium: someone without an account answers the
// municipality through the private tracking link; a signed-in citizen rates the answer with the keyboard
// alone and follows the case; and the error state passes axe in every language. A proposal's support
// count follows on its page without a reload. A coordinator works the staff inbox with the keyboard alone
// (issue 5: keyboard-friendly): search, select a row, bulk-assign it.
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { Actor } from "../../src/access/policy.ts";
import { applyTransition, slaFor } from "../../src/cases/commands/applyTransition.ts";
import { submitCase } from "../../src/cases/commands/submitCase.ts";
import { cases, proposals, users } from "../../src/db/schema.ts";
import { translator } from "../../src/kernel/i18n.ts";
import {
  axeViolations,
  LANGUAGES,
  type Language,
  launchBrowser,
  openPage,
  type PageOptions,
  screenshot,
  signIn,
  startApp,
} from "./browser.ts";

const running = await startApp();
const { base, platform } = running;
const db = platform.deps.database.db;

let browser: Browser;
let lirije: Awaited<ReturnType<typeof signIn>>;
let lirijeId: string;
beforeAll(async () => {
  browser = await launchBrowser();
  lirije = await signIn(browser, base, "lirije.shala");
  const [row] = await db.select().from(users).where(eq(users.email, "lirije.shala@demo.ekomuna.example"));
  lirijeId = row!.id;
});
afterAll(async () => {
  await browser?.close();
  await platform.close();
});

type Action = Parameters<typeof applyTransition>[1]["action"];
let n = 0;

/** A pothole report by Lirije (signed in) or by someone without an account, moved through `actions`. */
async function newCase(by: "lirije" | "anonymous", type: "issue_report" | "request", actions: Action[]) {
  const actor: Actor =
    by === "anonymous"
      ? { kind: "visitor" }
      : { kind: "user", userId: lirijeId, identityLevel: "basic", roles: [] };
  const made = await submitCase(
    {
      municipality: "prishtine",
      type,
      category: type === "issue_report" ? "potholes" : "information",
      answers: {},
      title: `Gropë te shkolla ${++n}`,
      description: "Një gropë e thellë para hyrjes së shkollës.",
      address: "Rruga e Shkollës",
      contact: { showName: false },
      language: "sq",
      channel: "web",
      idempotencyKey: `case-actions-e2e-${n}`,
    },
    {
      db,
      now: platform.clock.now(),
      calendar: platform.deps.calendar,
      bounds: platform.deps.profile.bounds,
      baseUrl: base,
      poke: () => {},
      actor,
    },
  );
  if (!made.ok || !made.trackingToken) throw new Error("could not submit");
  let [kase] = await db.select().from(cases).where(eq(cases.trackingCode, made.trackingCode));
  for (const action of actions) {
    const moved = await db.transaction(async (tx) =>
      applyTransition(tx, {
        kase: kase!,
        action,
        actorId: null,
        now: platform.clock.now(),
        sla: await slaFor(db, platform.deps.calendar, kase!),
      }),
    );
    if (!moved.ok) throw new Error(`${action}: ${moved.reason}`);
    kase = moved.kase;
  }
  return { code: made.trackingCode, token: made.trackingToken };
}

/** A page in `lang` for one test (closed when it ends), signed in as Lirije when asked. */
async function pageFor(lang: Language, options: PageOptions & { asLirije?: boolean } = {}) {
  const opened = await openPage(browser, base, lang, {
    ...options,
    ...(options.asLirije ? { storageState: lirije } : {}),
  });
  onTestFinished(() => opened.context.close());
  return opened;
}

/** Presses Tab until the focused element matches `selector` (keyboard only, as a person would). */
async function tabTo(page: Page, selector: string, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe("on a case's page", () => {
  it("someone without an account answers the municipality through the tracking link", async () => {
    const t = translator("sq");
    const c = await newCase("anonymous", "request", ["acknowledge", "request_information"]);
    const { page, problems } = await pageFor("sq");
    await page.goto(`${base}/track/${c.code}?token=${c.token}`);
    expect(await page.getByText(t("caseActions.awaiting.title")).isVisible()).toBe(true);
    expect(await page.getByText(t("caseActions.clockPaused")).isVisible()).toBe(true);

    await page.getByRole("link", { name: t("caseActions.information.heading") }).click();
    await page.getByLabel(t("caseActions.information.label")).fill("Shtëpia ime është në numrin 12.");
    await Promise.all([
      page.waitForURL(/done=information_resumed/),
      page.getByRole("button", { name: t("caseActions.information.submit") }).click(),
    ]);
    // Back on the tracking page (its token in the address only as the link itself had it).
    expect(new URL(page.url()).pathname).toBe(`/track/${c.code}`);
    expect(await page.getByRole("status").textContent()).toBe(t("caseActions.done.information_resumed"));
    expect(await page.locator(".status-tag").first().textContent()).toBe(t("status.in_progress"));
    expect(await page.getByText(t("caseActions.clockPaused")).count()).toBe(0);
    expect(await page.getByText(t("caseActions.event.information_added")).isVisible()).toBe(true);
    await screenshot(page, "case-actions-information-added", "sq");
    expect(problems).toEqual([]);
  });

  it("a signed-in citizen rates the answer with the keyboard alone, sees the rating, then follows", async () => {
    const t = translator("en");
    const c = await newCase("lirije", "issue_report", ["acknowledge", "resolve"]);
    const { page, problems } = await pageFor("en", { asLirije: true });
    await page.goto(`${base}/cases/${c.code}`);

    // Tab to the first question; Space chooses "Yes". Arrow keys move within the next radio group.
    await tabTo(page, "input[name=resolved]");
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe("satisfaction");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Fixed within a week.");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      t("caseActions.rating.submit"),
    );
    await Promise.all([page.waitForURL(/done=rated/), page.keyboard.press("Enter")]);

    expect(await page.getByRole("status").textContent()).toBe(t("caseActions.done.rated"));
    const given = page.locator("section[aria-labelledby=your-rating]");
    expect(await given.getByRole("heading").textContent()).toBe(t("caseActions.rating.given.heading"));
    expect(await given.locator("dd").allTextContents()).toEqual([
      t("caseActions.rating.yes"),
      t("caseActions.rating.satisfaction.4"),
      "Fixed within a week.",
    ]);
    expect(await page.getByRole("button", { name: t("caseActions.rating.submit") }).count()).toBe(0);
    await screenshot(page, "case-actions-rated", "en");

    await Promise.all([
      page.waitForURL(/done=followed/),
      page.getByRole("button", { name: t("caseActions.follow.submit") }).click(),
    ]);
    expect(await page.getByRole("status").textContent()).toBe(t("caseActions.done.followed"));
    expect(await page.getByRole("button", { name: t("caseActions.follow.stop") }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });

  it.each(LANGUAGES)(
    "in %s, the error state passes axe, its summary takes focus and leads to the field",
    async (lang) => {
      const t = translator(lang);
      const c = await newCase("lirije", "issue_report", ["acknowledge", "resolve"]);
      const { page, problems } = await pageFor(lang, { asLirije: true, expectedStatus: 422 });
      await page.goto(`${base}/cases/${c.code}`);
      await page.getByLabel(t("caseActions.rating.comment")).fill("<b>Ende</b> aty");
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST"),
        page.getByRole("button", { name: t("caseActions.rating.submit") }).click(),
      ]);
      await page.waitForLoadState("load");
      expect(response.status()).toBe(422);
      expect(await page.title()).toMatch(new RegExp(`^${t("forms.errorPrefix")}: `));
      expect(await page.evaluate(() => document.activeElement?.classList.contains("error-summary"))).toBe(
        true,
      );
      expect(await page.getByLabel(t("caseActions.rating.comment")).inputValue()).toBe("<b>Ende</b> aty");
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, "case-actions-rating-errors", lang);

      await page.getByRole("link", { name: t("caseActions.rating.errors.resolved") }).click();
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe("resolved");
      expect(problems).toEqual([]);
    },
  );
});

describe("the staff inbox", () => {
  it("a coordinator finds a case, selects it and assigns it to a department with the keyboard alone", async () => {
    const { code } = await newCase("anonymous", "issue_report", []);
    const [title] = (
      await db.select({ title: cases.title }).from(cases).where(eq(cases.trackingCode, code))
    ).map((r) => r.title);
    const coordinator = await signIn(browser, base, "koordinatori.prishtine");
    const { page } = await pageFor("en", { storageState: coordinator });
    await page.goto(`${base}/m/prishtine/workspace`);

    // The word search: typed, then Enter sends the filters.
    await tabTo(page, "#field-q");
    await page.keyboard.type(title!);
    await Promise.all([page.waitForURL(/[?&]q=/), page.keyboard.press("Enter")]);
    expect(await page.locator("input[name=case]").count()).toBe(1);

    // The row's box, then the bulk action, the department and the button, each reached with Tab.
    await tabTo(page, "input[name=case]");
    await page.keyboard.press("Space");
    expect(await page.isChecked("input[name=case]")).toBe(true);
    const choose = async (selector: string, wanted: (value: string) => boolean) => {
      await tabTo(page, selector);
      for (let i = 0; i < 20 && !wanted(await page.inputValue(selector)); i++)
        await page.keyboard.press("ArrowDown");
      expect(wanted(await page.inputValue(selector)), selector).toBe(true);
    };
    await choose("select[name=bulkAction]", (v) => v === "assign");
    await choose("select[name=bulkDepartment]", (v) => v !== "");
    const department = Number(await page.inputValue("select[name=bulkDepartment]"));
    await tabTo(page, "form:has(select[name=bulkAction]) button[type=submit]");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);

    const [after] = await db.select().from(cases).where(eq(cases.trackingCode, code));
    expect([after!.status, after!.departmentId]).toEqual(["assigned", department]);
    await screenshot(page, "inbox-keyboard-assigned", "en");
  });
});

describe("a proposal collecting support", () => {
  it("keeps its support count current without a reload, the text and the bar", async () => {
    const t = translator("en");
    const { context, page, problems } = await openPage(browser, base, "en");
    onTestFinished(() => context.close());
    // The page asks for the count every 15 seconds: the browser's clock is moved on instead of waited for.
    await page.clock.install();
    await page.goto(`${base}/proposals/PRI-2026-000013`);
    const [proposal] = await db
      .select()
      .from(proposals)
      .where(eq(proposals.caseId, await caseIdOf("PRI-2026-000013")));
    const said = (count: number) => t("proposals.support.count", { count, threshold: proposal!.threshold });
    const text = page.locator("[data-support-count]");
    expect(await text.textContent()).toBe(said(proposal!.supportCount));

    await db
      .update(proposals)
      .set({ supportCount: proposal!.supportCount + 1 })
      .where(eq(proposals.caseId, proposal!.caseId));
    await page.clock.runFor(15_000);
    await expect.poll(() => text.textContent()).toBe(said(proposal!.supportCount + 1));
    expect(await page.locator("[data-module=proposal-support] progress").getAttribute("value")).toBe(
      String(Math.min(proposal!.supportCount + 1, proposal!.threshold)),
    );
    expect(problems).toEqual([]);
  });
});

async function caseIdOf(code: string): Promise<number> {
  const [row] = await db.select({ id: cases.id }).from(cases).where(eq(cases.trackingCode, code));
  return row!.id;
}
