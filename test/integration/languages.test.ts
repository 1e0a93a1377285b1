// Turkish and Bosnian, switched on per municipality (docs/LANGUAGES.md): which language a page is shown in,
// what the language switch offers, and the case messages in the case's language. Through app.inject().
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseAcknowledgementNotice } from "../../src/cases/emails.ts";
import { municipalities } from "../../src/db/schema.ts";
import { translator } from "../../src/kernel/i18n.ts";
import { forgetReferenceData } from "../../src/reference/referenceCache.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(() => p.close());

const get = (url: string, headers: Record<string, string> = {}) => p.app.inject({ url, headers });
const pageLang = (body: string) => /<html lang="([^"]+)">/.exec(body)?.[1];
/** The languages the switch lists, by their tags, the current one marked with a star. */
const switchLanguages = (body: string) =>
  [
    ...(/<nav class="language-switch"[\s\S]*?<\/nav>/.exec(body)?.[0] ?? "").matchAll(
      /<(a|span)[^>]* lang="([^"]+)"/g,
    ),
  ].map((m) => (m[1] === "span" ? `${m[2]}*` : m[2]));

describe("a municipality with Turkish (Prizren, by the country profile)", () => {
  it("shows its pages in Turkish to a visitor who chose Turkish, and lists Turkish in the switch", async () => {
    const res = await get("/m/prizren", { cookie: "lang=tr" });
    expect(res.statusCode).toBe(200);
    expect(pageLang(res.body)).toBe("tr");
    expect(res.body).toContain(`<h1>${translator("tr")("municipality.title", { name: "Prizren" })}</h1>`);
    expect(switchLanguages(res.body)).toEqual(["sq", "sr-Latn", "en", "tr*"]);
    expect(res.body).toContain('href="/language/sq?next=%2Fm%2Fprizren" lang="sq" hreflang="sq">Shqip</a>');
  });

  it("speaks Turkish to a browser that asks for it there, but not on a national page", async () => {
    const headers = { "accept-language": "tr-TR,tr;q=0.9,en;q=0.5" };
    expect(pageLang((await get("/m/prizren", headers)).body)).toBe("tr");
    expect(pageLang((await get("/", headers)).body)).toBe("en");
  });

  it("knows a case's municipality by its tracking code, even for a case that is not there", async () => {
    const res = await get("/cases/PRZ-2026-999999", { cookie: "lang=tr" });
    expect(res.statusCode).toBe(404);
    expect(pageLang(res.body)).toBe("tr");
    expect(res.body).toContain(translator("tr")("errors.notFound.title"));
    expect(pageLang((await get("/cases/PRI-2026-999999", { cookie: "lang=tr" })).body)).toBe("sq");
  });
});

describe("a page that does not offer the chosen language", () => {
  it("falls back from Turkish to Albanian and from Bosnian to Serbian, and offers neither", async () => {
    const turkish = await get("/", { cookie: "lang=tr" });
    expect(pageLang(turkish.body)).toBe("sq");
    expect(switchLanguages(turkish.body)).toEqual(["sq*", "sr-Latn", "en"]);
    const bosnian = await get("/m/prishtine", { cookie: "lang=bs", "accept-language": "en" });
    expect(pageLang(bosnian.body)).toBe("sr-Latn");
    expect(switchLanguages(bosnian.body)).toEqual(["sq", "sr-Latn*", "en"]);
  });

  it("keeps the choice: choosing Bosnian sets the cookie, whatever page it returns to", async () => {
    const res = await get("/language/bs?next=%2F");
    expect(res.statusCode).toBe(303);
    expect(String(res.headers["set-cookie"])).toMatch(
      /^lang=bs; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/,
    );
  });
});

describe("a municipality that switches Bosnian on", () => {
  it("shows its pages in Bosnian from then on, with its name in the Serbian form", async () => {
    const { db } = p.deps.database;
    expect(pageLang((await get("/m/dragash", { cookie: "lang=bs" })).body)).toBe("sr-Latn");
    await db
      .update(municipalities)
      .set({ languages: ["sq", "sr", "en", "bs"] })
      .where(eq(municipalities.slug, "dragash"));
    forgetReferenceData(db);
    const res = await get("/m/dragash", { cookie: "lang=bs" });
    expect(pageLang(res.body)).toBe("bs");
    expect(res.body).toContain(`<h1>${translator("bs")("municipality.title", { name: "Dragaš" })}</h1>`);
    expect(switchLanguages(res.body)).toEqual(["sq", "sr-Latn", "en", "bs*"]);
  });
});

describe("messages about a case", () => {
  it("are written in the case's language, Turkish and Bosnian included, dates too", () => {
    const dueAt = new Date("2026-12-04T23:00:00Z");
    for (const [language, month] of [
      ["tr", "Aralık"],
      ["bs", "decembar"],
    ] as const) {
      const notice = caseAcknowledgementNotice({
        language,
        trackingCode: "PRZ-2026-000001",
        title: "Rruga",
        dueAt,
        timeZone: "Europe/Belgrade",
      });
      expect(notice.subject).toBe(
        translator(language)("emails.case_acknowledged.subject", {
          code: "PRZ-2026-000001",
          title: "Rruga",
          due: "",
        }),
      );
      expect(notice.lines.join(" ")).toContain(month);
    }
  });
});
