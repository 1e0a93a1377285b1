// Guidance (issue 10) through its pages, on the demo: every page in every language with its text from the
// catalogs and its headings in order; the response standards as the configuration has them — a ministry
// change shows at once, a municipality's tightening on its own version only; each municipality's
// participation rules; the privacy notice's law, agency and retention periods from the configuration; the
// accessibility statement's recorded check; the leaflet's link and a QR code that encodes it; and the
// workspace guide, for staff only.
import { and, eq, isNull } from "drizzle-orm";
import QRCode from "qrcode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDateOf } from "../../src/calendar/zone.ts";
import { categories, municipalities, slaStandards } from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { readAccessibilityCheck } from "../../src/guidance/accessibilityCheck.ts";
import { QUIET_ZONE } from "../../src/guidance/qr.tsx";
import { LANGUAGES, type Language, translator } from "../../src/kernel/i18n.ts";
import { changeStandard } from "../../src/standards/commands.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

const PUBLIC_URL = "https://komuna.example.org";
let p: TestPlatform;
const db = () => p.deps.database.db;

beforeAll(async () => {
  p = await createTestPlatform({
    demo: true,
    env: { PUBLIC_URL, SESSION_IDLE_MINUTES: "90", SESSION_MAX_DAYS: "14" },
  });
});
afterAll(() => p?.close());

async function get(url: string, lang: Language = "en", web = new WebClient(p.app)) {
  web.cookies.set("lang", lang);
  return web.get(url);
}

async function signIn(local: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  const res = await web.submit("/login", { email: `${local}@demo.ekomuna.example`, password: DEMO_PASSWORD });
  if (res.statusCode !== 303) throw new Error(`could not log in as ${local}`);
  return web;
}

/** Page text without markup, entities decoded, spaces collapsed. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

/** The cells of the table row headed by `name`, as text. */
function row(html: string, name: string): string[] | undefined {
  for (const tr of html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)) {
    const cells = [...tr[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => text(c[1]!).trim());
    if (cells[0] === name) return cells;
  }
  return undefined;
}

const PAGES = [
  "/guide",
  "/m/prishtine/guide",
  "/guide/how-it-works",
  "/guide/after-you-submit",
  "/m/prishtine/guide/after-you-submit",
  "/guide/participation",
  "/m/prishtine/guide/participation",
  "/guide/faq",
  "/guide/privacy",
  "/guide/accessibility",
  "/m/prishtine/leaflet",
];

describe("the guidance pages", () => {
  it("answer in every language with all their text from the catalogs and their headings in order", async () => {
    for (const lang of LANGUAGES)
      for (const path of PAGES) {
        const res = await get(path, lang);
        expect(res.statusCode, `${path} in ${lang}`).toBe(200);
        // A key missing from a catalog would show as itself.
        expect(res.body, `${path} in ${lang}`).not.toMatch(/guidance\.[a-zA-Z]/);
        const main = res.body.slice(res.body.indexOf("<main"), res.body.indexOf("</main>"));
        const levels = [...main.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
        expect(levels[0], `${path}: first heading`).toBe(1);
        expect(
          levels.filter((l) => l === 1),
          `${path}: one h1`,
        ).toHaveLength(1);
        for (const [i, level] of levels.entries())
          if (i > 0)
            expect(level, `${path}: heading ${i + 1} skips a level`).toBeLessThanOrEqual(levels[i - 1]! + 1);
      }
  });

  it("lead from the index to a municipality's own versions; an unknown municipality is refused", async () => {
    const chosen = await get("/guide?m=prishtine");
    expect(chosen.statusCode).toBe(303);
    expect(chosen.headers.location).toBe("/m/prishtine/guide");
    const own = await get("/m/prishtine/guide");
    expect(own.body).toContain('href="/m/prishtine/guide/after-you-submit"');
    expect(own.body).toContain('href="/m/prishtine/guide/participation"');
    expect(own.body).toContain('href="/m/prishtine/leaflet"');
    const unknown = await get("/guide?m=atlantis");
    expect(unknown.statusCode).toBe(400);
    expect(text(unknown.body)).toContain(translator("en")("guidance.index.unknownMunicipality"));
    expect((await get("/m/atlantis/guide/after-you-submit")).statusCode).toBe(404);
    expect((await get("/m/atlantis/leaflet")).statusCode).toBe(404);
  });
});

describe("what happens after you submit", () => {
  const POTHOLES = "Potholes and road damage";

  it("shows the national standard in force, and a change by the ministry at once", async () => {
    const before = row((await get("/guide/after-you-submit")).body, POTHOLES);
    expect(before).toEqual([POTHOLES, "2 working days", "5 working days", "20 working days"]);
    const changed = await changeStandard(
      {
        db: db(),
        now: p.clock.now(),
        timeZone: p.deps.profile.timeZone,
        actorId: null,
      },
      {
        category: "potholes",
        priority: null,
        standard: { unit: "working_days", ackWithin: 1, firstResponseWithin: 4, resolutionWithin: 15 },
        note: null,
        reason: "Faster repairs before winter",
        appliesFrom: localDateOf(p.clock.now(), p.deps.profile.timeZone),
      },
    );
    expect(changed).toMatchObject({ ok: true, applied: true });
    const after = row((await get("/guide/after-you-submit")).body, POTHOLES);
    expect(after).toEqual([POTHOLES, "1 working day", "4 working days", "15 working days"]);
    // In Serbian, with its plural forms.
    const sr = await get("/guide/after-you-submit", "sr");
    expect(row(sr.body, "Udarne rupe na putu")?.slice(1)).toEqual([
      "1 radni dan",
      "4 radna dana",
      "15 radnih dana",
    ]);
  });

  it("shows a municipality's tightened standard on its own version, marked, and nowhere else", async () => {
    const [prishtine] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
    const [waste] = await db()
      .select()
      .from(categories)
      .where(and(eq(categories.code, "waste"), isNull(categories.municipalityId)));
    await db().insert(slaStandards).values({
      municipalityId: prishtine!.id,
      type: "issue_report",
      categoryId: waste!.id,
      unit: "working_days",
      ackWithin: 1,
      firstResponseWithin: 2,
      resolutionWithin: 4,
    });
    const own = await get("/m/prishtine/guide/after-you-submit");
    expect(row(own.body, "Uncollected waste")).toEqual([
      "Uncollected waste",
      "1 working day",
      "2 working days",
      "4 working days",
      "Tighter in Prishtinë",
    ]);
    expect(row(own.body, "Noise")?.[4]).toBe("National");
    expect(text(own.body)).toContain("made tighter by the municipality for 1 category");
    const national = ["Uncollected waste", "1 working day", "3 working days", "7 working days"];
    expect(row((await get("/guide/after-you-submit")).body, "Uncollected waste")).toEqual(national);
    const gjilan = await get("/m/gjilan/guide/after-you-submit");
    expect(row(gjilan.body, "Uncollected waste")).toEqual(national);
    expect(text(gjilan.body)).toContain("Gjilan applies the national standards.");
  });

  it("shows the shorter deadlines of a priority and the law's deadlines for public documents", async () => {
    const page = text((await get("/guide/after-you-submit")).body);
    expect(page).toContain(
      "Access to public documents : priority “Urgent”: acknowledgement within 24 hours, first response within 48 hours, resolution within 48 hours",
    );
    expect(page).toContain("The municipality decides within 7 days of registering it");
    expect(page).toContain("the decision comes within 48 hours");
    // The escalation ladder as the SLA scheduler climbs it.
    expect(page).toContain("2 working days after the deadline: the municipality's participation coordinator");
    expect(page).toContain(
      "5 working days after the deadline: the Ministry of Local Government Administration",
    );
  });
});

describe("how consultations and proposals work", () => {
  it("shows a municipality's own rules on its version, and the national ones elsewhere", async () => {
    const own = text((await get("/m/prishtine/guide/participation")).body);
    expect(own).toContain("Prishtinë has set its own rules");
    expect(own).toContain("the support of 15 people within 60 days of being published");
    expect(own).toContain("open for at least 15 days");
    const national = text((await get("/guide/participation")).body);
    expect(national).toContain("the support of 100 people within 90 days of being published");
    expect(national).toContain("15 % of the municipality's registered voters");
    const gjilan = text((await get("/m/gjilan/guide/participation")).body);
    expect(gjilan).toContain("The national rules apply in Gjilan.");
  });
});

describe("the privacy notice", () => {
  it("names who is responsible, the law and the agency, in every language", async () => {
    const en = text((await get("/guide/privacy")).body);
    expect(en).toContain("The municipality you send your input to is the controller");
    expect(en).toContain("the Ministry of Local Government Administration");
    expect(en).toContain("Law No. 06/L-082 on Protection of Personal Data");
    expect(en).toContain("Information and Privacy Agency");
    const sq = text((await get("/guide/privacy", "sq")).body);
    expect(sq).toContain("Ligji Nr. 06/L-082 për Mbrojtjen e të Dhënave Personale");
    expect(sq).toContain("Agjencia për Informim dhe Privatësi");
    const sr = text((await get("/guide/privacy", "sr")).body);
    expect(sr).toContain("Zakon br. 06/L-082 o zaštiti ličnih podataka");
    expect(sr).toContain("Agencija za informisanje i privatnost");
  });

  it("gives the retention periods the configuration and the code enforce", async () => {
    const en = text((await get("/guide/privacy")).body);
    // SESSION_IDLE_MINUTES=90 and SESSION_MAX_DAYS=14 for this platform.
    expect(en).toContain("It ends after 90 minutes without activity, and after 14 days at most");
    expect(en).toContain(
      "Valid for 30 minutes to sign in, 30 minutes to reset a password and 7 days to confirm",
    );
    expect(en).toContain("Deleted 30 days after delivery.");
    expect(en).toContain("1 day; then it is deleted with its photos.");
  });
});

describe("the accessibility statement", () => {
  it("shows the date and extent of the last recorded automated check", async () => {
    const check = readAccessibilityCheck();
    expect(check).toBeDefined();
    const day = new Date(`${check!.checkedAt}T00:00:00Z`);
    const en = text((await get("/guide/accessibility")).body);
    const long = (locale: string) =>
      new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(day);
    expect(en).toContain(`Last passed: ${long("en")}`);
    expect(en).toContain(`${check!.pages} pages were checked in`);
    expect(en).toContain("WCAG");
    const sq = text((await get("/guide/accessibility", "sq")).body);
    expect(sq).toContain(long("sq"));
  });

  it("says where to report a problem, with the live standard of that feedback category", async () => {
    const en = text((await get("/guide/accessibility")).body);
    expect(en).toContain("send it feedback in the category Website and e-services");
    expect(en).toContain("It confirms receipt within 3 working days and responds within 10 working days.");
  });
});

describe("a municipality's leaflet", () => {
  /** The dark modules of the page's QR code, read back from its path. */
  function embeddedModules(html: string): { size: number; dark: Set<string> } {
    const svg = html.match(/<svg[^>]*class="leaflet__qr"[\s\S]*?<\/svg>/)?.[0];
    if (!svg) throw new Error("no QR code on the page");
    // Only the two shapes drawn here: nothing else reaches the page.
    expect([...svg.matchAll(/<(\w+)/g)].map((m) => m[1])).toEqual(["svg", "rect", "path"]);
    const side = Number(svg.match(/viewBox="0 0 (\d+) \1"/)?.[1]);
    const d = svg.match(/<path d="([^"]*)"/)?.[1] ?? "";
    const dark = new Set<string>();
    for (const run of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
      const [x, y, n] = [Number(run[1]), Number(run[2]), Number(run[3])];
      for (let i = 0; i < n; i++) dark.add(`${y - QUIET_ZONE},${x + i - QUIET_ZONE}`);
    }
    expect(d.replace(/M(\d+) (\d+)h(\d+)v1h-\3z/g, "")).toBe("");
    return { size: side - 2 * QUIET_ZONE, dark };
  }

  it("names the municipality in the page's language and links to it", async () => {
    const sq = text((await get("/m/prishtine/leaflet", "sq")).body);
    expect(sq).toContain("Komuna Prishtinë ju përgjigjet");
    const sr = await get("/m/prishtine/leaflet", "sr");
    expect(text(sr.body)).toContain("Opština Priština vam odgovara");
    expect(sr.body).toContain(`href="${PUBLIC_URL}/m/prishtine"`);
    expect(sr.body.replace(/<[^>]+>/g, "")).toContain("komuna.example.org/m/prishtine");
  });

  it("carries a QR code that encodes the municipality's address", async () => {
    const { size, dark } = embeddedModules((await get("/m/prishtine/leaflet")).body);
    const { modules } = QRCode.create(`${PUBLIC_URL}/m/prishtine`, { errorCorrectionLevel: "M" });
    expect(size).toBe(modules.size);
    const expected = new Set<string>();
    for (let r = 0; r < modules.size; r++)
      for (let c = 0; c < modules.size; c++) if (modules.get(r, c)) expected.add(`${r},${c}`);
    expect(dark).toEqual(expected);
    // Another municipality's leaflet carries another code.
    const other = embeddedModules((await get("/m/gjilan/leaflet")).body);
    expect(other.dark).not.toEqual(expected);
  });
});

describe("the workspace guide", () => {
  it("is shown to staff, with their inbox and the numbers the system applies", async () => {
    const officer = await signIn("zyrtari.prishtine");
    const res = await officer.get("/procedures/workspace");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('href="/m/prishtine/workspace"');
    const page = text(res.body);
    expect(page).toContain("25 to a page");
    expect(page).toContain("At least 75 % of the time has passed.");
    expect(page).toContain("2 working days after the deadline: Participation coordinator");
    const procedures = await officer.get("/procedures");
    expect(procedures.body).toContain('href="/procedures/workspace"');
    expect((await (await signIn("ministria")).get("/procedures/workspace")).statusCode).toBe(200);
  });

  it("is not shown to citizens, and sends a visitor to log in", async () => {
    expect((await (await signIn("lirije.shala")).get("/procedures/workspace")).statusCode).toBe(404);
    const visitor = await get("/procedures/workspace");
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe("/login?next=%2Fprocedures%2Fworkspace");
  });
});
