// The public list of cases: filters, full-text search, pages, bad input, and no personal data.
import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SubmitCaseInput, submitCase } from "../../src/cases/commands/submitCase.ts";
import { cases, categories, municipalities } from "../../src/db/schema.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
let n = 0;

/** Submits a case as a visitor and answers its tracking code. */
async function make(input: Partial<SubmitCaseInput> & Pick<SubmitCaseInput, "title">): Promise<string> {
  const made = await submitCase(
    {
      municipality: "gjilan",
      type: "request",
      category: "information",
      answers: {},
      description: "Një përshkrim i thjeshtë.",
      contact: { showName: false },
      language: "sq",
      channel: "web",
      idempotencyKey: `case-list-${n++}`,
      ...input,
    },
    {
      db: p.deps.database.db,
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

const get = (url: string, lang = "en") => p.app.inject({ url, headers: { cookie: `lang=${lang}` } });

/** The tracking codes of the cards on a page, in order. */
const codesOf = (html: string) =>
  [...html.matchAll(/<h3 class="case-card__title"><a href="\/cases\/([A-Z]{3}-\d{4}-\d{6,})"/g)].map(
    (m) => m[1]!,
  );

/** The public cases matching a condition, newest first, as the database has them. */
async function expected(where?: SQL) {
  const rows = await p.deps.database.db
    .select({ code: cases.trackingCode })
    .from(cases)
    .innerJoin(municipalities, eq(municipalities.id, cases.municipalityId))
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .where(and(eq(cases.visibility, "public"), where))
    .orderBy(desc(cases.receivedAt), desc(cases.id));
  return rows.map((r) => r.code);
}

/** Every code a filtered list shows, following its pages. */
async function allCodes(url: string): Promise<string[]> {
  const out: string[] = [];
  for (let page = 1; page < 20; page++) {
    const res = await get(`${url}${url.includes("?") ? "&" : "?"}page=${page}`);
    expect(res.statusCode).toBe(200);
    const codes = codesOf(res.body);
    out.push(...codes);
    if (!res.body.includes('rel="next"')) return out;
  }
  throw new Error("too many pages");
}

const code = {} as Record<
  "lighting" | "serbian" | "secret" | "shown" | "sensitive" | "xss" | "hidden" | "late" | "early",
  string
>;
const ferizaj: string[] = [];

beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
  code.lighting = await make({
    municipality: "gjilan",
    type: "issue_report",
    category: "public-lighting",
    title: "Ndriçim i dobët në rrugë",
    description: "Llambat e rrugës janë shumë të zbehta.",
    address: "Rruga e Dëshmorëve",
  });
  code.serbian = await make({
    municipality: "gracanice",
    type: "issue_report",
    category: "potholes",
    title: "Rupe na putu prema gradu",
    description: "Na putu za Priština ima mnogo rupa; ova ulica je opasna.",
    address: "Put za Prištinu",
    language: "sr",
  });
  code.secret = await make({
    title: "Orari i bibliotekës komunale",
    description: "Kur është e hapur biblioteka gjatë verës?",
    contact: {
      name: "Drita Fshehtësi",
      email: "drita.fshehtesi@example.org",
      phone: "+383 44 987 654",
      showName: false,
    },
  });
  code.shown = await make({
    title: "Orari i pishinës komunale",
    description: "Kur hapet pishina?",
    contact: { name: "Besnik Emërpublik", email: "besnik@example.org", showName: true },
  });
  code.sensitive = await make({
    municipality: "gjilan",
    type: "issue_report",
    category: "noise",
    title: "Zhurmë nga lokali natën",
    description: "Muzikë e lartë çdo natë.",
    address: "Rruga Sekrete 7",
    location: { latitude: 42.463512, longitude: 21.469871 },
  });
  code.xss = await make({ title: '<script>alert("x")</script> & <b>bold</b>' });
  code.hidden = await make({ title: "Kërkesë private zzqprivate", description: "Nuk duhet të shihet." });
  await p.deps.database.db
    .update(cases)
    .set({ visibility: "private" })
    .where(eq(cases.trackingCode, code.hidden));
  // Europe/Belgrade is UTC+1 in November: 22:30Z is late on 1 November there, 23:30Z early on the 2nd.
  code.late = await make({
    municipality: "peje",
    title: "Pranuar vonë më 1 nëntor",
    channel: "counter",
    receivedAt: new Date("2026-11-01T22:30:00Z"),
  });
  code.early = await make({
    municipality: "peje",
    title: "Pranuar herët më 2 nëntor",
    channel: "counter",
    receivedAt: new Date("2026-11-01T23:30:00Z"),
  });
  for (let i = 0; i < 45; i++)
    ferizaj.push(await make({ municipality: "ferizaj", title: `Kërkesa numër ${i + 1}` }));
}, 120_000);
afterAll(() => p.close());

describe("the public list of cases", () => {
  it("lists every public case newest first, 20 to a page, with its count", async () => {
    const all = await expected();
    const res = await get("/cases");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<h2 id="results-heading">${all.length} results</h2>`);
    expect(codesOf(res.body)).toEqual(all.slice(0, 20));
    expect(await allCodes("/cases")).toEqual(all);
  });

  it("shows each case as a card: code, title, status tag with its text, category, municipality, date", async () => {
    const res = await get(`/cases?q=${code.lighting}`);
    expect(res.body).toContain(`<a href="/cases/${code.lighting}">Ndriçim i dobët në rrugë</a>`);
    expect(res.body).toContain('<strong class="status-tag status-tag--submitted">Submitted</strong>');
    expect(res.body).toContain(`<dd class="case-card__code">${code.lighting}</dd>`);
    expect(res.body).toContain("<dd>Issue report: Public lighting</dd>");
    expect(res.body).toContain("<dd>Gjilan</dd>");
    expect(res.body).toContain('<time datetime="2026-11-26T10:00:00.000Z">November 26, 2026</time>');
  });

  it("lists merged duplicates too, their status saying so", async () => {
    const merged = await expected(eq(cases.status, "merged"));
    expect(merged.length).toBeGreaterThan(0);
    const res = await get("/cases?status=merged");
    expect(codesOf(res.body)).toEqual(merged);
    expect(res.body).toContain("Merged as a duplicate");
  });

  it("is in the page language, with municipalities sorted by name in that language", async () => {
    const res = await get("/cases", "sr");
    expect(res.body).toContain("<h1>Doprinosi građana</h1>");
    const select = res.body.slice(res.body.indexOf('id="field-municipality"'), res.body.indexOf("</select>"));
    const names = [...select.matchAll(/<option value="[a-z-]+"[^>]*>([^<]+)<\/option>/g)].map((m) => m[1]!);
    expect(names).toHaveLength(38);
    expect(names).toEqual([...names].sort(new Intl.Collator("sr-Latn").compare));
    expect(names).toContain("Đakovica");
  });
});

describe("filters", () => {
  it("by municipality", async () => {
    expect(await allCodes("/cases?municipality=prizren")).toEqual(
      await expected(eq(municipalities.slug, "prizren")),
    );
    expect(await allCodes("/cases?municipality=gracanice")).toContain(code.serbian);
    const res = await get("/cases?municipality=gracanice", "sr");
    expect(res.body).toContain('class="site-header__municipality" href="/m/gracanice">Gračanica</a>');
  });

  it("by type", async () => {
    const proposals = await expected(eq(cases.type, "proposal"));
    expect(proposals.length).toBeGreaterThan(0);
    expect(await allCodes("/cases?type=proposal")).toEqual(proposals);
  });

  it("by category", async () => {
    const lighting = await expected(eq(categories.code, "public-lighting"));
    expect(lighting.length).toBe(3);
    expect(await allCodes("/cases?category=public-lighting")).toEqual(lighting);
  });

  it("by one status or several", async () => {
    expect(await allCodes("/cases?status=resolved")).toEqual(await expected(eq(cases.status, "resolved")));
    const several = await expected(inArray(cases.status, ["acknowledged", "in_progress", "rejected"]));
    expect(several.length).toBeGreaterThanOrEqual(3);
    expect(await allCodes("/cases?status=acknowledged&status=in_progress&status=rejected")).toEqual(several);
  });

  it("by the day received, both ends included, in Kosovo's time zone", async () => {
    const peje = "/cases?municipality=peje";
    expect(await allCodes(`${peje}&from=2026-11-01&to=2026-11-01`)).toEqual([code.late]);
    expect(await allCodes(`${peje}&from=2026-11-02&to=2026-11-02`)).toEqual([code.early]);
    expect(await allCodes(`${peje}&from=2026-11-01`)).toEqual([code.early, code.late]);
    expect(await allCodes(`${peje}&to=2026-11-02`)).toEqual([code.early, code.late]);
    expect(await allCodes(`${peje}&from=2026-11-03`)).toEqual([]);
  });

  it("combined, each narrowing the others", async () => {
    const both = await expected(and(eq(municipalities.slug, "prishtine"), eq(cases.type, "issue_report")));
    const res = await allCodes("/cases?municipality=prishtine&type=issue_report");
    expect(res).toEqual(both);
    const narrower = await allCodes(
      "/cases?municipality=prishtine&type=issue_report&category=potholes&status=merged",
    );
    expect(narrower).toHaveLength(1);
    expect(both).toContain(narrower[0]);
  });

  it("keep their values in the form", async () => {
    const res = await get(
      "/cases?q=ndricim&municipality=gjilan&type=issue_report&category=public-lighting&status=submitted&status=closed&from=2026-11-01&to=2026-11-30",
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('name="q" type="search" value="ndricim"');
    expect(res.body).toContain('<option value="gjilan" selected>Gjilan</option>');
    expect(res.body).toContain('<option value="issue_report" selected>Issue report</option>');
    expect(res.body).toContain('<option value="public-lighting" selected>Public lighting</option>');
    expect(res.body).toMatch(/value="submitted" checked/);
    expect(res.body).toMatch(/value="closed" checked/);
    expect(res.body).not.toMatch(/value="resolved" checked/);
    expect(res.body).toContain('name="from" type="date" value="2026-11-01"');
    expect(codesOf(res.body)).toEqual([code.lighting]);
  });

  it("offer the categories grouped by type", async () => {
    const res = await get("/cases");
    expect(res.body).toContain('<optgroup label="Issue report">');
    expect(res.body).toContain('<optgroup label="Proposal">');
  });
});

describe("search", () => {
  it("folds accents both ways and ignores case", async () => {
    for (const q of ["ndricim", "Ndriçim", "NDRICIM", "rruge dobet"])
      expect(codesOf((await get(`/cases?q=${encodeURIComponent(q)}`)).body), q).toEqual([code.lighting]);
    const demo = await expected(eq(cases.title, "Ndriçimi publik nuk punon në Rrugën Garibaldi"));
    expect(codesOf((await get("/cases?q=ndricimi")).body)).toEqual(demo);
    expect(codesOf((await get("/cases?q=Pristina")).body)).toEqual([code.serbian]);
    expect(codesOf((await get("/cases?q=Pri%C5%A1tina")).body)).toEqual([code.serbian]);
  });

  it("matches whole words only: no stemming, no prefixes", async () => {
    // 'simple' keeps words as they are: "ndricim" is not "ndricimi", "ulicu" is not "ulica".
    expect(codesOf((await get("/cases?q=ndricimi")).body)).not.toContain(code.lighting);
    expect(codesOf((await get("/cases?q=ulica")).body)).toEqual([code.serbian]);
    expect(codesOf((await get("/cases?q=ulicu")).body)).toEqual([]);
  });

  it("understands quotes, or and minus", async () => {
    expect(codesOf((await get(`/cases?q=${encodeURIComponent('"rruge ndricim"')}`)).body)).toEqual([]);
    expect(codesOf((await get(`/cases?q=${encodeURIComponent('"dobet ne rruge"')}`)).body)).toEqual([
      code.lighting,
    ]);
    expect(codesOf((await get("/cases?q=pishines+or+bibliotekes&municipality=gjilan")).body).sort()).toEqual(
      [code.secret, code.shown].sort(),
    );
    expect(codesOf((await get("/cases?q=orari+-pishines&municipality=gjilan")).body)).toEqual([code.secret]);
  });

  it("finds a case by its tracking code, in any case of letters", async () => {
    for (const q of [code.lighting, code.lighting.toLowerCase(), ` ${code.lighting} `])
      expect(codesOf((await get(`/cases?q=${encodeURIComponent(q)}`)).body)).toEqual([code.lighting]);
    expect(codesOf((await get("/cases?q=PRI-2026-999999")).body)).toEqual([]);
  });

  it("combines with the filters", async () => {
    expect(codesOf((await get("/cases?q=ndricim&municipality=prizren")).body)).toEqual([]);
    expect(codesOf((await get(`/cases?q=${code.lighting}&status=closed`)).body)).toEqual([]);
  });
});

describe("privacy", () => {
  it("never lists a private case, by list, by word or by code", async () => {
    expect(await allCodes("/cases")).not.toContain(code.hidden);
    expect(await allCodes("/cases?municipality=gjilan")).not.toContain(code.hidden);
    expect(codesOf((await get("/cases?q=zzqprivate")).body)).toEqual([]);
    expect(codesOf((await get(`/cases?q=${code.hidden}`)).body)).toEqual([]);
    expect((await get("/cases?q=zzqprivate")).body).not.toContain("zzqprivate</a>");
  });

  it("shows no name, email or phone, whether or not the submitter chose to show the name", async () => {
    for (const url of ["/cases?municipality=gjilan", "/cases?q=orari", `/cases?q=${code.secret}`]) {
      const res = await get(url);
      expect(codesOf(res.body)).toContain(code.secret);
      for (const personal of [
        "Drita",
        "Fshehtësi",
        "drita.fshehtesi@example.org",
        "987 654",
        "Besnik",
        "besnik@example.org",
      ])
        expect(res.body).not.toContain(personal);
    }
  });

  it("shows no address or location of a case in a sensitive category", async () => {
    const res = await get("/cases?category=noise&municipality=gjilan");
    expect(codesOf(res.body)).toEqual([code.sensitive]);
    for (const where of ["Rruga Sekrete", "42.46", "21.46", "42.464"]) expect(res.body).not.toContain(where);
  });

  it("escapes HTML and script in a title", async () => {
    const res = await get(`/cases?q=${code.xss}`);
    expect(codesOf(res.body)).toEqual([code.xss]);
    expect(res.body).not.toContain("<script>alert");
    expect(res.body).not.toContain("<b>bold</b>");
    expect(res.body).toContain("&lt;script>alert(&#34;x&#34;)&lt;/script> &amp; &lt;b>bold&lt;/b>");
  });
});

describe("pages", () => {
  it("splits 45 cases into 3 pages of 20, 20 and 5, with previous, next and the current page", async () => {
    const base = "/cases?municipality=ferizaj";
    const first = await get(base);
    expect(first.body).toContain("45 results");
    expect(codesOf(first.body)).toEqual([...ferizaj].reverse().slice(0, 20));
    expect(first.body).not.toContain('rel="prev"');
    expect(first.body).toContain('<a href="/cases?municipality=ferizaj&page=2" rel="next">Next</a>');
    expect(first.body).toContain('aria-label="Page 1" aria-current="page"');

    const second = await get(`${base}&page=2`);
    expect(second.statusCode).toBe(200);
    expect(codesOf(second.body)).toEqual([...ferizaj].reverse().slice(20, 40));
    expect(second.body).toContain('<a href="/cases?municipality=ferizaj" rel="prev">Previous</a>');
    expect(second.body).toContain('<a href="/cases?municipality=ferizaj&page=3" rel="next">Next</a>');
    expect(second.body).toContain(
      '<a href="/cases?municipality=ferizaj&page=2" aria-label="Page 2" aria-current="page">2</a>',
    );
    expect(second.body).toContain('<a href="/cases?municipality=ferizaj" aria-label="Page 1">1</a>');
    expect(second.body).toContain('<a href="/cases?municipality=ferizaj&page=3" aria-label="Page 3">3</a>');
    expect(second.body).toContain("<title>Inputs from citizens, page 2 of 3 – E-Komuna</title>");

    const third = await get(`${base}&page=3`);
    expect(codesOf(third.body)).toEqual([...ferizaj].reverse().slice(40));
    expect(third.body).toContain("45 results");
    expect(third.body).not.toContain('rel="next"');
  });

  it("counts and pages a word search the same way", async () => {
    const first = await get("/cases?q=numer");
    expect(first.body).toContain("45 results");
    expect(codesOf(first.body)).toEqual([...ferizaj].reverse().slice(0, 20));
    const third = await get("/cases?q=numer&page=3");
    expect(third.body).toContain("45 results");
    expect(codesOf(third.body)).toEqual([...ferizaj].reverse().slice(40));
    const past = await get("/cases?q=numer&page=4");
    expect(past.body).toContain("45 results");
    expect(past.body).toContain("This page is past the last page of results.");
  });

  it("keeps every filter in the page links", async () => {
    const res = await get("/cases?municipality=ferizaj&status=submitted&q=numer&type=request");
    expect(res.body).toContain(
      '<a href="/cases?q=numer&municipality=ferizaj&type=request&status=submitted&page=2" rel="next">',
    );
  });

  it("says so, with a way back, past the last page", async () => {
    const res = await get("/cases?municipality=ferizaj&page=4");
    expect(res.statusCode).toBe(200);
    expect(codesOf(res.body)).toEqual([]);
    expect(res.body).toContain("This page is past the last page of results.");
    expect(res.body).toContain('<a href="/cases?municipality=ferizaj">Go to the first page</a>');
  });

  it("has an empty state with a link that clears the filters", async () => {
    const res = await get("/cases?municipality=junik");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("0 results");
    expect(res.body).toContain("No inputs match these filters.");
    expect(res.body).toContain('<a href="/cases">Clear the filters</a>');
  });

  it("counts in each language's plural forms", async () => {
    expect((await get("/cases?municipality=peje", "sr")).body).toContain("2 rezultata");
    expect((await get("/cases?municipality=peje&to=2026-11-01", "sr")).body).toContain("1 rezultat<");
    expect((await get("/cases?municipality=peje", "sq")).body).toContain("2 rezultate");
  });
});

describe("bad input", () => {
  const cases400: [string, string, string][] = [
    ["/cases?municipality=atlantis", "municipality", "Choose a municipality from the list"],
    ["/cases?type=complaint", "type", "Choose a type from the list"],
    ["/cases?category=no-such-category", "category", "Choose a category from the list"],
    ["/cases?status=submitted&status=lost", "status", "Choose statuses from the list"],
    ["/cases?from=2026-13-45", "from", "Enter the start date as a real date, like 2026-11-01"],
    ["/cases?to=2026-02-30", "to", "Enter the end date as a real date, like 2026-11-26"],
    ["/cases?from=26.11.2026", "from", "Enter the start date as a real date, like 2026-11-01"],
    ["/cases?to=9999-12-31", "to", "Enter the end date as a real date, like 2026-11-26"],
    [
      "/cases?from=2026-11-02&to=2026-11-01",
      "to",
      "The end date must be the same as or after the start date",
    ],
    [`/cases?q=${"a".repeat(201)}`, "q", "Search for 200 characters or fewer"],
    ["/cases?q=%21%21%21", "q", "Enter words or a tracking code to search for"],
    ["/cases?page=501", "form", "Only the first 500 pages of results can be shown"],
    ["/cases?page=0", "form", "The page number is not valid"],
    ["/cases?page=abc", "form", "The page number is not valid"],
    ["/cases?page=99999999999999999999", "form", "The page number is not valid"],
  ];

  it.each(cases400)(
    "%s answers 400 with the form and the message at the field",
    async (url, field, message) => {
      const res = await get(url);
      expect(res.statusCode).toBe(400);
      expect(res.headers["content-type"]).toContain("text/html");
      expect(res.body).toContain("<title>Error: Inputs from citizens – E-Komuna</title>");
      expect(res.body).toContain('class="error-summary"');
      expect(res.body).toContain(message);
      if (field !== "form") {
        expect(res.body).toContain(`id="field-${field}-error"`);
        expect(res.body).toContain(`href="#field-${field}"`);
      }
      expect(res.body).toContain('<form method="get" action="/cases"');
      expect(res.body).not.toContain("results-heading");
      expect(codesOf(res.body)).toEqual([]);
    },
  );

  it("keeps the bad values in the form, a malformed date as text", async () => {
    const res = await get("/cases?from=2026-13-45&municipality=prizren&q=rruga");
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('name="from" type="text" value="2026-13-45"');
    expect(res.body).toContain('aria-invalid="true"');
    expect(res.body).toContain('<option value="prizren" selected>Prizren</option>');
    expect(res.body).toContain('value="rruga"');
  });

  it("never answers 500, whatever the query string", async () => {
    for (const url of [
      "/cases?q=%27%3B%20drop%20table%20cases%3B--",
      "/cases?q=a%20%26%20%7C%20!%20(%20)%20%3A*",
      "/cases?q=%22unterminated",
      "/cases?q=-",
      "/cases?q=or",
      "/cases?status=",
      "/cases?municipality=&type=&category=&from=&to=&q=",
      "/cases?q[]=x",
      "/cases?page=1&page=2",
      "/cases?from=2026-11-01&from=bad",
      "/cases?q=%E0%A4%A",
      "/cases?q=abc%00def",
      "/cases?q=%ED%A0%80abc",
      "/cases?municipality=%00",
    ]) {
      const res = await get(url);
      expect([200, 400], url).toContain(res.statusCode);
    }
  });
});

describe("the municipality page", () => {
  it("links to the municipality's inputs", async () => {
    const res = await get("/m/prishtine");
    expect(res.body).toContain(
      '<a href="/cases?municipality=prishtine">See all inputs to this municipality</a>',
    );
  });
});
