// The ministry's oversight as its monitor uses it, on the demo data: the national dashboard (every
// municipality and the national row, sortable, as CSV), the drill-down to a municipality, a department, one
// of its categories and their anonymised cases; alerts raised from the aggregates once, told once, closed with a note; the queue of
// cases escalated to the ministry with a reminder that reaches the municipality and its timeline; the levels
// form; and nobody else getting in, nor an impossible period causing anything but a message.
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPEN_STATUSES } from "../../src/cases/lifecycle.ts";
import {
  auditLog,
  caseEvents,
  cases,
  departments,
  ministryAlerts,
  municipalities,
  notifications,
  oversightSettings,
  statsDepartmentMonth,
  statsMonth,
  users,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { runOversightPass } from "../../src/ministry/alerts.ts";
import { rowsOf } from "../../src/ministry/caseRows.ts";
import { seedDemoOversight } from "../../src/ministry/demo.ts";
import { runStatsPass } from "../../src/stats/aggregator.ts";
import { C, emptyCounters } from "../../src/stats/counters.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
let ministry: WebClient;
const db = () => p.deps.database.db;
const demo = (local: string) => `${local}@demo.ekomuna.example`;
const ESCALATED = "PRI-2026-000008"; // the demo's reopened park benches in Prishtinë (src/ministry/demo.ts)

async function signIn(local: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  const res = await web.submit("/login", { email: demo(local), password: DEMO_PASSWORD });
  if (res.statusCode !== 303) throw new Error(`could not log in as ${local}`);
  return web;
}

/** The text of a page without its markup, entities decoded. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&#39;/g, "'")
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/\s+/g, " ");

/** The body rows of the table with this caption, each row's cells as text. */
function tableRows(html: string, caption: string): string[][] {
  const start = html.indexOf(`<caption>${caption}</caption>`);
  if (start < 0) throw new Error(`no table "${caption}"`);
  const body = html.slice(html.indexOf("<tbody>", start), html.indexOf("</table>", start));
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => text(cell[1]!).trim()),
  );
}

const idOf = async (slug: string) =>
  (await db().select({ id: municipalities.id }).from(municipalities).where(eq(municipalities.slug, slug)))[0]!
    .id;
const userId = async (local: string) =>
  (
    await db()
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, demo(local)))
  )[0]!.id;

/** A made-up month of a municipality's aggregates: first responses decided, and met in time. */
async function fakeMonth(slug: string, month: string, decided: number, met: number) {
  const counters = emptyCounters();
  counters[C.received] = decided;
  counters[C.response_decided] = decided;
  counters[C.response_met] = met;
  await db()
    .insert(statsMonth)
    .values({
      municipalityId: await idOf(slug),
      month,
      counters,
      finishedInMonth: decided,
      ackHist: [],
      responseHist: [],
      resolutionHist: [],
    });
}

/** Made-up months of a department's cases: received and finished in each (its backlog's trend). */
async function fakeDepartmentMonths(departmentId: number, slug: string, months: [string, number, number][]) {
  await db()
    .insert(statsDepartmentMonth)
    .values(
      await Promise.all(
        months.map(async ([month, received, finished]) => ({
          municipalityId: await idOf(slug),
          departmentId,
          month,
          received,
          finished,
        })),
      ),
    );
}

const pass = () => runOversightPass(db(), p.clock.now(), { calendar: p.deps.calendar, baseUrl: "http://x" });
const alertsOf = async (slug: string) =>
  db()
    .select()
    .from(ministryAlerts)
    .where(eq(ministryAlerts.municipalityId, await idOf(slug)))
    .orderBy(asc(ministryAlerts.id));
const monitorNotices = async () =>
  db()
    .select()
    .from(notifications)
    .where(
      and(eq(notifications.userId, await userId("ministria")), eq(notifications.link, "/ministry/alerts")),
    );

beforeAll(async () => {
  p = await createTestPlatform({ demo: true, now: "2026-11-26T10:00:00Z" });
  await seedDemoOversight(db(), p.deps.calendar, p.clock.now(), "http://x");
  await runStatsPass(db(), p.deps.calendar, p.clock.now());
  ministry = await signIn("ministria");
});
afterAll(() => p?.close());

describe("the national dashboard", () => {
  it("lists every municipality and the national row, with what needs attention at the top", async () => {
    const res = await ministry.get("/ministry");
    expect(res.statusCode).toBe(200);
    const rows = tableRows(res.body, "Indicators of every municipality, December 2025 to November 2026");
    expect(rows).toHaveLength(39);
    expect(rows.at(-1)![0]).toBe("All municipalities");
    expect(res.body).toContain('href="/ministry/m/prishtine?from=2025-12&to=2026-11"');
    const page = text(res.body);
    // The demo's untouched escalation: one alert for Prishtinë, one for the department the case is with.
    expect(page).toContain("2 open alerts on systematic lateness");
    expect(page).toContain("2 cases escalated to the ministry and still open");
  });

  it("leads from its navigation to each of the ministry's pages, every one of them there", async () => {
    const page = await ministry.get("/ministry");
    const nav = page.body.match(/<nav aria-label="Ministry pages">([\s\S]*?)<\/nav>/)![1]!;
    const hrefs = [...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    expect(hrefs).toEqual(
      expect.arrayContaining([
        "/ministry/alerts",
        "/ministry/escalations",
        "/ministry/standards",
        "/reports",
      ]),
    );
    expect(hrefs).toHaveLength(7);
    // Each link opens its page for the monitor: a link to no page (once /ministry/reports) is a 404.
    for (const href of hrefs) expect((await ministry.get(href)).statusCode, href).toBe(200);
  });

  it("sorts by any column through links, and gives the table as CSV", async () => {
    const sorted = await ministry.get("/ministry?from=2026-10&to=2026-11&sort=received&dir=desc");
    const rows = tableRows(sorted.body, "Indicators of every municipality, October 2026 to November 2026");
    expect(rows[0]![0]).toBe("Prishtinë");
    expect(sorted.body).toContain('aria-sort="descending"');
    const csv = await ministry.get("/ministry?from=2026-10&to=2026-11&format=csv");
    expect(csv.headers["content-type"]).toContain("text/csv");
    const lines = csv.body.trim().split("\n");
    expect(lines).toHaveLength(40);
    expect(lines[0]).toContain("answered_within_share");
  });

  it("answers an impossible period with a message in the page's language, never a 500", async () => {
    const month = await ministry.get("/ministry?from=2026-13");
    expect(month.statusCode).toBe(400);
    expect(text(month.body)).toContain("The first month must be a month from 01 to 12");
    const backwards = await ministry.get("/ministry/m/prishtine?from=2026-05&to=2025-05");
    expect(backwards.statusCode).toBe(400);
    expect(text(backwards.body)).toContain("The last month must be the same as the first month or later");
    const csv = await ministry.get("/ministry?from=x&format=csv");
    expect(csv.statusCode).toBe(400);
    const page = await ministry.get("/ministry/m/prishtine/departments/public-services?page=abc");
    expect(page.statusCode).toBe(400);
    expect(text(page.body)).toContain("Choose a page from 1 to 200");
  });

  it("is refused to a citizen and to municipal staff, and asks a visitor to log in", async () => {
    for (const local of ["lirije.shala", "zyrtari.prishtine", "koordinatori.prishtine"]) {
      const web = await signIn(local);
      for (const path of [
        "/ministry",
        "/ministry/m/prishtine",
        "/ministry/alerts",
        "/ministry/escalations",
        `/ministry/escalations/${ESCALATED}`,
      ])
        expect((await web.get(path)).statusCode, `${local} ${path}`).toBe(404);
      const reminder = await web.postWithToken(
        `/ministry/escalations/${ESCALATED}/reminder`,
        { message: "" },
        "/account",
      );
      expect(reminder.statusCode).toBe(404);
    }
    const visitor = await new WebClient(p.app).get("/ministry");
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe("/login?next=%2Fministry");
  });
});

describe("the drill-down", () => {
  it("shows a municipality by month, department and category, each leading further", async () => {
    const res = await ministry.get("/ministry/m/prishtine?from=2026-10&to=2026-11");
    expect(res.statusCode).toBe(200);
    const months = tableRows(res.body, "Indicators by month received, October 2026 to November 2026");
    expect(months.map((r) => r[0])).toEqual(["October 2026", "November 2026"]);
    expect(res.body).toContain(
      'href="/ministry/m/prishtine/departments/public-services?from=2026-10&to=2026-11"',
    );
    expect(res.body).toContain('href="/ministry/m/prishtine/categories/potholes?from=2026-10&to=2026-11"');
    // The ministry sees its cases one click further: a department's count of 1 to 4 is shown as it is, but
    // no share of fewer than 5 cases, as in every breakdown.
    const byDepartment = tableRows(res.body, "Inputs by department, October 2026 to November 2026");
    const small = byDepartment.find((r) => Number(r[1]) > 0 && Number(r[1]) < 5);
    expect(small).toBeDefined();
    expect(small!.slice(2)).toEqual(["–", "–"]);
  });

  it("lists a department's cases without personal data, each leading to the staff case page", async () => {
    const res = await ministry.get(
      "/ministry/m/prishtine/departments/public-services?from=2026-10&to=2026-11",
    );
    expect(res.statusCode).toBe(200);
    const months = tableRows(
      res.body,
      "Public Services: indicators by month received, October 2026 to November 2026",
    );
    const total = months.at(-1);
    const received = Number(total![1]);
    expect(received).toBeGreaterThan(0);
    // Shares, rates and the average satisfaction (columns 3 to 8) of fewer than 5 cases are not given.
    const few = months.filter((r) => Number(r[1]) > 0 && Number(r[1]) < 5);
    expect(few.length).toBeGreaterThan(0);
    for (const row of few) expect(row.slice(3, 9)).toEqual(Array(6).fill("–"));
    expect(total![4]).toMatch(/%$/);
    const listed = tableRows(res.body, "Cases, page 1 of 1");
    expect(listed).toHaveLength(received);
    expect(res.body).toContain(`href="/m/prishtine/workspace/cases/${ESCALATED}"`);
    // The demo citizen sent some of these: her name and address appear nowhere.
    expect(res.body).not.toContain("Lirije Shala");
    expect(res.body).not.toContain("lirije.shala@");
    const none = await ministry.get("/ministry/m/prishtine/departments/no-such-department");
    expect(none.statusCode).toBe(404);
  });
  it("goes from the nation to a department to one of its categories and its cases, the figures the cases'", async () => {
    const q = "?from=2026-10&to=2026-11";
    const nation = await ministry.get(`/ministry${q}`);
    expect(nation.body).toContain(`href="/ministry/m/prishtine${q}"`);
    const base = "/ministry/m/prishtine/departments/public-services";
    const department = await ministry.get(`${base}${q}`);
    expect(department.statusCode).toBe(200);
    const received = Number(
      tableRows(
        department.body,
        "Public Services: indicators by month received, October 2026 to November 2026",
      ).at(-1)![1],
    );
    // The department's categories: counts as they are (the ministry's), adding up to the department's.
    const byCategory = tableRows(department.body, "Inputs by category, October 2026 to November 2026");
    expect(byCategory.length).toBeGreaterThan(1);
    expect(byCategory.reduce((sum, r) => sum + Number(r[1]), 0)).toBe(received);
    for (const r of byCategory.filter((row) => Number(row[1]) < 5)) expect(r.slice(2)).toEqual(["–", "–"]);
    const links = [
      ...department.body.matchAll(new RegExp(`href="(${base}/categories/([a-z-]+)\\?[^"]*)"`, "g")),
    ];
    expect(links.map((l) => l[1]!.replace(/&amp;/g, "&"))).toEqual(
      links.map((l) => `${base}/categories/${l[2]}${q}`),
    );
    expect(links).toHaveLength(byCategory.length);

    const pId = await idOf("prishtine");
    const [dept] = await db()
      .select({ id: departments.id })
      .from(departments)
      .where(and(eq(departments.municipalityId, pId), eq(departments.code, "public-services")));
    for (const [i, link] of links.entries()) {
      const res = await ministry.get(link[1]!.replace(/&amp;/g, "&"));
      expect(res.statusCode).toBe(200);
      const name = byCategory[i]![0]!;
      expect(text(res.body)).toContain(`${name} in Public Services, Prishtinë`);
      // Where it sits, each step keeping the period: nation → municipality → department → the category.
      const from = res.body.indexOf('<nav class="breadcrumbs"');
      const crumbs = res.body.slice(from, res.body.indexOf("</nav>", from));
      expect([...crumbs.matchAll(/href="([^"]+)"/g)].map((h) => h[1]!.replace(/&amp;/g, "&"))).toEqual([
        `/ministry${q}`,
        `/ministry/m/prishtine${q}`,
        `${base}${q}`,
      ]);
      expect(text(crumbs)).toContain(name);
      const total = tableRows(
        res.body,
        `${name}: indicators by month received, October 2026 to November 2026`,
      ).at(-1)!;
      expect(Number(total[1])).toBe(Number(byCategory[i]![1]));
      // The figures are the cases': as many as the department has of that category received in the period.
      // The period in Kosovo's local time: 1 October (summer time) to 1 December (winter time).
      const [counted] = await rowsOf<{ n: number }>(
        db(),
        sql`select count(*)::int as n from cases c join categories cat on cat.id = c.category_id
          where c.municipality_id = ${pId} and c.department_id = ${dept!.id} and cat.code = ${link[2]}
            and c.received_at >= '2026-09-30T22:00:00Z' and c.received_at < '2026-11-30T23:00:00Z'`,
      );
      expect(Number(total[1])).toBe(counted!.n);
      const listed = tableRows(res.body, "Cases, page 1 of 1");
      expect(listed).toHaveLength(counted!.n);
      for (const row of listed) expect(res.body).toContain(`href="/m/prishtine/workspace/cases/${row[0]}"`);
      expect(res.body).not.toContain("Lirije Shala");
      expect(res.body).not.toContain("lirije.shala@");
      // A category within a department leads no further down: no table of categories.
      expect(res.body).not.toContain('id="categories-heading"');
    }
  });

  it("answers a department's category that is not there with 404, a bad period or page with 400", async () => {
    const base = "/ministry/m/prishtine/departments/public-services";
    const first = (await ministry.get(`${base}?from=2026-10&to=2026-11`)).body.match(
      new RegExp(`${base}/categories/([a-z-]+)`),
    )![1]!;
    expect(
      (await ministry.get(`/ministry/m/prishtine/departments/no-such/categories/${first}`)).statusCode,
    ).toBe(404);
    expect((await ministry.get(`${base}/categories/no-such-category`)).statusCode).toBe(404);
    expect(
      (await ministry.get(`/ministry/m/no-such/departments/public-services/categories/${first}`)).statusCode,
    ).toBe(404);
    // A category that exists, but of which the department never had a case.
    const pId = await idOf("prishtine");
    const [none] = await rowsOf<{ code: string }>(
      db(),
      sql`select cat.code from categories cat
        where cat.municipality_id is null and not exists (
          select 1 from cases c join departments d on d.id = c.department_id
          where c.municipality_id = ${pId} and d.code = 'public-services' and c.category_id = cat.id)
        order by cat.code limit 1`,
    );
    expect(none).toBeDefined();
    expect((await ministry.get(`${base}/categories/${none!.code}`)).statusCode).toBe(404);
    const page = await ministry.get(`${base}/categories/${first}?page=abc`);
    expect(page.statusCode).toBe(400);
    expect(text(page.body)).toContain("Choose a page from 1 to 200");
    const period = await ministry.get(`${base}/categories/${first}?from=2026-13`);
    expect(period.statusCode).toBe(400);
    expect(text(period.body)).toContain("The first month must be a month from 01 to 12");
  });

  it("registers a department's category for the browser suite, a page that answers", async () => {
    const sample = p.app.pages.find((page) => /\/departments\/[^/]+\/categories\//.test(page.sample));
    expect(sample).toMatchObject({ as: "ministria" });
    expect((await ministry.get(sample!.sample)).statusCode).toBe(200);
  });
});

describe("alerts on systematic lateness", () => {
  it("raised the demo's untouched escalation once, naming the case, for Prishtinë and for the case's department", async () => {
    const [alert, departmentAlert] = await alertsOf("prishtine");
    expect(alert).toMatchObject({ kind: "escalations_untouched", month: "2026-11-01", departmentId: null });
    expect(alert!.notifiedAt).not.toBeNull();
    expect(JSON.stringify(alert!.evidence)).toContain(ESCALATED);
    const [kase] = await db().select().from(cases).where(eq(cases.trackingCode, ESCALATED));
    expect(kase!.departmentId).not.toBeNull();
    expect(departmentAlert).toMatchObject({
      kind: "escalations_untouched",
      month: "2026-11-01",
      departmentId: kase!.departmentId,
      evidence: { total: 1, cases: [{ code: ESCALATED }] },
    });
    expect(departmentAlert!.notifiedAt).not.toBeNull();
    // Prizren's escalation is a day old: not yet untouched for five working days.
    expect(await alertsOf("prizren")).toEqual([]);
  });

  it("raises an alert from two months below the level once, tells the monitors once, and not again", async () => {
    await fakeMonth("gjilan", "2026-09-01", 20, 10);
    await fakeMonth("gjilan", "2026-10-01", 10, 5);
    const before = (await monitorNotices()).length;
    expect(await pass()).toEqual({ raised: 1, notified: 1 });
    expect(await pass()).toEqual({ raised: 0, notified: 0 });
    const alerts = await alertsOf("gjilan");
    expect(alerts.map((a) => [a.kind, a.month])).toEqual([["on_time_low", "2026-10-01"]]);
    const notices = await monitorNotices();
    expect(notices).toHaveLength(before + 1);
    // In the monitor's own language (the demo monitor reads Albanian).
    expect(notices.at(-1)!.subject).toBe("Mbikëqyrja e ministrisë: 1 sinjalizim i ri për vonesa");

    const alertsPage = (await ministry.get("/ministry/alerts")).body;
    expect(alertsPage).toContain("<h1>Alerts on systematic lateness</h1>");
    const page = text(alertsPage);
    expect(page).toContain("Gjilan: answered within the standard below 80% for 2 months running");
    expect(page).toContain("September 2026: 50% answered within the standard (10 of 20)");
    expect(page).toContain("October 2026: 50% answered within the standard (5 of 10)");
  });

  it("raises an alert once when two passes run at once", async () => {
    await fakeMonth("ferizaj", "2026-09-01", 10, 1);
    await fakeMonth("ferizaj", "2026-10-01", 10, 1);
    const before = (await monitorNotices()).length;
    const results = await Promise.all([pass(), pass()]);
    expect(results.reduce((n, r) => n + r.raised, 0)).toBe(1);
    expect(results.reduce((n, r) => n + r.notified, 0)).toBe(1);
    expect(await alertsOf("ferizaj")).toHaveLength(1);
    expect(await monitorNotices()).toHaveLength(before + 1);
  });

  it("raises an alert on a department whose own backlog grew three months running, naming it", async () => {
    const gjilan = await idOf("gjilan");
    const [roads] = await db()
      .insert(departments)
      .values({ municipalityId: gjilan, code: "roads", name: { sq: "Rrugët", sr: "Putevi", en: "Roads" } })
      .returning();
    const [parks] = await db()
      .insert(departments)
      .values({ municipalityId: gjilan, code: "parks", name: { sq: "Parqet", sr: "Parkovi", en: "Parks" } })
      .returning();
    // Roads: 10 open before July, then 12, 15, 19 and 20 at the end of each month. Parks: 2, 1, 5, 9.
    await fakeDepartmentMonths(roads!.id, "gjilan", [
      ["2026-05-01", 10, 0],
      ["2026-07-01", 4, 2],
      ["2026-08-01", 5, 2],
      ["2026-09-01", 6, 2],
      ["2026-10-01", 3, 2],
    ]);
    await fakeDepartmentMonths(parks!.id, "gjilan", [
      ["2026-07-01", 4, 2],
      ["2026-08-01", 1, 2],
      ["2026-09-01", 6, 2],
      ["2026-10-01", 6, 2],
    ]);
    expect((await pass()).raised).toBe(1);
    const [alert] = (await alertsOf("gjilan")).filter((a) => a.kind === "backlog_growing");
    expect(alert).toMatchObject({ departmentId: roads!.id, month: "2026-10-01" });
    const page = text((await ministry.get("/ministry/alerts")).body);
    expect(page).toContain("Gjilan, Roads: the backlog grew for 3 months running");
    expect(page).toContain("End of July 2026: 12 open");
    expect(page).toContain("End of October 2026: 20 open (up 1)");
    expect(page).toContain("Counted over the cases the department has now");
    expect((await ministry.get("/ministry/alerts")).body).toContain(
      'href="/ministry/m/gjilan/departments/roads?from=2026-07&to=2026-10"',
    );
  });

  it("closes an alert with a note (audited), refuses an empty one, and does not raise it again that month", async () => {
    const [alert] = await alertsOf("gjilan");
    const path = `/ministry/alerts/${alert!.id}`;
    const empty = await ministry.submit(path, { note: "  " }, `${path}/close`);
    expect(empty.statusCode).toBe(422);
    expect(text(empty.body)).toContain("Enter what was done about the alert");
    const done = await ministry.submit(path, { note: "Called the mayor's office." }, `${path}/close`);
    expect(done.statusCode).toBe(303);
    const [closed] = await alertsOf("gjilan");
    expect(closed).toMatchObject({
      closingNote: "Called the mayor's office.",
      closedBy: await userId("ministria"),
    });
    const audits = await db().select().from(auditLog).where(eq(auditLog.action, "ministry.alert_closed"));
    expect(audits.map((a) => a.subjectId)).toContain(String(alert!.id));
    expect(await pass()).toEqual({ raised: 0, notified: 0 });
    const page = text((await ministry.get(path)).body);
    expect(page).toContain("Called the mayor's office.");
  });

  it("takes new levels from the form, refusing one out of range with the values kept", async () => {
    const levels = {
      onTimeMinPercent: "0",
      onTimeMonths: "3",
      backlogMonths: "3",
      untouchedWorkingDays: "5",
    };
    const bad = await ministry.submit("/ministry/alerts", levels, "/ministry/alerts/levels");
    expect(bad.statusCode).toBe(422);
    expect(text(bad.body)).toContain("Enter a share from 1 to 100 per cent, as a whole number");
    expect(bad.body).toMatch(/name="onTimeMonths"[^>]*value="3"|value="3"[^>]*name="onTimeMonths"/);
    const good = await ministry.submit(
      "/ministry/alerts",
      { ...levels, onTimeMinPercent: "70" },
      "/ministry/alerts/levels",
    );
    expect(good.statusCode).toBe(303);
    const [row] = await db().select().from(oversightSettings);
    expect(row).toMatchObject({
      onTimeMinPercent: 70,
      onTimeMonths: 3,
      updatedBy: await userId("ministria"),
    });
    const audits = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "ministry.oversight_levels_changed"));
    expect(audits).toHaveLength(1);
  });
});

describe("the escalation queue", () => {
  it("lists the open escalated cases, the longest waiting first", async () => {
    const res = await ministry.get("/ministry/escalations");
    expect(res.statusCode).toBe(200);
    const rows = tableRows(res.body, "Escalated cases, oldest escalation first, page 1 of 1");
    expect(rows.map((r) => r[0])).toEqual([ESCALATED, "PRZ-2026-000001"]);
  });

  it("answers a page that cannot be with 400 and a message, as the slices' lists do, never page 1", async () => {
    for (const page of ["abc", "0", "-1", "101", "1.5"]) {
      const res = await ministry.get(`/ministry/escalations?page=${page}`);
      expect(res.statusCode, page).toBe(400);
      expect(text(res.body), page).toContain("Choose a page from 1 to 100");
    }
    const json = await ministry.get("/ministry/escalations?page=0", { accept: "application/json" });
    expect(json.statusCode).toBe(400);
    expect(JSON.parse(json.body).error.code).toBe("bad_request");
    expect((await ministry.get("/ministry/escalations?page=2")).statusCode).toBe(200);
  });

  it("sends a reminder that lands on the case's timeline and reaches the people who have the case", async () => {
    const page = `/ministry/escalations/${ESCALATED}`;
    const tooLong = await ministry.submit(page, { message: "x".repeat(2001) }, `${page}/reminder`);
    expect(tooLong.statusCode).toBe(422);
    const res = await ministry.submit(
      page,
      { message: "Please fix the benches this week." },
      `${page}/reminder`,
    );
    expect(res.statusCode).toBe(303);
    const [kase] = await db().select().from(cases).where(eq(cases.trackingCode, ESCALATED));
    const [event] = await db()
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, kase!.id), eq(caseEvents.type, "ministry_reminder")));
    expect(event).toMatchObject({
      actorId: await userId("ministria"),
      isPublic: false,
      message: "Please fix the benches this week.",
    });
    const told = await db()
      .select({ email: users.email, subject: notifications.subject })
      .from(notifications)
      .innerJoin(users, eq(users.id, notifications.userId))
      .where(and(eq(notifications.caseId, kase!.id), eq(notifications.topic, "sla_escalation")));
    const emails = told.map((n) => n.email);
    expect(emails).toEqual(
      expect.arrayContaining([demo("koordinatori.prishtine"), demo("drejtori.prishtine")]),
    );
    expect(event!.data).toMatchObject({ notified: told.length });
    const mails = await db().execute(
      sql`select count(*)::int as n from outbox where kind = 'email' and payload->>'subject' like ${`%: ${ESCALATED}`}`,
    );
    expect(Number((mails as unknown as { rows: { n: number }[] }).rows[0]!.n)).toBe(told.length);
    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "case.ministry_reminder"), eq(auditLog.subjectId, ESCALATED)));
    expect(audits).toHaveLength(1);

    // The municipality's staff see it on the case; the public does not.
    const coordinator = await signIn("koordinatori.prishtine");
    const work = await coordinator.get(`/m/prishtine/workspace/cases/${ESCALATED}`);
    expect(work.statusCode).toBe(200);
    expect(text(work.body)).toContain("Please fix the benches this week.");
    expect((await new WebClient(p.app).get(`/cases/${ESCALATED}`)).body).not.toContain(
      "Please fix the benches",
    );
    // And the ministry's page of the case keeps it.
    expect(text((await ministry.get(page)).body)).toContain("Please fix the benches this week.");
  });

  it("adds a note, and refuses an empty one or a case that never reached the ministry", async () => {
    const page = "/ministry/escalations/PRZ-2026-000001";
    const empty = await ministry.submit(page, { text: "" }, `${page}/note`);
    expect(empty.statusCode).toBe(422);
    expect(text(empty.body)).toContain("Enter the note");
    const res = await ministry.submit(page, { text: "Asked the inspectorate for a report." }, `${page}/note`);
    expect(res.statusCode).toBe(303);
    expect(text((await ministry.get(res.headers.location as string)).body)).toContain(
      "Asked the inspectorate for a report.",
    );
    expect((await ministry.get("/ministry/escalations/PRI-2026-000001")).statusCode).toBe(404);
    const notEscalated = await ministry.postWithToken(
      "/ministry/escalations/PRI-2026-000001/note",
      { text: "x" },
      "/ministry/alerts",
    );
    expect(notEscalated.statusCode).toBe(404);
  });

  it("does not count the ministry's own reminders as the municipality acting, but its staff's actions", async () => {
    const untouchedAlert = async () =>
      (
        await db()
          .select()
          .from(ministryAlerts)
          .where(
            and(
              eq(ministryAlerts.municipalityId, await idOf("prishtine")),
              eq(ministryAlerts.kind, "escalations_untouched"),
              isNull(ministryAlerts.departmentId),
            ),
          )
      )[0];
    // The reminder above came after the escalation: the Prishtinë alert's rule still sees the case untouched.
    await db()
      .delete(ministryAlerts)
      .where(eq(ministryAlerts.id, (await untouchedAlert())!.id));
    expect((await pass()).raised).toBe(1);
    expect((await untouchedAlert())!.evidence).toMatchObject({ total: 1, cases: [{ code: ESCALATED }] });

    // The coordinator notes on the case (four working days ago): no longer untouched for five.
    await db()
      .delete(ministryAlerts)
      .where(eq(ministryAlerts.id, (await untouchedAlert())!.id));
    const [kase] = await db().select().from(cases).where(eq(cases.trackingCode, ESCALATED));
    await db()
      .insert(caseEvents)
      .values({
        caseId: kase!.id,
        municipalityId: kase!.municipalityId,
        type: "internal_note",
        actorId: await userId("koordinatori.prishtine"),
        isPublic: false,
        message: "Benches ordered.",
        at: new Date("2026-11-20T10:00:00Z"),
      });
    expect((await pass()).raised).toBe(0);
    expect(await untouchedAlert()).toBeUndefined();
  });
});

describe("the departments' backlog, kept by the statistics", () => {
  it("is each department's open cases, received less finished, and follows a case to another department", async () => {
    const backlogs = async () => {
      const rows = await db()
        .select({
          departmentId: statsDepartmentMonth.departmentId,
          n: sql<number>`sum(${statsDepartmentMonth.received} - ${statsDepartmentMonth.finished})::int`,
        })
        .from(statsDepartmentMonth)
        .where(eq(statsDepartmentMonth.municipalityId, await idOf("prishtine")))
        .groupBy(statsDepartmentMonth.departmentId);
      return new Map(rows.filter((r) => r.n !== 0).map((r) => [r.departmentId, Number(r.n)]));
    };
    const open = async () => {
      const rows = await db()
        .select({ departmentId: cases.departmentId, n: sql<number>`count(*)::int` })
        .from(cases)
        .where(
          and(
            eq(cases.municipalityId, await idOf("prishtine")),
            sql`${cases.status} in (${sql.raw(OPEN_STATUSES.map((s) => `'${s}'`).join(", "))})`,
          ),
        )
        .groupBy(cases.departmentId);
      return new Map(rows.map((r) => [r.departmentId ?? 0, Number(r.n)]));
    };
    await runStatsPass(db(), p.deps.calendar, p.clock.now());
    const before = await open();
    expect(before.size).toBeGreaterThan(1);
    expect(await backlogs()).toEqual(before);

    // An open case of one department moves to another: its count goes with it at the next pass.
    const [kase] = await db()
      .select()
      .from(cases)
      .where(and(eq(cases.trackingCode, ESCALATED)));
    const [other] = await db()
      .select()
      .from(departments)
      .where(
        and(
          eq(departments.municipalityId, kase!.municipalityId),
          sql`${departments.id} <> ${kase!.departmentId ?? 0}`,
        ),
      );
    await db().update(cases).set({ departmentId: other!.id }).where(eq(cases.id, kase!.id));
    await db()
      .insert(caseEvents)
      .values({
        caseId: kase!.id,
        municipalityId: kase!.municipalityId,
        type: "assigned",
        isPublic: false,
        data: { departmentId: other!.id },
        at: p.clock.now(),
      });
    await runStatsPass(db(), p.deps.calendar, p.clock.now());
    const after = await open();
    expect(after).not.toEqual(before);
    expect(await backlogs()).toEqual(after);
  });
});
