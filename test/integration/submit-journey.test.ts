// The submission journey end to end through the pages, as a person without JavaScript goes through it:
// one question per page, "check your answers", the confirmation; answers kept on error and between
// pages; double submits, accounts, other people's drafts and expired drafts.
import { escapeHtml } from "@kitajs/html";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseDrafts, cases, categories, categoryQuestions, outbox, users } from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { hashToken } from "../../src/identity/tokens.ts";
import { forgetReferenceData } from "../../src/reference/referenceCache.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
});
afterAll(() => p.close());

const db = () => p.deps.database.db;
const TOKEN = "[A-Za-z0-9_-]{43}";

/** A client whose pages are in English, as a visitor. */
function visitor(lang = "en") {
  const web = new WebClient(p.app);
  web.cookies.set("lang", lang);
  return web;
}

async function signedIn(local: string) {
  const web = visitor();
  const res = await web.submit("/login", { email: `${local}@demo.ekomuna.example`, password: DEMO_PASSWORD });
  expect(res.statusCode).toBe(303);
  return web;
}

/** Submits a step's form and expects to be sent on (303); answers where to. */
async function step(web: WebClient, url: string, fields: Record<string, string>) {
  const res = await web.submit(url, fields);
  expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
  return res.headers.location as string;
}

/** Starts a journey of a type in Prishtina; answers the draft's base path, /submit/<token>. */
async function start(web: WebClient, type: string) {
  const location = await step(web, "/m/prishtine/submit", { type });
  expect(location).toMatch(new RegExp(`^/submit/${TOKEN}/category$`));
  return location.replace(/\/category$/, "");
}

/** What a browser makes of an attribute value. */
const fromAttribute = (s: string) =>
  s
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

const contact = { name: "", email: "", phone: "", language: "en" };

async function countCases(key: string) {
  const [row] = await db()
    .select({ n: sql<number>`count(*)::int` })
    .from(cases)
    .where(eq(cases.idempotencyKey, key));
  return Number(row!.n);
}

describe("reporting a problem as a visitor", () => {
  it("goes through every step to a tracking code and a private link, and sends the case once", async () => {
    const web = visitor();
    const municipalityPage = await web.get("/m/prishtine");
    expect(municipalityPage.body).toContain('href="/m/prishtine/submit"');
    expect(municipalityPage.body).toContain("Report a problem or send a request");

    const first = await web.get("/m/prishtine/submit");
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain("<title>What do you want to do? – E-Komuna</title>");
    expect(first.body).toContain("including access to public documents");
    const base = await start(web, "issue_report");

    const categoryPage = await web.get(`${base}/category`);
    expect(categoryPage.body).toContain("What is the problem?");
    expect(categoryPage.body).toContain("Potholes and road damage");
    expect(categoryPage.body).toContain('<legend class="choice-group__legend">Roads, pavements and lighting');
    expect(categoryPage.body).not.toContain("Request for information"); // another type's category
    expect(categoryPage.body).toContain(`href="/m/prishtine"`); // back
    expect(await step(web, `${base}/category`, { category: "potholes" })).toBe(`${base}/details`);

    const details = await web.get(`${base}/details`);
    expect(details.body).toContain(`class="back-link" href="${base}/category"`);
    expect(details.body).toContain("At most 4,000 characters");
    expect(
      await step(web, `${base}/details`, {
        title: "Deep pothole",
        description: "In front of the school,\r\nright lane.",
      }),
    ).toBe(`${base}/location`);
    expect(await step(web, `${base}/location`, { address: "Rruga Garibaldi 12" })).toBe(`${base}/photos`);
    // Photos are optional: "Continue" with none goes on to the contact details.
    expect(await step(web, `${base}/photos`, {})).toBe(`${base}/contact`);

    const contactPage = await web.get(`${base}/contact`);
    expect(contactPage.body).toContain('id="language-en" name="language" value="en" checked');
    expect(contactPage.body).not.toMatch(/id="field-showName"[^>]*checked/);
    expect(await step(web, `${base}/contact`, { ...contact, name: "Arta", email: "arta@example.org" })).toBe(
      `${base}/check`,
    );

    // Going back keeps what was typed.
    expect((await web.get(`${base}/details`)).body).toContain('value="Deep pothole"');

    const check = await web.get(`${base}/check`);
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain("<title>Check your answers – E-Komuna</title>");
    for (const text of ["Issue report", "Potholes and road damage", "Deep pothole", "Rruga Garibaldi 12"])
      expect(check.body).toContain(text);
    expect(check.body).toContain("In front of the school,\nright lane.");
    expect(check.body).toContain(
      `<a href="${base}/details?return=check"><span>Change</span><span class="visually-hidden"> Title</span></a>`,
    );
    const csrf = check.body.match(/name="_csrf" value="([^"]+)"/)![1]!;

    const sent = await web.post(`${base}/check`, { _csrf: csrf });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`${base}/done`);
    const done = await web.get(`${base}/done`);
    expect(done.statusCode).toBe(200);
    const code = done.body.match(/class="confirmation-panel__code">(PRI-2026-\d{6})</)?.[1];
    expect(code).toBeDefined();
    const link = done.body.match(new RegExp(`href="(/track/${code}\\?token=${TOKEN})"`))?.[1];
    expect(link).toBeDefined();
    expect(done.body).toContain("Keep this link to yourself");
    expect(done.body).toContain("We have also sent the tracking code and the link to your email address.");

    const [row] = await db().select().from(cases).where(eq(cases.trackingCode, code!));
    expect(row).toMatchObject({
      type: "issue_report",
      channel: "web",
      title: "Deep pothole",
      description: "In front of the school,\nright lane.",
      address: "Rruga Garibaldi 12",
      latitude: null,
      contactName: "Arta",
      contactEmail: "arta@example.org",
      showName: false,
      language: "en",
      submitterId: null,
      idempotencyKey: hashToken(base.split("/")[2]!),
    });
    const due = new Intl.DateTimeFormat("en", { dateStyle: "full", timeZone: "Europe/Belgrade" }).format(
      new Date(row!.responseDueAt!.getTime() - 1),
    );
    expect(done.body).toContain(`The municipality will answer by ${due} at the latest.`);
    const mails = await db().select().from(outbox);
    expect(mails.some((m) => (m.payload as { to?: string }).to === "arta@example.org")).toBe(true);

    // A double click (the same form posted again) and a refresh show the same confirmation.
    const again = await web.post(`${base}/check`, { _csrf: csrf });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`${base}/done`);
    const refreshed = await web.get(`${base}/done`);
    expect(refreshed.body).toContain(code!);
    expect(refreshed.body).toContain(link!);
    expect(await countCases(row!.idempotencyKey!)).toBe(1);
    // Every step now leads to the confirmation.
    expect((await web.get(`${base}/details`)).headers.location).toBe(`${base}/done`);
  });

  it("makes one case when the check page is posted twice at the same moment, and both show the link", async () => {
    const web = visitor();
    const base = await start(web, "issue_report");
    await step(web, `${base}/category`, { category: "potholes" });
    await step(web, `${base}/details`, { title: "Two clicks", description: "Posted twice." });
    await step(web, `${base}/location`, { address: "Sheshi Nëna Terezë" });
    await step(web, `${base}/contact`, contact);
    const csrf = (await web.get(`${base}/check`)).body.match(/name="_csrf" value="([^"]+)"/)![1]!;
    const both = await Promise.all([1, 2].map(() => web.post(`${base}/check`, { _csrf: csrf })));
    expect(both.map((r) => r.statusCode)).toEqual([303, 303]);
    expect(await countCases(hashToken(base.split("/")[2]!))).toBe(1);
    const done = await web.get(`${base}/done`);
    expect(done.body).toMatch(new RegExp(`href="/track/PRI-2026-\\d{6}\\?token=${TOKEN}"`));
    expect(done.body).toContain("write down the tracking code"); // no email given
  });

  it("needs a place for an issue report, and accepts a point from the map's hidden inputs", async () => {
    const web = visitor();
    const base = await start(web, "issue_report");
    await step(web, `${base}/category`, { category: "public-lighting" });
    await step(web, `${base}/details`, { title: "Dark street", description: "No light at night." });
    const empty = await web.submit(`${base}/location`, { address: "  " });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('<a href="#field-address">Enter an address or describe the place</a>');
    const outside = await web.submit(`${base}/location`, {
      address: "",
      latitude: "44.8",
      longitude: "20.46",
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.body).toContain("This place is not in the municipality of Prishtinë");
    // A point not a number is ignored (a person cannot fix a hidden input): the place is still needed.
    expect((await web.submit(`${base}/location`, { latitude: "x", longitude: "1" })).statusCode).toBe(422);
    expect(await step(web, `${base}/location`, { latitude: "42.6629", longitude: "21.1655" })).toBe(
      `${base}/photos`,
    );
    await step(web, `${base}/contact`, contact);
    const check = await web.get(`${base}/check`);
    expect(check.body).toContain("42.66290, 21.16550");
    await web.submit(`${base}/check`, {});
    const [row] = await db()
      .select()
      .from(cases)
      .where(eq(cases.idempotencyKey, hashToken(base.split("/")[2]!)));
    expect(row).toMatchObject({ latitude: 42.6629, longitude: 21.1655, address: null });
  });
});

describe("the category's extra questions", () => {
  beforeAll(async () => {
    const [pavement] = await db().select().from(categories).where(eq(categories.code, "pavement"));
    await db()
      .insert(categoryQuestions)
      .values({
        categoryId: pavement!.id,
        questions: [
          {
            code: "surface",
            datatype: "singlevaluelist",
            required: true,
            order: 1,
            description: { sq: "Çfarë trotuari?", sr: "Kakav trotoar?", en: "What kind of pavement?" },
            values: [
              { key: "asphalt", name: { sq: "Asfalt", sr: "Asfalt", en: "Asphalt" } },
              { key: "stone", name: { sq: "Gur", sr: "Kamen", en: "Stone slabs" } },
            ],
          },
          {
            code: "width",
            datatype: "number",
            required: false,
            order: 2,
            description: { sq: "Sa metra?", sr: "Koliko metara?", en: "How many metres?" },
          },
          {
            code: "since",
            datatype: "datetime",
            required: false,
            order: 3,
            description: { sq: "Që kur?", sr: "Od kada?", en: "Since when?" },
          },
          {
            code: "hazards",
            datatype: "multivaluelist",
            required: false,
            order: 4,
            description: { sq: "Rreziqe", sr: "Opasnosti", en: "Hazards" },
            values: [
              { key: "trip", name: { sq: "Pengim", sr: "Spoticanje", en: "Tripping" } },
              { key: "wheelchair", name: { sq: "Karrige", sr: "Kolica", en: "Wheelchairs cannot pass" } },
            ],
          },
        ],
      });
    forgetReferenceData(db());
  });

  it("asks them after the category, enforces a required one at its field and sends the answers", async () => {
    const web = visitor();
    const base = await start(web, "issue_report");
    expect(await step(web, `${base}/category`, { category: "pavement" })).toBe(`${base}/questions`);
    const page = await web.get(`${base}/questions`);
    expect(page.body).toContain("What kind of pavement?");
    expect(page.body).toContain("How many metres? (optional)");
    expect(page.body).toContain('inputmode="decimal"');
    expect(page.body).toContain('type="date"');
    expect(page.body).toContain('type="checkbox"');
    expect(page.body).toContain(`class="back-link" href="${base}/category"`);

    const missing = await web.submit(`${base}/questions`, { "answer-width": "2,5" });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain("<title>Error: A few more questions – E-Komuna</title>");
    expect(missing.body).toContain('<a href="#field-answer-surface">Answer this question</a>');
    expect(missing.body).toMatch(
      /id="field-answer-surface-error"><span class="visually-hidden">Error:<\/span>/,
    );
    expect(missing.body).toContain('value="2,5"');
    expect((await web.submit(`${base}/questions`, { "answer-surface": "marble" })).body).toContain(
      "Choose one of the options",
    );

    expect(
      await step(web, `${base}/questions`, {
        "answer-surface": "stone",
        "answer-width": "2,5",
        "answer-hazards": "wheelchair",
      }),
    ).toBe(`${base}/details`);
    expect((await web.get(`${base}/details`)).body).toContain(`class="back-link" href="${base}/questions"`);
    await step(web, `${base}/details`, { title: "Broken slabs", description: "Loose stones." });
    await step(web, `${base}/location`, { address: "Rruga UÇK" });
    await step(web, `${base}/contact`, contact);
    const check = await web.get(`${base}/check`);
    expect(check.body).toContain("Stone slabs");
    expect(check.body).toContain("Wheelchairs cannot pass");
    expect(check.body).toContain(`href="${base}/questions?return=check"`);
    await web.submit(`${base}/check`, {});
    const [row] = await db()
      .select()
      .from(cases)
      .where(eq(cases.idempotencyKey, hashToken(base.split("/")[2]!)));
    expect(row!.attributes).toEqual({ surface: "stone", width: 2.5, hazards: ["wheelchair"] });
  });

  it("skips them for a category without any, and drops answers that no longer apply", async () => {
    const web = visitor();
    const base = await start(web, "issue_report");
    await step(web, `${base}/category`, { category: "pavement" });
    await step(web, `${base}/questions`, { "answer-surface": "asphalt" });
    await step(web, `${base}/details`, { title: "T", description: "D" });
    await step(web, `${base}/location`, { address: "A" });
    await step(web, `${base}/contact`, contact);
    // Changing the category from "check your answers": no questions now, straight back to check.
    expect(await step(web, `${base}/category?return=check`, { category: "graffiti" })).toBe(`${base}/check`);
    const check = await web.get(`${base}/check`);
    expect(check.body).not.toContain("What kind of pavement?");
    expect((await web.get(`${base}/questions`)).headers.location).toBe(`${base}/details`);
    const [draft] = await db()
      .select()
      .from(caseDrafts)
      .where(eq(caseDrafts.id, hashToken(base.split("/")[2]!)));
    expect(draft!.data).not.toHaveProperty("answers");
    // Changing the type asks for a category of that type, then returns to check.
    expect(await step(web, `${base}/type?return=check`, { type: "feedback" })).toBe(
      `${base}/category?return=check`,
    );
    expect((await web.get(`${base}/check`)).headers.location).toBe(`${base}/category`);
    expect(await step(web, `${base}/category?return=check`, { category: "service-feedback" })).toBe(
      `${base}/check`,
    );
    expect((await web.get(`${base}/check`)).body).toContain("Feedback on a municipal service");
  });
});

describe("what is typed", () => {
  it("is kept on error, with the Error: title, the summary and the message at the field", async () => {
    const web = visitor();
    const base = await start(web, "request");
    await step(web, `${base}/category`, { category: "information" });
    const res = await web.submit(`${base}/details`, { title: "", description: "Kur hapet pishina?" });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain("<title>Error: Describe your request – E-Komuna</title>");
    expect(res.body).toContain("There is a problem");
    expect(res.body).toContain('<a href="#field-title">Enter a title</a>');
    expect(res.body).toContain(">Kur hapet pishina?</textarea>");

    const long = "a".repeat(4001);
    const tooLong = await web.submit(`${base}/details`, { title: "Pishina", description: long });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.body).toContain(
      '<a href="#field-description">The description must be 4,000 characters or fewer</a>',
    );
    expect(tooLong.body).toContain(`>${long}</textarea>`);
    expect(tooLong.body).toContain('value="Pishina"');
    const title = await web.submit(`${base}/details`, { title: "t".repeat(151), description: "x" });
    expect(title.body).toContain("The title must be 150 characters or fewer");
    // Exactly at the limits is fine; an emoji counts as one character.
    expect(
      await step(web, `${base}/details`, { title: "🚧".repeat(150), description: "b".repeat(4000) }),
    ).toBe(`${base}/location`);
  });

  it("is stored exactly and shown escaped: HTML, quotes, emoji and right-to-left marks", async () => {
    const web = visitor();
    const title = `<script>alert("x")</script> 'Gropë' & “Rupa” 🚧\u200F مرحبا \u200E`;
    const description = `<img src=x onerror="alert(1)">\n"quoted" & 'single' 👩‍👩‍👧 \u202Eevil\u202C`;
    const base = await start(web, "issue_report");
    await step(web, `${base}/category`, { category: "potholes" });
    await step(web, `${base}/details`, { title, description });
    await step(web, `${base}/location`, { address: `<b>Rruga</b> "12"` });
    await step(web, `${base}/contact`, { ...contact, name: `<i>Ana</i>` });
    const check = await web.get(`${base}/check`);
    expect(check.body).toContain(escapeHtml(title));
    expect(check.body).toContain(escapeHtml(description));
    expect(check.body).toContain(escapeHtml(`<b>Rruga</b> "12"`));
    expect(check.body).not.toContain("<script>alert");
    expect(check.body).not.toContain("<img src=x");
    expect(check.body).not.toContain("<i>Ana</i>");
    const details = await web.get(`${base}/details`);
    // Back on the page, the field holds exactly what was typed.
    expect(
      fromAttribute(details.body.match(/id="field-title" name="title" type="text" value="([^"]*)"/)![1]!),
    ).toBe(title);
    await web.submit(`${base}/check`, {});
    const [row] = await db()
      .select()
      .from(cases)
      .where(eq(cases.idempotencyKey, hashToken(base.split("/")[2]!)));
    expect(row!.title).toBe(title);
    expect(row!.description).toBe(description);
    expect(row!.contactName).toBe("<i>Ana</i>");
  });
});

describe("accounts", () => {
  it("asks a visitor choosing a proposal to log in, and carries on with the draft afterwards", async () => {
    const web = visitor();
    const base = await start(web, "proposal");
    const asked = await web.get(`${base}/category`);
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain("You need an account to send this");
    const login = `/login?next=${encodeURIComponent(`${base}/category`)}`;
    expect(asked.body).toContain(`href="${login.replace(/&/g, "&amp;")}"`);
    expect(asked.body).toContain('href="/register"');
    expect(asked.body).not.toContain('name="category"');
    // Nothing gets past it, not even posting a category.
    const posted = await web.postWithToken(
      `${base}/category`,
      { category: "infrastructure-proposal" },
      `${base}/type`,
    );
    expect(posted.statusCode).toBe(200);
    expect(posted.body).toContain("You need an account to send this");
    expect((await web.get(`${base}/details`)).headers.location).toBe(`${base}/category`);

    const signIn = await web.submit(login, {
      email: "lirije.shala@demo.ekomuna.example",
      password: DEMO_PASSWORD,
    });
    expect(signIn.headers.location).toBe(`${base}/category`);
    const choose = await web.get(`${base}/category`);
    expect(choose.body).toContain("Infrastructure proposal");
    await step(web, `${base}/category`, { category: "infrastructure-proposal" });
    await step(web, `${base}/details`, { title: "A bench in the park", description: "Near the fountain." });
    // The place is optional for a proposal.
    expect(await step(web, `${base}/location`, { address: "" })).toBe(`${base}/photos`);
    const contactPage = await web.get(`${base}/contact`);
    expect(contactPage.body).toContain('value="Lirije Shala"');
    expect(contactPage.body).toContain('value="lirije.shala@demo.ekomuna.example"');
    await step(web, `${base}/contact`, {
      name: "Lirije Shala",
      showName: "yes",
      email: "lirije.shala@demo.ekomuna.example",
      phone: "044 123 456",
      language: "sq",
    });
    const check = await web.get(`${base}/check`);
    expect(check.body).toContain("Name shown publicly");
    await web.submit(`${base}/check`, {});
    const [lirije] = await db()
      .select()
      .from(users)
      .where(eq(users.email, "lirije.shala@demo.ekomuna.example"));
    const [row] = await db()
      .select()
      .from(cases)
      .where(eq(cases.idempotencyKey, hashToken(base.split("/")[2]!)));
    expect(row).toMatchObject({
      type: "proposal",
      submitterId: lirije!.id,
      showName: true,
      contactPhone: "044 123 456",
      language: "sq",
    });
  });

  it("says a category that needs an account does, with a way back to choose another", async () => {
    const web = visitor();
    const base = await start(web, "request");
    const page = await web.get(`${base}/category`);
    expect(page.body).toContain("You need an account for this.");
    const res = await web.submit(`${base}/category`, { category: "social-assistance" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("For “Social assistance” the municipality needs to know who you are");
    expect(res.body).toContain(`href="${base}/category"`);
    expect((await web.get(`${base}/details`)).headers.location).toBe(`${base}/category`);
  });

  it("answers 404 for another person's draft, and for a visitor's look at a signed-in person's", async () => {
    const lirije = await signedIn("lirije.shala");
    const base = await start(lirije, "feedback");
    expect((await lirije.get(`${base}/category`)).statusCode).toBe(200);
    const [draft] = await db()
      .select()
      .from(caseDrafts)
      .where(and(eq(caseDrafts.id, hashToken(base.split("/")[2]!))));
    expect(draft!.userId).not.toBeNull();
    expect((await visitor().get(`${base}/category`)).statusCode).toBe(404);
    const stefan = await signedIn("stefan.ilic");
    expect((await stefan.get(`${base}/category`)).statusCode).toBe(404);
    const posted = await stefan.postWithToken(
      `${base}/category`,
      { category: "service-feedback" },
      "/m/prishtine/submit",
    );
    expect(posted.statusCode).toBe(404);
    expect((await visitor().get(`/submit/${"x".repeat(43)}/category`)).statusCode).toBe(404);
    expect((await visitor().get("/submit/short/check")).statusCode).toBe(404);
  });
});

describe("an expired draft", () => {
  it("explains what happened and offers to start again", async () => {
    const web = visitor();
    const base = await start(web, "issue_report");
    await step(web, `${base}/category`, { category: "potholes" });
    p.clock.advance(25 * 3600 * 1000);
    try {
      const res = await web.get(`${base}/details`);
      expect(res.statusCode).toBe(410);
      expect(res.body).toContain("Your answers have expired");
      expect(res.body).toContain("kept for 24 hours");
      expect(res.body).toContain('href="/m/prishtine/submit"');
      const posted = await web.postWithToken(`${base}/details`, { title: "t", description: "d" });
      expect(posted.statusCode).toBe(410);
    } finally {
      p.clock.advance(-25 * 3600 * 1000);
    }
  });
});

describe("the first step", () => {
  it("asks again, in the page language, when nothing is chosen", async () => {
    const web = visitor("sq");
    const res = await web.submit("/m/prishtine/submit", {});
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain("<title>Gabim: Çfarë doni të bëni? – E-Komuna</title>");
    expect(res.body).toContain('<a href="#field-type">Zgjidhni çfarë doni të bëni</a>');
    expect((await web.get("/m/no-such-place/submit")).statusCode).toBe(404);
  });
});
