// Reports (issue 9) through their pages, as the demo's ministry, municipal staff and a citizen: the periodic
// report (its indicators and its CSV, a bad period, who may read which), the pilot evaluation (created,
// checked, kept from the public as a draft, published; its distinct participants counted on made-up cases),
// and the standard operating procedures. Cases are submitted through the real command and counted by the
// real statistics pass; the demo's cases are all in the last forty days, so 2025 holds only these.
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/access/policy.ts";
import { STAFF_ROLES } from "../../src/access/roles.ts";
import { type SubmitCaseInput, submitCase } from "../../src/cases/commands/submitCase.ts";
import {
  auditLog,
  categories,
  consultations,
  municipalities,
  pilotEvaluations,
  proposals,
  users,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { translator } from "../../src/kernel/i18n.ts";
import { localized } from "../../src/kernel/localized.ts";
import { participants } from "../../src/reports/figures.ts";
import { runStatsPass } from "../../src/stats/aggregator.ts";
import { indicators } from "../../src/stats/query.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
const db = () => p.deps.database.db;
const t = translator("en");
let ministry: WebClient;
let admin: WebClient;
let officer: WebClient;
let citizen: WebClient;
let prishtine: number;
let gjilan: number;
let prishtineName: string;
const MARCH_APRIL = t("stats.period.range", { from: "March 2025", to: "April 2025" });
const people: Record<"arta" | "besa" | "cene", string> = { arta: "", besa: "", cene: "" };

async function signIn(local: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  const res = await web.submit("/login", { email: `${local}@demo.ekomuna.example`, password: DEMO_PASSWORD });
  if (res.statusCode !== 303) throw new Error(`could not log in as ${local}`);
  return web;
}

let n = 0;
/** A case received now, from a person with an account (or no one: a visitor). */
async function make(
  municipality: string,
  who: keyof typeof people | undefined,
  more: Partial<SubmitCaseInput> = {},
) {
  const actor: Actor = who
    ? { kind: "user", userId: people[who], identityLevel: "basic", roles: [] }
    : { kind: "visitor" };
  const made = await submitCase(
    {
      municipality,
      type: "issue_report",
      category: "potholes",
      answers: {},
      title: "Gropë në rrugë",
      description: "Një gropë e thellë para shkollës.",
      address: "Rruga B 12",
      contact: { showName: false },
      language: "sq",
      channel: "web",
      idempotencyKey: `reports-${n++}`,
      ...more,
    } as SubmitCaseInput,
    {
      db: db(),
      now: p.clock.now(),
      calendar: p.deps.calendar,
      bounds: p.deps.profile.bounds,
      baseUrl: "http://x",
      poke: () => {},
      actor,
    },
  );
  if (!made.ok) throw new Error(`setup failed: ${made.reason}`);
}

/** Page text without markup. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/\s+/g, " ");

/** The rows of the table with this caption: each row's cells as text. */
function tableRows(html: string, caption: string): string[][] {
  const start = html.indexOf(`<caption>${caption}</caption>`);
  if (start < 0) throw new Error(`no table "${caption}"`);
  const table = html.slice(start, html.indexOf("</table>", start));
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      text(cell[1]!.replace(/<span role="img" aria-label="[^"]*">–<\/span>/g, "–")).trim(),
    ),
  );
}

/** A CSV body's records by header (the files here have no quoted commas in their numbers). */
function csvRecords(body: string): Record<string, string>[] {
  const [head, ...lines] = body
    .replace(/^\uFEFF/, "")
    .trim()
    .split("\r\n");
  const keys = head!.split(",");
  return lines.map((line) => {
    const cells = line
      .match(/("([^"]|"")*"|[^,]*)(,|$)/g)!
      .map((c) => c.replace(/,$/, "").replace(/^"|"$/g, ""));
    return Object.fromEntries(keys.map((k, i) => [k, cells[i] ?? ""]));
  });
}

beforeAll(async () => {
  p = await createTestPlatform({ demo: true, now: "2026-11-26T10:00:00Z", env: { PAGE_CACHE_SECONDS: "0" } });
  const ms = await db().select().from(municipalities);
  prishtine = ms.find((m) => m.slug === "prishtine")!.id;
  prishtineName = localized(ms.find((m) => m.slug === "prishtine")!.name, "en");
  gjilan = ms.find((m) => m.slug === "gjilan")!.id;
  for (const name of Object.keys(people) as (keyof typeof people)[]) {
    const [u] = await db()
      .insert(users)
      .values({ email: `${name}@reports.test`, name, language: "sq" })
      .returning();
    people[name] = u!.id;
  }
  // March 2025: Arta twice and Besa in Prishtinë, with a report from someone without an account; Arta and
  // Cene in Gjilan. April: Besa again in Prishtinë.
  p.clock.set("2025-03-10T09:00:00Z");
  await make("prishtine", "arta");
  await make("prishtine", "arta", { channel: "api" });
  await make("prishtine", "besa");
  await make("prishtine", undefined);
  await make("gjilan", "arta");
  await make("gjilan", "cene");
  p.clock.set("2025-04-15T09:00:00Z");
  await make("prishtine", "besa");
  p.clock.set("2026-11-26T10:00:00Z");
  await runStatsPass(db(), p.deps.calendar, p.clock.now());
  ministry = await signIn("ministria");
  admin = await signIn("admin.prishtine");
  officer = await signIn("zyrtari.prishtine");
  citizen = await signIn("lirije.shala");
});
afterAll(() => p?.close());

describe("the periodic report", () => {
  it("gives the national yearly indicators, and the CSV has the same numbers", async () => {
    const page = await ministry.get("/reports/national/2025");
    expect(page.statusCode).toBe(200);
    const expected = await indicators(db(), { national: true }, { from: "2025-01", to: "2025-12" });
    expect(expected.received).toBe(7);

    const rows = tableRows(page.body, t("reports.report.indicatorsCaption", { period: "2025" }));
    const received = rows.find((r) => r[0] === t("stats.indicator.received"))!;
    // Indicator, 2025, 2024, change: seven inputs, none the year before.
    expect(received.slice(0, 4)).toEqual([t("stats.indicator.received"), "7", "0", "+7"]);

    const csv = await ministry.get("/reports/national/2025?format=csv");
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    const records = csvRecords(csv.body);
    const byCode = new Map(records.map((r) => [r.indicator, r]));
    expect(Object.keys(records[0]!)).toEqual([
      "indicator",
      "name",
      "value",
      "previous",
      "change",
      "national",
    ]);
    expect(byCode.get("received")).toMatchObject({ value: "7", previous: "0", change: "7", national: "7" });
    const raw = (v: number | null, share = false) =>
      v === null ? "" : String(share ? Math.round(v * 10_000) / 10_000 : Math.round(v * 100) / 100);
    expect(byCode.get("acknowledged")?.value).toBe(raw(expected.acknowledged));
    expect(byCode.get("backlog")?.value).toBe(raw(expected.backlog));
    expect(byCode.get("resolution_rate")?.value).toBe(raw(expected.resolutionRate, true));
    expect(byCode.get("escalations")?.value).toBe(raw(expected.escalations));
    // Every row of the page's indicator table is a row of the CSV, with the same figure.
    expect(rows.length - 1).toBe(18);
    for (const row of rows.slice(1)) {
      const record = records.find((r) => r.name === row[0]);
      expect(record, row[0]).toBeDefined();
      if (row[1] === "–") expect(record!.value, row[0]).toBe("");
    }
    // Consultations and proposals come in the same file.
    expect(byCode.get("consultations_held")?.value).toBe("0");
    expect(byCode.get("proposals_decided")?.value).toBe("0");
  });

  it("compares a municipality with the nation, and shows it to its own staff only", async () => {
    const page = await admin.get("/reports/m/prishtine/2025-q1");
    expect(page.statusCode).toBe(200);
    const rows = tableRows(page.body, t("reports.report.indicatorsCaption", { period: "Q1 2025" }));
    // Prishtinë's four March inputs, none in Q4 2024, and the nation's six.
    expect(rows.find((r) => r[0] === t("stats.indicator.received"))).toEqual([
      t("stats.indicator.received"),
      "4",
      "0",
      "+4",
      "6",
    ]);
    expect((await admin.get("/reports/m/gjilan/2025-q1")).statusCode).toBe(404);
    expect((await admin.get("/reports/national/2025")).statusCode).toBe(404);
    expect((await ministry.get("/reports/m/gjilan/2025-q1")).statusCode).toBe(200);
    expect((await citizen.get("/reports")).statusCode).toBe(404);
    const visitor = await p.app.inject({ url: "/reports/national/2025" });
    expect(visitor.statusCode).toBe(303);
    expect(String(visitor.headers.location)).toMatch(/^\/login\?next=/);
  });

  it("counts the consultations held and reported and the proposals answered in the period, its own only", async () => {
    // The demo's participation is Prishtinë's, in 2026: two consultations (one closed and reported) and a
    // proposal accepted. Counted here straight from their tables, over the year's local days.
    const [own] = await db()
      .select({
        held: sql<number>`count(*) filter (where ${consultations.opensOn} <= '2026-12-31' and ${consultations.closesOn} >= '2026-01-01')::int`,
        reported: sql<number>`count(*) filter (where ${consultations.reportPublishedAt} >= '2025-12-31T23:00:00Z' and ${consultations.reportPublishedAt} < '2026-12-31T23:00:00Z')::int`,
      })
      .from(consultations)
      .where(and(eq(consultations.municipalityId, prishtine), isNotNull(consultations.publishedAt)));
    const [accepted] = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(proposals)
      .where(
        and(
          eq(proposals.municipalityId, prishtine),
          eq(proposals.decision, "accepted"),
          sql`${proposals.decisionAt} >= '2025-12-31T23:00:00Z' and ${proposals.decisionAt} < '2026-12-31T23:00:00Z'`,
        ),
      );
    expect(own!.held).toBeGreaterThan(0);
    expect(own!.reported).toBeGreaterThan(0);
    expect(accepted!.n).toBeGreaterThan(0);

    const page = await admin.get("/reports/m/prishtine/2026");
    const held = tableRows(page.body, t("reports.report.consultationsCaption", { period: "2026" })).find(
      (r) => r[0] === t("stats.consultations.held"),
    );
    // 2026, 2025, change, the nation: none in 2025, and the nation's are Prishtinë's.
    expect(held).toEqual([
      t("stats.consultations.held"),
      `${own!.held}`,
      "0",
      `+${own!.held}`,
      `${own!.held}`,
    ]);
    const answered = tableRows(page.body, t("reports.report.proposalsCaption", { period: "2026" })).find(
      (r) => r[0] === t("reports.report.decision.accepted"),
    );
    expect(answered?.slice(0, 2)).toEqual([t("reports.report.decision.accepted"), `${accepted!.n}`]);

    const mine = new Map(
      csvRecords((await admin.get("/reports/m/prishtine/2026?format=csv")).body).map((r) => [r.indicator, r]),
    );
    expect(mine.get("consultations_held")).toMatchObject({ value: `${own!.held}`, national: `${own!.held}` });
    expect(mine.get("consultations_reports_published")?.value).toBe(`${own!.reported}`);
    expect(mine.get("proposals_accepted")?.value).toBe(`${accepted!.n}`);
    expect(mine.get("proposals_decided")?.value).toBe(`${accepted!.n}`);
    // Another municipality's report counts none of them, though the national column does.
    const theirs = new Map(
      csvRecords((await ministry.get("/reports/m/gjilan/2026?format=csv")).body).map((r) => [r.indicator, r]),
    );
    expect(theirs.get("consultations_held")).toMatchObject({ value: "0", national: `${own!.held}` });
    expect(theirs.get("proposals_accepted")).toMatchObject({ value: "0", national: `${accepted!.n}` });
  });

  it("answers a period that cannot be with 400 and a message, keeping what was asked", async () => {
    const quarter = await ministry.get("/reports/national/2025-q5");
    expect(quarter.statusCode).toBe(400);
    expect(text(quarter.body)).toContain(t("reports.errors.period.noSuchQuarter"));
    expect(quarter.body).toContain('value="2025-q5"');

    const future = await ministry.get("/reports/m/prishtine/2027");
    expect(future.statusCode).toBe(400);
    expect(text(future.body)).toContain(t("reports.errors.period.future", { month: "2026-11" }));

    const chosen = await ministry.get("/reports?scope=nowhere&period=2025-13");
    expect(chosen.statusCode).toBe(400);
    expect(text(chosen.body)).toContain(t("reports.errors.scope"));
    expect(text(chosen.body)).toContain(t("reports.errors.period.noSuchMonth"));

    const csv = await ministry.get("/reports/national/2025-13?format=csv");
    expect(csv.statusCode).toBe(400);
    expect(csv.body).toContain(t("reports.errors.period.noSuchMonth"));

    const ok = await ministry.get("/reports?scope=prishtine&period=2025-Q2");
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe("/reports/m/prishtine/2025-q2");
  });
});

describe("the pilot evaluation", () => {
  it("counts distinct participants per month and municipality, and together", async () => {
    const period = { from: "2025-03", to: "2025-04" };
    const counted = await participants(db(), [gjilan, prishtine], period, p.deps.profile.timeZone);
    // March: Arta and Besa in Prishtinë (Arta's two inputs and the anonymous one count as one and none),
    // Arta and Cene in Gjilan, so three people together. April: Besa.
    expect(counted.byMonth[0]!.together).toBe(3);
    expect(counted.byMonth[0]!.each).toEqual(
      new Map([
        [prishtine, 2],
        [gjilan, 2],
      ]),
    );
    expect(counted.byMonth[1]!.together).toBe(1);
    expect(counted.byMonth[1]!.each.get(gjilan)).toBe(0);
    expect(counted.period.together).toBe(3);
    expect(counted.period.each.get(prishtine)).toBe(2);
  });

  let id: number;

  it("is created by the ministry from a checked form, and audited", async () => {
    const empty = await ministry.submit("/ministry/evaluations/new", {
      titleSq: "",
      titleSr: "",
      from: "2025-13",
      to: "",
    });
    expect(empty.statusCode).toBe(422);
    const body = text(empty.body);
    for (const key of ["titleSqRequired", "titleSrRequired", "monthNoSuch", "toRequired"])
      expect(body).toContain(t(`reports.errors.${key}`));

    const fields = {
      titleSq: "Piloti në dy komuna",
      titleSr: "Pilot u dve opštine",
      titleEn: "The pilot in two municipalities",
      from: "2025-03",
      to: "2025-04",
    };
    const none = await ministry.submit("/ministry/evaluations/new", fields);
    expect(none.statusCode).toBe(422);
    expect(text(none.body)).toContain(t("reports.errors.municipalitiesRequired"));
    // What was typed stays.
    expect(none.body).toContain('value="Piloti në dy komuna"');

    // Two municipalities ticked: one field, two values, so the body is written by hand.
    const form = await ministry.get("/ministry/evaluations/new");
    const token = form.body.match(/name="_csrf" value="([^"]+)"/)![1]!;
    const posted = await p.app.inject({
      method: "POST",
      url: "/ministry/evaluations/new",
      headers: {
        cookie: [...ministry.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        "content-type": "application/x-www-form-urlencoded",
      },
      payload: `${new URLSearchParams({ _csrf: token, ...fields })}&municipalities=${prishtine}&municipalities=${gjilan}`,
    });
    expect(posted.statusCode).toBe(303);
    const [row] = await db()
      .select()
      .from(pilotEvaluations)
      .where(eq(pilotEvaluations.fromMonth, "2025-03-01"));
    id = row!.id;
    expect(row).toMatchObject({
      municipalityIds: [prishtine, gjilan].sort((a, b) => a - b),
      publishedAt: null,
    });
    expect(posted.headers.location).toBe(`/ministry/evaluations/${id}/edit?done=created`);
    const audited = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, "pilot_evaluation"), eq(auditLog.subjectId, String(id))));
    expect(audited.map((a) => a.action)).toEqual(["pilot_evaluation.create"]);
  });

  it("is the ministry's alone while a draft", async () => {
    expect((await ministry.get(`/evaluations/${id}`)).statusCode).toBe(200);
    expect((await citizen.get(`/evaluations/${id}`)).statusCode).toBe(404);
    expect((await p.app.inject({ url: `/evaluations/${id}` })).statusCode).toBe(404);
    expect((await citizen.get("/ministry/evaluations")).statusCode).toBe(404);
    expect((await admin.get(`/ministry/evaluations/${id}/edit`)).statusCode).toBe(404);
  });

  it("once published, is a public page with its figures and their definitions", async () => {
    const published = await ministry.submit(
      `/ministry/evaluations/${id}/edit`,
      {},
      `/ministry/evaluations/${id}/publish`,
    );
    expect(published.statusCode).toBe(303);
    expect(published.headers.location).toBe(`/ministry/evaluations/${id}/edit?done=published`);

    const page = await p.app.inject({ url: `/evaluations/${id}`, headers: { cookie: "lang=en" } });
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain("The pilot in two municipalities");
    const usage = tableRows(page.body, t("reports.evaluation.sectionCaption.usage", { period: MARCH_APRIL }));
    // Together, Gjilan, Prishtinë (by name).
    expect(usage[0]).toEqual([
      t("stats.column.indicator"),
      t("reports.evaluation.together"),
      "Gjilan",
      prishtineName,
    ]);
    expect(usage.find((r) => r[0] === t("reports.evaluation.participants"))).toEqual([
      t("reports.evaluation.participants"),
      "3",
      "2",
      "2",
    ]);
    expect(usage.find((r) => r[0] === t("stats.indicator.received"))?.slice(1)).toEqual(["7", "2", "5"]);
    expect(text(page.body)).toContain(t("reports.evaluation.definition.participants"));
    expect(text(page.body)).toContain(t("stats.definition.firstResponseMedianDays"));
    // Channels by month are finer than a municipality and a month: Prishtinë's one API input is "<5".
    const months = tableRows(
      page.body,
      t("reports.evaluation.usageCaptionOne", {
        municipality: prishtineName,
        period: MARCH_APRIL,
      }),
    );
    expect(months[1]!.slice(0, 5)).toEqual(["March 2025", "4", "2", "<5", "<5"]);
    expect((await citizen.get(`/evaluations/${id}`)).statusCode).toBe(200);
    expect(
      text((await p.app.inject({ url: "/evaluations", headers: { cookie: "lang=en" } })).body),
    ).toContain("The pilot in two municipalities");

    const audited = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, "pilot_evaluation"), eq(auditLog.subjectId, String(id))));
    expect(audited.map((a) => a.action)).toContain("pilot_evaluation.publish");
  });

  it("gives the page's figures and months as CSV", async () => {
    const en = { cookie: "lang=en" };
    const page = await p.app.inject({ url: `/evaluations/${id}`, headers: en });
    const csv = await p.app.inject({ url: `/evaluations/${id}?format=csv`, headers: en });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    const records = csvRecords(csv.body);
    expect(Object.keys(records[0]!)).toEqual(["figure", "name", "together", "gjilan", "prishtine"]);
    const byCode = new Map(records.map((r) => [r.figure, r]));
    expect(byCode.get("received")).toMatchObject({ together: "7", gjilan: "2", prishtine: "5" });
    expect(byCode.get("participants")).toMatchObject({ together: "3", gjilan: "2", prishtine: "2" });
    expect(byCode.get("consultations_held")).toMatchObject({ together: "0" });
    // Every row of every section on the page is a row of the file, under the same name.
    for (const name of ["usage", "times", "resolution", "satisfaction", "escalations", "consultations"]) {
      const rows = tableRows(
        page.body,
        t(`reports.evaluation.sectionCaption.${name}`, { period: MARCH_APRIL }),
      ).slice(1);
      for (const row of rows) {
        const record = records.find((r) => r.name === row[0]);
        expect(record, row[0]).toBeDefined();
        if (row[1] === "–") expect(record!.together, row[0]).toBe("");
      }
    }

    const months = await p.app.inject({ url: `/evaluations/${id}?format=csv&table=months`, headers: en });
    expect(months.statusCode).toBe(200);
    const monthRecords = csvRecords(months.body);
    expect(Object.keys(monthRecords[0]!).slice(0, 5)).toEqual([
      "municipality",
      "month",
      "received",
      "participants",
      "channel_web",
    ]);
    // The set's two months, then each municipality's; Prishtinë's one API input in March is "<5", as shown.
    expect(monthRecords.map((r) => [r.municipality, r.month, r.received, r.participants])).toEqual([
      ["together", "2025-03", "6", "3"],
      ["together", "2025-04", "1", "1"],
      ["gjilan", "2025-03", "2", "2"],
      ["gjilan", "2025-04", "0", "0"],
      ["prishtine", "2025-03", "4", "2"],
      ["prishtine", "2025-04", "1", "1"],
    ]);
    expect(monthRecords[4]).toMatchObject({ channel_web: "<5", channel_api: "<5" });

    const bad = await p.app.inject({ url: `/evaluations/${id}?format=csv&table=cases`, headers: en });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain(t("reports.errors.evaluationTable"));
    expect((await p.app.inject({ url: `/evaluations/${id}?format=pdf`, headers: en })).statusCode).toBe(400);
  });
});

describe("the standard operating procedures", () => {
  it("list every role of the policy table and each national category's standard", async () => {
    const page = await officer.get("/procedures");
    expect(page.statusCode).toBe(200);
    const body = text(page.body);
    for (const role of ["visitor", "citizen", ...STAFF_ROLES])
      expect(body, role).toContain(t(`reports.procedures.roleName.${role}`));
    const [potholes] = await db()
      .select()
      .from(categories)
      .where(and(eq(categories.code, "potholes"), eq(categories.type, "issue_report")));
    const rows = tableRows(page.body, t("reports.procedures.categoriesCaption"));
    expect(rows.find((r) => r[0] === potholes!.name.en)).toEqual([
      potholes!.name.en,
      t("caseType.issue_report"),
      t(`reports.procedures.amount.${potholes!.slaUnit}`, { count: potholes!.ackWithin }),
      t(`reports.procedures.amount.${potholes!.slaUnit}`, { count: potholes!.firstResponseWithin }),
      t(`reports.procedures.amount.${potholes!.slaUnit}`, { count: potholes!.resolutionWithin }),
    ]);
    // The officer's own grants, as the policy table gives them.
    const officerRows = tableRows(
      page.body,
      t("reports.procedures.roleCaption", { role: t("reports.procedures.roleName.officer") }),
    );
    expect(officerRows.find((r) => r[0]!.endsWith("case.answer"))?.[1]).toBe(
      `${t("reports.procedures.condition.department")} or ${t("reports.procedures.condition.assigned")}`,
    );
  });

  it("shows a municipality's set-up when one is chosen, and refuses one that does not exist", async () => {
    const page = await ministry.get("/procedures?m=prishtine");
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain(
      t("reports.procedures.municipalityHeading", { municipality: prishtineName }),
    );
    const bad = await ministry.get("/procedures?m=atlantis");
    expect(bad.statusCode).toBe(400);
    expect(text(bad.body)).toContain(t("reports.errors.municipality"));
  });

  it("are offered in a municipality's own languages when it is chosen, as its report is", async () => {
    const turkish = await signIn("ministria");
    turkish.cookies.set("lang", "tr");
    const pageLang = (body: string) => /<html lang="([^"]+)">/.exec(body)?.[1];
    // Prizren has Turkish on (an official language there by law); Prishtinë and a national page do not.
    const procedures = await turkish.get("/procedures?m=prizren");
    expect(pageLang(procedures.body)).toBe("tr");
    expect(text(procedures.body)).toContain(translator("tr")("reports.procedures.title"));
    expect(pageLang((await turkish.get("/reports/m/prizren/2026")).body)).toBe("tr");
    // Where Turkish is not offered, the page gives way to Albanian, as every page does.
    expect(pageLang((await turkish.get("/procedures")).body)).toBe("sq");
    expect(pageLang((await turkish.get("/reports/m/prishtine/2026")).body)).toBe("sq");
  });

  it("are for staff: a citizen is refused, a visitor asked to log in", async () => {
    expect((await citizen.get("/procedures")).statusCode).toBe(404);
    const visitor = await p.app.inject({ url: "/procedures" });
    expect(visitor.statusCode).toBe(303);
    expect(String(visitor.headers.location)).toMatch(/^\/login\?next=/);
  });
});
