// The working-day calendar as the ministry edits it (/ministry/calendar), signed in as the demo ministry
// monitor: holidays added, renamed and removed with a reason, each written with its audit entry and shown
// in the year's history; the days observed follow the carry-over rule; the running server computes new
// deadlines with the change at once; bad input answers 422 with the form kept and changes nothing.
// Then the legal preset for requests for access to public documents (Law No. 06/L-081), as seeded.
import { and, asc, count, eq, gte, isNull, like, lte } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addHoliday } from "../../src/calendar/calendarAdmin.ts";
import { actOnCase } from "../../src/cases/commands/staffAction.ts";
import { type SubmitCaseInput, submitCase } from "../../src/cases/commands/submitCase.ts";
import { ACCESS_TO_DOCUMENTS_LAW } from "../../src/cases/sla.ts";
import {
  auditLog,
  cases,
  categories,
  holidays,
  municipalities,
  slaStandards,
  users,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { loadActor } from "../../src/identity/actor.ts";
import { loadProfile } from "../../src/reference/profile.ts";
import { seedReference } from "../../src/reference/seedReference.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
let ministry: WebClient;
const db = () => p.deps.database.db;
const C = "/ministry/calendar";
const demo = (local: string) => `${local}@demo.ekomuna.example`;

async function signIn(local: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  const res = await web.submit("/login", { email: demo(local), password: DEMO_PASSWORD });
  if (res.statusCode !== 303) throw new Error(`could not log in as ${local}`);
  return web;
}

/** The text of a page without its markup, entities decoded, for reading messages. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&#39;/g, "'")
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&gt;/g, ">")
    .replace(/&lt;/g, "<")
    .replace(/\s+/g, " ");

const holidayOn = async (date: string) =>
  (
    await db()
      .select()
      .from(holidays)
      .where(and(eq(holidays.calendar, "XK"), eq(holidays.date, date)))
  )[0];
const holidayCount = async () => (await db().select({ n: count() }).from(holidays))[0]!.n;
const calendarAudits = async () =>
  db().select().from(auditLog).where(like(auditLog.action, "holiday.%")).orderBy(asc(auditLog.id));

let n = 0;
/** A new case received now, through the command every channel uses, with the calendar the server holds. */
async function newCase(input: Partial<SubmitCaseInput> = {}) {
  const made = await submitCase(
    {
      municipality: "prishtine",
      type: "issue_report",
      category: "waste",
      answers: {},
      title: `Case ${++n}`,
      description: "Mbeturinat nuk janë mbledhur.",
      address: "Rruga B 12",
      contact: { showName: false },
      language: "sq",
      channel: "web",
      idempotencyKey: `calendar-admin-${n}`,
      ...input,
    },
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
  if (!made.ok) throw new Error(made.reason);
  return (await db().select().from(cases).where(eq(cases.trackingCode, made.trackingCode)))[0]!;
}

const addForm = (fields: Record<string, string>) => ministry.submit(C, fields, `${C}/holidays`);
const census = {
  date: "2026-11-30",
  nameSq: "Dita e Regjistrimit",
  nameSr: "Dan popisa",
  nameEn: "Census Day",
  kind: "movable",
  reason: "Vendimi i Qeverisë nr. 12/2026",
};

beforeAll(async () => {
  // Thursday 26 November 2026, 11:00 in Prishtina.
  p = await createTestPlatform({ demo: true, now: "2026-11-26T10:00:00Z" });
  ministry = await signIn("ministria");
});
afterAll(() => p.close());

describe("who may edit the calendar", () => {
  it("shows the ministry this year's holidays with the days off, and another year on asking", async () => {
    const res = await ministry.get(C);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain("calendar_admin.");
    const words = text(res.body);
    expect(words).toContain("Official holidays in 2026");
    // Europe Day 2026 falls on a Saturday: the day off is Monday 11 May.
    expect(words).toContain("Saturday, May 9, 2026 Europe Day Monday, May 11, 2026");
    expect(words).toContain("Friday, March 20, 2026 Eid al-Fitr The same day Announced each year");
    const later = text((await ministry.get(`${C}?year=2027`)).body);
    expect(later).toContain("Official holidays in 2027");
    expect(later).toContain("Saturday, May 1, 2027 Labour Day Tuesday, May 4, 2027");
    // A year the calendar does not cover shows this year's.
    expect(text((await ministry.get(`${C}?year=1999`)).body)).toContain("Official holidays in 2026");
  });

  it("answers not found to municipal staff, and sends a visitor to log in first", async () => {
    for (const local of ["zyrtari.prishtine", "admin.prishtine"]) {
      const staff = await signIn(local);
      expect((await staff.get(C)).statusCode, local).toBe(404);
      expect((await staff.get(`${C}/holidays/2026-05-09`)).statusCode, local).toBe(404);
      const posted = await staff.postWithToken(`${C}/holidays`, census, "/m/prishtine");
      expect(posted.statusCode, local).toBe(404);
    }
    expect(await holidayOn(census.date)).toBeUndefined();
    const visitor = await new WebClient(p.app).get(`${C}?year=2027`);
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe(`/login?next=${encodeURIComponent(`${C}?year=2027`)}`);
  });

  it("answers not found for a day without a holiday or a malformed one", async () => {
    expect((await ministry.get(`${C}/holidays/2026-05-08`)).statusCode).toBe(404);
    expect((await ministry.get(`${C}/holidays/not-a-date`)).statusCode).toBe(404);
    const res = await ministry.postWithToken(`${C}/holidays/2026-05-08/remove`, { removeReason: "x" }, C);
    expect(res.statusCode).toBe(404);
  });
});

describe("adding a holiday", () => {
  it("refuses a missing reason, empty names, a missing kind and a malformed date, keeping the form", async () => {
    const before = [await holidayCount(), (await calendarAudits()).length];
    const res = await addForm({ date: "2026-02-30", nameSq: "Dita", nameSr: " ", nameEn: "", reason: "" });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/<title>Error: /);
    const words = text(res.body);
    for (const message of [
      "Enter a real date as year-month-day, for example 2027-03-10",
      "Enter the name in Serbian",
      "Enter the name in English",
      "Choose whether the date is fixed or movable",
      "Enter the reason for the change",
    ])
      expect(words).toContain(message);
    expect(res.body).toContain('value="2026-02-30"');
    expect(res.body).toContain('value="Dita"');
    expect([await holidayCount(), (await calendarAudits()).length]).toEqual(before);
  });

  it("refuses a date outside the calendar's years and a date that already has a holiday", async () => {
    const outside = await addForm({ ...census, date: "2030-03-05" });
    expect(outside.statusCode).toBe(422);
    expect(text(outside.body)).toContain("Enter a date in a year the calendar covers: 2025, 2026, 2027");
    expect(outside.body).toContain(">Vendimi i Qeverisë nr. 12/2026</textarea>");
    const taken = await addForm({ ...census, date: "2026-05-09" });
    expect(taken.statusCode).toBe(422);
    expect(text(taken.body)).toContain("There is already a holiday on this date");
    expect(await calendarAudits()).toHaveLength(0);
  });

  it("adds a holiday with its audit entry, shows it in the year's history, and new deadlines skip it at once", async () => {
    // Received Thursday 26 November: the first answer to uncollected waste is due in 3 working days,
    // Friday 27, Monday 30 and Tuesday 1 December, so by the end of the 1st.
    const earlier = await newCase();
    expect(earlier.responseDueAt?.toISOString()).toBe("2026-12-01T23:00:00.000Z");

    const res = await addForm(census);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${C}?year=2026&done=added#holidays`);
    expect(await holidayOn("2026-11-30")).toMatchObject({
      observed: "2026-11-30",
      name: { sq: "Dita e Regjistrimit", sr: "Dan popisa", en: "Census Day" },
      rule: "announced",
      status: "confirmed",
    });
    const [entry] = await calendarAudits();
    const [monitor] = await db()
      .select()
      .from(users)
      .where(eq(users.email, demo("ministria")));
    expect(entry).toMatchObject({
      action: "holiday.added",
      actorId: monitor!.id,
      subjectType: "calendar",
      subjectId: "XK:2026",
      data: {
        before: null,
        after: { date: "2026-11-30", name: { en: "Census Day" } },
        reason: "Vendimi i Qeverisë nr. 12/2026",
        moved: [],
      },
    });

    // The server computes with it now: Monday 30 November is no longer a working day.
    const later = await newCase();
    expect(later.responseDueAt?.toISOString()).toBe("2026-12-02T23:00:00.000Z");
    // A due date computed before the change stays as it was given.
    expect((await db().select().from(cases).where(eq(cases.id, earlier.id)))[0]!.responseDueAt).toEqual(
      earlier.responseDueAt,
    );

    const words = text((await ministry.get(res.headers.location as string)).body);
    expect(words).toContain("The holiday was added.");
    expect(words).toContain(
      "Monday, November 30, 2026 Census Day The same day Announced each year Confirmed",
    );
    expect(words).toContain(
      "Arben Krasniqi Added Census Day on Monday, November 30, 2026, day off on Monday, November 30, 2026. Vendimi i Qeverisë nr. 12/2026",
    );
  });

  it("moves another holiday's day off when the new one takes it, and says so in the history", async () => {
    const res = await addForm({
      date: "2026-05-11",
      nameSq: "Dita e Provës",
      nameSr: "Dan probe",
      nameEn: "Trial Day",
      kind: "fixed",
      reason: "Provë",
    });
    expect(res.statusCode).toBe(303);
    expect(await holidayOn("2026-05-11")).toMatchObject({ observed: "2026-05-11", rule: "fixed" });
    // Europe Day (Saturday 9 May) was carried to Monday the 11th: now to Tuesday the 12th.
    expect((await holidayOn("2026-05-09"))?.observed).toBe("2026-05-12");
    const entry = (await calendarAudits()).at(-1)!;
    expect(entry.data).toMatchObject({
      moved: [{ date: "2026-05-09", from: "2026-05-11", to: "2026-05-12", name: { en: "Europe Day" } }],
    });
    const words = text((await ministry.get(`${C}?year=2026`)).body);
    expect(words).toContain(
      "The day off for Europe Day moved from Monday, May 11, 2026 to Tuesday, May 12, 2026.",
    );
  });

  it("lets only one of two officials add the same day at the same time", async () => {
    const [monitor] = await db()
      .select()
      .from(users)
      .where(eq(users.email, demo("ministria")));
    const deps = {
      db: db(),
      now: p.clock.now(),
      calendar: { code: "XK", weekend: [0, 6] },
      actorId: monitor!.id,
    };
    const input = {
      date: "2027-06-15",
      names: { sq: "Dita A", sr: "Dan A", en: "Day A" },
      kind: "fixed" as const,
      reason: "Provë",
    };
    const results = await Promise.all([addHoliday(deps, input), addHoliday(deps, input)]);
    expect(results.map((r) => (r.ok ? "ok" : r.reason)).sort()).toEqual(["date_taken", "ok"]);
    expect(await db().select().from(holidays).where(eq(holidays.date, "2027-06-15"))).toHaveLength(1);
  });
});

describe("changing a holiday's names", () => {
  const page = `${C}/holidays/2026-11-30`;

  it("shows the holiday with its names in the form, and refuses the same names or no reason", async () => {
    const res = await ministry.get(page);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('value="Dita e Regjistrimit"');
    const same = await ministry.submit(
      page,
      { nameSq: "Dita e Regjistrimit", nameSr: "Dan popisa", nameEn: "Census Day", reason: "Asgjë" },
      page,
    );
    expect(same.statusCode).toBe(422);
    expect(text(same.body)).toContain("The names are the same as now: change at least one");
    const noReason = await ministry.submit(
      page,
      {
        nameSq: "Dita e Regjistrimit të Popullsisë",
        nameSr: "Dan popisa",
        nameEn: "Census Day",
        reason: "  ",
      },
      page,
    );
    expect(noReason.statusCode).toBe(422);
    expect(text(noReason.body)).toContain("Enter the reason for the change");
    expect(noReason.body).toContain('value="Dita e Regjistrimit të Popullsisë"');
    expect((await holidayOn("2026-11-30"))?.name.sq).toBe("Dita e Regjistrimit");
  });

  it("saves the names with the names before and after in the audit entry and the history", async () => {
    const res = await ministry.submit(
      page,
      {
        nameSq: "Dita e Regjistrimit të Popullsisë",
        nameSr: "Dan popisa stanovništva",
        nameEn: "Population Census Day",
        reason: "Emri i plotë sipas vendimit",
      },
      page,
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${page}?done=renamed`);
    expect((await holidayOn("2026-11-30"))?.name).toEqual({
      sq: "Dita e Regjistrimit të Popullsisë",
      sr: "Dan popisa stanovništva",
      en: "Population Census Day",
    });
    const entry = (await calendarAudits()).at(-1)!;
    expect(entry).toMatchObject({
      action: "holiday.renamed",
      data: {
        before: { name: { en: "Census Day" } },
        after: { name: { en: "Population Census Day" } },
        reason: "Emri i plotë sipas vendimit",
      },
    });
    expect(text((await ministry.get(res.headers.location as string)).body)).toContain(
      "The names were changed.",
    );
    expect(text((await ministry.get(C)).body)).toContain(
      "The names of the holiday of Monday, November 30, 2026 changed from Dita e Regjistrimit / Dan popisa / Census Day to Dita e Regjistrimit të Popullsisë / Dan popisa stanovništva / Population Census Day",
    );
  });
});

describe("removing a holiday", () => {
  it("needs a reason", async () => {
    const page = `${C}/holidays/2026-05-11`;
    const res = await ministry.submit(page, { removeReason: "" }, `${page}/remove`);
    expect(res.statusCode).toBe(422);
    expect(text(res.body)).toContain("Enter the reason for the change");
    expect(await holidayOn("2026-05-11")).toBeDefined();
  });

  it("removes it, gives the carried day off back, and new deadlines count the day again", async () => {
    const page = `${C}/holidays/2026-05-11`;
    const res = await ministry.submit(page, { removeReason: "E shtuar gabimisht" }, `${page}/remove`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${C}?year=2026&done=removed#history`);
    expect(await holidayOn("2026-05-11")).toBeUndefined();
    expect((await holidayOn("2026-05-09"))?.observed).toBe("2026-05-11");
    const entry = (await calendarAudits()).at(-1)!;
    expect(entry).toMatchObject({
      action: "holiday.removed",
      data: { before: { date: "2026-05-11" }, after: null, reason: "E shtuar gabimisht" },
    });
    expect(text((await ministry.get(res.headers.location as string)).body)).toContain(
      "Removed Trial Day (Monday, May 11, 2026).",
    );

    const census = `${C}/holidays/2026-11-30`;
    expect((await ministry.submit(census, { removeReason: "Anuluar" }, `${census}/remove`)).statusCode).toBe(
      303,
    );
    expect((await newCase()).responseDueAt?.toISOString()).toBe("2026-12-01T23:00:00.000Z");
  });

  it("stays as the ministry left it when the reference data is seeded again; untouched years are refreshed", async () => {
    const profile = loadProfile();
    // 2026 was edited above (a day added, then removed again, one renamed); 2025 never was.
    const edited2026 = profile.holidays.find((h) => h.date.startsWith("2026-"))!;
    const untouched2025 = profile.holidays.find((h) => h.date.startsWith("2025-"))!;
    await db()
      .delete(holidays)
      .where(and(eq(holidays.calendar, "XK"), eq(holidays.date, edited2026.date)));
    await db()
      .delete(holidays)
      .where(and(eq(holidays.calendar, "XK"), eq(holidays.date, untouched2025.date)));
    await seedReference(db(), profile);
    expect(await holidayOn("2026-05-11")).toBeUndefined();
    expect(await holidayOn(edited2026.date)).toBeUndefined();
    expect((await holidayOn(untouched2025.date))?.code).toBe(untouched2025.code);
    // Put back what this test took away, as the ministry would (the tests after it count the holidays).
    await db()
      .insert(holidays)
      .values({ ...edited2026, calendar: "XK" });
  });

  it("keeps the last holiday of a year: the calendar would no longer cover it", async () => {
    await db()
      .delete(holidays)
      .where(
        and(gte(holidays.date, "2025-01-01"), lte(holidays.date, "2025-12-31"), eq(holidays.calendar, "XK")),
      );
    await db()
      .insert(holidays)
      .values({
        calendar: "XK",
        code: "catholic-christmas",
        date: "2025-12-25",
        observed: "2025-12-25",
        name: { sq: "Krishtlindjet Katolike", sr: "Katolički Božić", en: "Catholic Christmas" },
        rule: "fixed",
        status: "law",
      });
    const page = `${C}/holidays/2025-12-25`;
    const res = await ministry.submit(page, { removeReason: "Provë" }, `${page}/remove`);
    expect(res.statusCode).toBe(422);
    expect(text(res.body)).toContain("This is the last holiday of its year");
    expect(await holidayOn("2025-12-25")).toBeDefined();
  });

  it("flags a year left without the date of a holiday announced each year (a Bajram), naming it", async () => {
    const warning = "2027 has no date yet for these holidays, whose date is announced each year.";
    expect(text((await ministry.get(`${C}?year=2027`)).body)).not.toContain(warning);
    const page = `${C}/holidays/2027-05-17`;
    const res = await ministry.submit(page, { removeReason: "Data ende e pashpallur" }, `${page}/remove`);
    expect(res.statusCode).toBe(303);
    const year = text((await ministry.get(`${C}?year=2027`)).body);
    expect(year).toContain(warning);
    expect(year).toMatch(
      /announced each year\. Until it is added, the day counts as a working day in every deadline: Eid al-Adha/,
    );
    expect(year).not.toMatch(/deadline: Eid al-Fitr/);
    // 2026 has both (its page flags 2027, the next year: see the next test).
    expect(text((await ministry.get(`${C}?year=2026`)).body)).not.toContain("2026 has no date yet");
  });

  it("flags next year's missing Bajram beyond its own page: on the calendar's default page and the dashboard", async () => {
    // The previous test removed 2027's Eid al-Adha; today is 26 November 2026, so 2027 is watched.
    const gap = "The 2027 working-day calendar has no date yet for: Eid al-Adha";
    const link = 'href="/ministry/calendar?year=2027"';
    const first = await ministry.get(C);
    expect(first.body).toContain('aria-current="page"><strong>2026</strong>');
    expect(text(first.body)).toContain(
      "2027 has no date yet for these holidays, whose date is announced each year.",
    );
    expect(text(first.body)).toContain("Open the 2027 calendar");
    const dashboard = await ministry.get("/ministry");
    expect(dashboard.statusCode).toBe(200);
    const attention = dashboard.body.match(
      /<section aria-labelledby="attention-heading"[\s\S]*?<\/section>/,
    )![0];
    expect(text(attention)).toContain(gap);
    expect(attention).toContain(link);
    // Once the date is added, the flags go everywhere.
    const added = await addForm({
      date: "2027-05-17",
      nameSq: "Kurban Bajrami",
      nameSr: "Kurban Bajram",
      nameEn: "Eid al-Adha",
      kind: "movable",
      reason: "Data u shpall",
    });
    expect(added.statusCode).toBe(303);
    expect(text((await ministry.get(C)).body)).not.toContain("has no date yet");
    expect(text((await ministry.get("/ministry")).body)).not.toContain(
      "working-day calendar has no date yet",
    );
  });
});

describe("bad input", () => {
  it("never fails: odd values and shapes are answered 422 or 404", async () => {
    const token = async () => ({
      _csrf: (await ministry.get(C)).body.match(/name="_csrf" value="([^"]+)"/)![1]!,
    });
    const long = "x".repeat(201);
    const bodies: Record<string, string>[] = [
      { date: "2026-1-5", nameSq: long, nameSr: long, nameEn: long, kind: "weekly", reason: "r" },
      { date: "<script>", kind: "", reason: "r".repeat(1001) },
      {},
    ];
    for (const body of bodies) {
      const res = await ministry.post(`${C}/holidays`, { ...(await token()), ...body });
      expect(res.statusCode).toBe(422);
    }
    // A field sent twice arrives as a list.
    const twice = await p.app.inject({
      method: "POST",
      url: `${C}/holidays`,
      headers: {
        cookie: [...ministry.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        "content-type": "application/x-www-form-urlencoded",
      },
      payload: new URLSearchParams([
        ["_csrf", (await token())._csrf],
        ["date", "2026-06-01"],
        ["date", "2026-06-02"],
        ["kind", "fixed"],
        ["kind", "movable"],
        ["reason", "r"],
      ]).toString(),
    });
    expect(twice.statusCode).toBe(422);
    const renamed = await ministry.post(`${C}/holidays/2026-05-09`, { ...(await token()), nameSq: long });
    expect(renamed.statusCode).toBe(422);
    expect(text(renamed.body)).toContain("Enter a name of at most 200 characters");
    expect(
      (await ministry.post(`${C}/holidays/9999-99-99`, { ...(await token()), ...census })).statusCode,
    ).toBe(404);
    // The forms' addresses are no pages: coming to them leads to the pages.
    expect((await ministry.get(`${C}/holidays`)).headers.location).toBe(C);
    expect((await ministry.get(`${C}/holidays/2026-05-09/remove`)).headers.location).toBe(
      `${C}/holidays/2026-05-09`,
    );
  });
});

describe("the legal preset for access to public documents (Law No. 06/L-081)", () => {
  const registered = "2026-11-26T10:00:00.000Z";

  it("is seeded: the category's own standard is 7 days, and urgent requests have 48 hours", async () => {
    const [category] = await db()
      .select()
      .from(categories)
      .where(and(eq(categories.code, "access-to-documents"), isNull(categories.municipalityId)));
    expect(category).toMatchObject({
      slaUnit: "calendar_days",
      ackWithin: 1,
      firstResponseWithin: 7,
      resolutionWithin: 7,
    });
    const rows = await db()
      .select()
      .from(slaStandards)
      .where(and(isNull(slaStandards.municipalityId), eq(slaStandards.categoryId, category!.id)));
    expect(rows.map((r) => [r.priority, r.unit, r.firstResponseWithin, r.note]).sort()).toEqual([
      [null, "calendar_days", 7, ACCESS_TO_DOCUMENTS_LAW],
      ["urgent", "hours", 48, ACCESS_TO_DOCUMENTS_LAW],
    ]);
  });

  it("gives a request a decision within 7 days, weekends counted; 48 hours once marked urgent", async () => {
    expect(p.clock.now().toISOString()).toBe(registered);
    const request = await newCase({
      type: "request",
      category: "access-to-documents",
      title: "Kopja e kontratës",
      description: "Kërkoj kopjen e kontratës për mirëmbajtjen e rrugëve.",
      address: undefined,
      contact: { showName: false, email: "arta@example.org" },
    });
    // Received Thursday 26 November: acknowledged by the end of Friday 27, decided by the end of Thursday 3 December.
    expect(request.ackDueAt?.toISOString()).toBe("2026-11-27T23:00:00.000Z");
    expect(request.responseDueAt?.toISOString()).toBe("2026-12-03T23:00:00.000Z");
    expect(request.resolutionDueAt?.toISOString()).toBe("2026-12-03T23:00:00.000Z");

    // Life or liberty at stake: the coordinator marks it urgent, and the law's 48 hours run from receipt.
    const [coordinator] = await db()
      .select()
      .from(users)
      .where(eq(users.email, demo("koordinatori.prishtine")));
    const done = await actOnCase(
      {
        db: db(),
        now: p.clock.now(),
        calendar: p.deps.calendar,
        actor: await loadActor(db(), coordinator!),
        baseUrl: "http://x",
        poke: () => {},
      },
      { code: request.trackingCode, action: { kind: "set_priority", priority: "urgent" } },
    );
    expect(done.ok).toBe(true);
    const urgent = (await db().select().from(cases).where(eq(cases.id, request.id)))[0]!;
    expect(urgent.ackDueAt?.toISOString()).toBe("2026-11-27T10:00:00.000Z");
    expect(urgent.responseDueAt?.toISOString()).toBe("2026-11-28T10:00:00.000Z");
    expect(urgent.resolutionDueAt?.toISOString()).toBe("2026-11-28T10:00:00.000Z");
  });

  it("cannot be loosened by a municipality: 7 working days are refused, 5 days are taken", async () => {
    const admin = await signIn("admin.prishtine");
    const page = "/m/prishtine/admin/standards";
    const [category] = await db()
      .select()
      .from(categories)
      .where(and(eq(categories.code, "access-to-documents"), isNull(categories.municipalityId)));
    const form = {
      category: String(category!.id),
      priority: "",
      ack: "1",
      firstResponse: "7",
      resolution: "7",
    };
    const looser = await admin.submit(page, { ...form, unit: "working_days" }, page);
    expect(looser.statusCode).toBe(422);
    expect(text(looser.body)).toContain(
      "Acknowledge: the national standard is 1 day, and working days can run past it",
    );
    const [prishtine] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
    const own = () =>
      db()
        .select()
        .from(slaStandards)
        .where(
          and(eq(slaStandards.municipalityId, prishtine!.id), eq(slaStandards.categoryId, category!.id)),
        );
    expect(await own()).toHaveLength(0);
    const tighter = await admin.submit(
      page,
      { ...form, unit: "calendar_days", firstResponse: "5", resolution: "5" },
      page,
    );
    expect(tighter.statusCode).toBe(303);
    expect(await own()).toHaveLength(1);
  });
});
