// The public statistics pages: a municipality's and the national figures for a period, with charts and their
// data as tables and CSV; small counts shown as "<5"; all municipalities side by side, sortable; and every
// impossible period answered with a message in the page's language, never a 500. Cases are submitted and
// answered through the real commands and counted by the real statistics pass.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/access/policy.ts";
import { actOnCase } from "../../src/cases/commands/staffAction.ts";
import { type SubmitCaseInput, submitCase } from "../../src/cases/commands/submitCase.ts";
import { consultations, municipalities, users } from "../../src/db/schema.ts";
import { loadActor } from "../../src/identity/actor.ts";
import { runStatsPass } from "../../src/stats/aggregator.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
let n = 0;
const db = () => p.deps.database.db;

/** Submits a case as a visitor at the clock's time and answers its tracking code. */
async function make(input: Partial<SubmitCaseInput>): Promise<string> {
  const issue = input.type === undefined || input.type === "issue_report";
  const made = await submitCase(
    {
      municipality: "prishtine",
      type: "issue_report",
      category: "potholes",
      answers: {},
      title: "Gropë në rrugë",
      description: "Një gropë e thellë para shkollës.",
      ...(issue ? { address: "Rruga B 12" } : {}),
      contact: { showName: false },
      language: "sq",
      channel: "web",
      idempotencyKey: `stats-pages-${n++}`,
      ...input,
    } as SubmitCaseInput,
    {
      db: db(),
      now: p.clock.now(),
      calendar: p.deps.calendar,
      bounds: p.deps.profile.bounds,
      baseUrl: "http://x",
      poke: () => {},
      actor: { kind: "visitor" },
    },
  );
  if (!made.ok) throw new Error(`setup failed: ${made.reason}`);
  return made.trackingCode;
}

async function actorOf(local: string): Promise<Actor> {
  const [u] = await db()
    .select()
    .from(users)
    .where(eq(users.email, `${local}@demo.ekomuna.example`));
  return loadActor(db(), u!);
}

const get = (url: string, lang = "en") => p.app.inject({ url, headers: { cookie: `lang=${lang}` } });

/** The rows of the table with this caption: each row's cells as text, without markup. */
function tableRows(html: string, caption: string): string[][] {
  const start = html.indexOf(`<caption>${caption}</caption>`);
  if (start < 0) throw new Error(`no table "${caption}"`);
  const table = html.slice(start, html.indexOf("</table>", start));
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      cell[1]!
        .replace(/<span role="img" aria-label="[^"]*">–<\/span>/g, "–")
        .replace(/<[^>]+>/g, "")
        .replace(/&lt;/g, "<")
        .replace(/&amp;/g, "&")
        .trim(),
    ),
  );
}

const PERIOD = "from=2025-03&to=2025-05";

beforeAll(async () => {
  // The demo's cases are all from the last forty days before now: the spring of 2025 holds only these.
  p = await createTestPlatform({ demo: true, now: "2026-11-26T10:00:00Z", env: { PAGE_CACHE_SECONDS: "5" } });
  const coordinator = await actorOf("koordinatori.prishtine");

  p.clock.set("2025-03-10T09:00:00Z");
  const potholes: string[] = [];
  for (let i = 0; i < 6; i++) potholes.push(await make({}));
  for (let i = 0; i < 2; i++) await make({ type: "request", category: "information", channel: "phone" });
  // Three of March's potholes answered the same day: within any standard.
  const staff = {
    db: db(),
    now: p.clock.now(),
    calendar: p.deps.calendar,
    actor: coordinator,
    baseUrl: "http://x",
    poke: () => {},
  };
  for (const code of potholes.slice(0, 3)) {
    for (const action of [
      { kind: "acknowledge" } as const,
      { kind: "answer", message: "E riparuam gropën.", final: true } as const,
    ]) {
      const done = await actOnCase(staff, { code, action });
      if (!done.ok) throw new Error(`setup failed: ${done.reason}`);
    }
  }

  p.clock.set("2025-04-15T09:00:00Z");
  for (let i = 0; i < 3; i++) await make({ category: "public-lighting", channel: "api" });
  for (let i = 0; i < 7; i++)
    await make({ municipality: "gjilan", type: "request", category: "information" });
  await make({ municipality: "ferizaj", type: "request", category: "information", channel: "email" });

  p.clock.set("2026-11-26T10:00:00Z");
  await runStatsPass(db(), p.deps.calendar, p.clock.now());
});
afterAll(() => p?.close());

describe("a municipality's statistics", () => {
  it("shows the period's indicators and its months, with the municipality's name in the page's language", async () => {
    const res = await get(`/m/prishtine/statistics?${PERIOD}`, "sr");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("<h1>Statistika: Priština</h1>");
    const indicators = tableRows(res.body, "Pokazatelji, mart 2025. do maj 2025.");
    expect(indicators).toContainEqual(["Primljeni podnesci", "11"]);
    const months = tableRows(res.body, "Primljeni podnesci po mesecima, mart 2025. do maj 2025.");
    expect(months.slice(1)).toEqual([
      ["mart 2025.", "8"],
      ["april 2025.", "3"],
      ["maj 2025.", "0"],
    ]);
  });

  it("charts the trends, each with a labelled SVG, its data table and its CSV link", async () => {
    const html = (await get(`/m/prishtine/statistics?${PERIOD}`)).body;
    for (const name of [
      "received",
      "answered",
      "first-response",
      "type",
      "category",
      "channel",
      "department",
    ]) {
      expect(html).toContain(`<figure class="stats-chart" id="chart-${name}">`);
      expect(html).toContain(`href="/m/prishtine/statistics?${PERIOD}&format=csv&table=${name}"`);
    }
    expect(html).toMatch(
      /<svg role="img" aria-label="Column chart: Inputs received per month, March 2025 to May 2025\./,
    );
    // Three of March's eight inputs were answered within the standard; the other five are past it.
    const answered = tableRows(html, "Share answered within the standard, per month, March 2025 to May 2025");
    expect(answered[1]).toEqual(["March 2025", "37.5%"]);
    expect(answered[3]).toEqual(["May 2025", "–"]);
  });

  it("shows counts from 1 to 4 in a breakdown as <5, without their shares, and says why", async () => {
    const html = (await get(`/m/prishtine/statistics?${PERIOD}`)).body;
    expect(tableRows(html, "Inputs by channel, March 2025 to May 2025").slice(1)).toEqual([
      ["Web", "6", "50%", "50%"],
      ["Application (API)", "<5", "–", "–"],
      ["Counter", "<5", "–", "–"],
      ["Phone", "<5", "–", "–"],
      ["Paper", "<5", "–", "–"],
      ["Email", "<5", "–", "–"],
    ]);
    const byType = tableRows(html, "Inputs by type, March 2025 to May 2025");
    expect(byType).toContainEqual(["Issue report", "9", expect.any(String), expect.any(String)]);
    expect(byType).toContainEqual(["Request", "<5", "–", "–"]);
    // The chart keeps the group, marked, with no bar; never the number itself.
    expect(html).toContain("Phone (&lt;5)</text>");
    const start = html.indexOf('<figure class="stats-chart" id="chart-channel">');
    const chart = html.slice(start, html.indexOf("</svg>", start));
    // A bar and its written value for the one channel shown, none for the five hidden (zeros beside a
    // small group are hidden too: the total less the others would tell it).
    expect(chart.match(/<path d="M[^"]*Z" fill="#0b3d91"/g)).toHaveLength(1);
    const written = chart.match(/text-anchor="start"[^>]*>[^<]*<\/text>/g) ?? [];
    expect(written.map((t) => t.replace(/.*>(.*)<.*/, "$1")).sort()).toEqual(["6"]);
    expect(html).toContain('href="/statistics/indicators#small-counts"');
  });

  it("answers 404 for a municipality that does not exist", async () => {
    expect((await get("/m/atlantis/statistics")).statusCode).toBe(404);
  });
});

describe("the national statistics", () => {
  it("adds up every municipality, and has no department breakdown", async () => {
    const html = (await get(`/statistics?${PERIOD}`)).body;
    expect(tableRows(html, "Indicators, March 2025 to May 2025")).toContainEqual(["Inputs received", "19"]);
    expect(tableRows(html, "Inputs by type, March 2025 to May 2025").slice(1, 3)).toEqual([
      ["Issue report", "9", expect.any(String), expect.any(String)],
      ["Request", "10", expect.any(String), expect.any(String)],
    ]);
    expect(html).not.toContain('id="chart-department"');
  });
});

describe("CSV downloads", () => {
  it("gives a breakdown with stable headers, plain numbers and <5", async () => {
    const res = await get(`/m/prishtine/statistics?${PERIOD}&format=csv&table=channel`, "sq");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe(
      'attachment; filename="statistics-prishtine-channel-2025-03-2025-05.csv"',
    );
    const lines = res.body
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe("code,name,received,answered_within_share,resolution_rate");
    expect(lines).toContain("web,Internet,6,0.5,0.5");
    expect(lines).toContain("phone,Telefon,<5,,");
    expect(lines).toContain("api,Aplikacion (API),<5,,");
  });

  it("downloads as a named file every time, never from the page cache without its name", async () => {
    const url = `/m/prishtine/statistics?${PERIOD}&format=csv&table=type`;
    for (let i = 0; i < 2; i++) {
      const res = await get(url);
      expect(res.headers["content-disposition"]).toBe(
        'attachment; filename="statistics-prishtine-type-2025-03-2025-05.csv"',
      );
    }
  });

  it("gives a trend month by month", async () => {
    const res = await get(`/m/prishtine/statistics?${PERIOD}&format=csv&table=received`);
    expect(res.body.replace(/^\uFEFF/, "")).toBe("month,received\r\n2025-03,8\r\n2025-04,3\r\n2025-05,0\r\n");
  });

  it("counts a municipality's consultations: held in the period, and a report overdue 30 days after closing", async () => {
    const [prizren] = await db().select().from(municipalities).where(eq(municipalities.slug, "prizren"));
    const text = { sq: "Plani rregullues", sr: "Regulacioni plan" };
    await db()
      .insert(consultations)
      .values({
        municipalityId: prizren!.id,
        kind: "urban_plan",
        title: text,
        summary: text,
        opensOn: "2025-03-10",
        closesOn: "2025-03-31",
        publishedAt: new Date("2025-03-01T09:00:00Z"),
      });
    const res = await get(`/m/prizren/statistics?${PERIOD}&format=csv&table=consultations`);
    expect(res.statusCode).toBe(200);
    expect(
      res.body
        .replace(/^\uFEFF/, "")
        .trimEnd()
        .split("\r\n"),
    ).toEqual([
      "figure,name,value",
      "held,Consultations held,1",
      "comments,Comments received,0",
      "with_disposition,Comments with the municipality's disposition,0",
      "reports_published,Reports published,0",
      "reports_overdue,Reports overdue (more than 30 days after closing),1",
    ]);
    const page = await get(`/m/prizren/statistics?${PERIOD}`);
    expect(page.body).toContain("<caption>Public consultations, March 2025 to May 2025</caption>");
  });

  it("refuses a table the page does not have, and a bad period, with the reason in the page's language", async () => {
    const national = await get(`/statistics?${PERIOD}&format=csv&table=department`);
    expect(national.statusCode).toBe(400);
    expect(national.body).toContain("There is no such table to download on this page");
    const badPeriod = await get("/statistics?from=2025-13&format=csv&table=received", "sq");
    expect(badPeriod.statusCode).toBe(400);
    expect(badPeriod.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(badPeriod.body).toBe("Muaji i parë duhet të jetë një muaj nga 01 deri në 12\n");
  });
});

describe("all municipalities side by side", () => {
  const slugs = (html: string) =>
    [...html.matchAll(/<th scope="row"><a href="\/m\/([a-z-]+)\/statistics/g)].map((m) => m[1]);

  it("lists every municipality, each linked to its own page for the same period", async () => {
    const html = (await get(`/statistics/municipalities?${PERIOD}`)).body;
    expect(slugs(html)).toHaveLength(38);
    expect(html).toContain(`<a href="/m/prishtine/statistics?${PERIOD}">`);
  });

  it("sorts by a chosen column either way through links, marking the sorted header with aria-sort", async () => {
    const desc = (await get(`/statistics/municipalities?${PERIOD}&sort=received&dir=desc`)).body;
    expect(slugs(desc).slice(0, 3)).toEqual(["prishtine", "gjilan", "ferizaj"]);
    expect(desc).toMatch(
      /<th scope="col" class="number" aria-sort="descending"><a href="[^"]*sort=received&dir=asc">/,
    );
    // The other columns are not sorted, and their links sort them high to low first.
    expect(desc.match(/aria-sort=/g)).toHaveLength(1);
    expect(desc).toContain(`href="/statistics/municipalities?${PERIOD}&sort=name&dir=asc"`);

    const asc = (await get(`/statistics/municipalities?${PERIOD}&sort=received&dir=asc`)).body;
    expect(slugs(asc).slice(-3)).toEqual(["ferizaj", "gjilan", "prishtine"]);
    expect(asc).toContain('aria-sort="ascending"');
    // The total row sums them all.
    expect(
      tableRows(asc, "Indicators of every municipality, March 2025 to May 2025").at(-1)?.slice(0, 2),
    ).toEqual(["All municipalities", "19"]);
  });

  it("gives the whole table as CSV in the order asked, every indicator included", async () => {
    const res = await get(`/statistics/municipalities?${PERIOD}&sort=received&dir=desc&format=csv`);
    const lines = res.body
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]!.split(",").slice(0, 4)).toEqual(["municipality", "name", "received", "acknowledged"]);
    expect(lines[0]).toContain("satisfaction_average");
    expect(lines[1]!.split(",").slice(0, 3)).toEqual(["prishtine", "Prishtinë", "11"]);
    expect(lines).toHaveLength(1 + 38 + 1);
  });

  it("refuses an unknown sort with a message at the top of the page", async () => {
    const res = await get(`/statistics/municipalities?${PERIOD}&sort=password`, "sq");
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("Tabela nuk mund të renditet ashtu");
  });
});

describe("an impossible period", () => {
  it.each([
    ["/m/prishtine/statistics?from=2026-13", "from", "The first month must be a month from 01 to 12"],
    ["/statistics?from=march", "from", "Enter the first month as a year and a month, for example 2026-01"],
    [
      "/statistics?from=2026-05&to=2025-05",
      "to",
      "The last month must be the same as the first month or later",
    ],
    ["/statistics?to=2026-12", "to", "The last month cannot be later than this month, 2026-11"],
    ["/statistics?from=1999-12&to=2000-02", "from", "The first month must be 2000-01 or later"],
    ["/statistics/municipalities?from=2010-01&to=2026-11", "to", "Choose a period of at most 10 years"],
  ])("%s answers 400 with the message at the %s field and in the summary", async (url, field, message) => {
    const res = await get(url);
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<title>Error: /);
    expect(res.body).toContain(`<a href="#field-${field}">${message}</a>`);
    expect(res.body).toContain(`<p class="error-message" id="field-${field}-error">`);
    expect(res.body).toContain(`aria-invalid="true"`);
    // No figures for a period that cannot be.
    expect(res.body).not.toContain("<figure");
  });

  it("is told in the page's language", async () => {
    const sq = await get("/m/prishtine/statistics?from=2026-13", "sq");
    expect(sq.body).toContain("Muaji i parë duhet të jetë një muaj nga 01 deri në 12");
    const sr = await get("/m/prishtine/statistics?from=2026-13", "sr");
    expect(sr.body).toContain("Prvi mesec mora biti mesec od 01 do 12");
  });

  it("never causes a 500, whatever the query string", async () => {
    for (const query of [
      "from[]=2025-01",
      "from=2025-01&from=2025-02",
      "from=%00%01",
      `from=${"9".repeat(5000)}`,
      "to=0000-01",
      "from=2025-03&to=2025-05&format=xml",
      "sort=received&dir=sideways",
    ]) {
      for (const path of ["/statistics", "/m/prishtine/statistics", "/statistics/municipalities"]) {
        const res = await get(`${path}?${query}`);
        expect(res.statusCode, `${path}?${query}`).toBeLessThan(500);
      }
    }
  });
});

describe("for visitors", () => {
  it("keeps the pages in the page cache: no cookie is set, and the second visit is not rendered again", async () => {
    const url = `/statistics?${PERIOD}&x=cache`;
    const first = await get(url);
    expect(first.statusCode).toBe(200);
    expect(first.headers["set-cookie"]).toBeUndefined();
    const hits = p.app.pageCache.hits;
    const second = await get(url);
    expect(second.body).toBe(first.body);
    expect(p.app.pageCache.hits).toBe(hits + 1);
  });

  it("explains how the indicators are counted, with the small-count rule, in every language", async () => {
    for (const [lang, heading] of [
      ["sq", "Numrat e vegjël"],
      ["sr", "Mali brojevi"],
      ["en", "Small counts"],
    ] as const) {
      const res = await get("/statistics/indicators", lang);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(`<h2 id="small-counts">${heading}</h2>`);
    }
  });
});
