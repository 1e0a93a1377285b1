// Authorization for every route, derived from the app's own route table so that a new route cannot be
// forgotten: each route is either listed below as public (with the reason) or as needing only an account,
// or it must refuse a visitor and every municipal role of another municipality (Pejë, made here) when
// asked about Prishtinë's things. Refused means 401, 403, 404 or a redirect to the login page (for a GET,
// also a redirect up to a page above the one asked for: it names nothing the request did not, and that
// page is checked itself) — never a 200 with data, never a 5xx.
//
// Path parameters are filled from the page samples the routes declare (real demo data of Prishtinë), by
// the longest sample that shares the route's prefix, and from the database where no page shows the thing
// (a routing rule, a comment, a webhook…). A control then opens every refused page as Prishtinë's staff or
// the ministry: at least one of them must see it, so a refusal is never just a wrong id.
import { eq, sql } from "drizzle-orm";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/api/apiKeys.ts";
import { departments, municipalities, roleAssignments, users } from "../../src/db/schema.ts";
import { DEMO_EMAIL_DOMAIN } from "../../src/demo/demoContent.ts";
import { createSession } from "../../src/identity/sessions.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

/**
 * Routes anyone may use, by "METHOD /pattern" (or "/pattern" for every method), with the reason. Only a
 * visitor asks them here (no 5xx); their rules are the business of their own tests.
 */
const PUBLIC: Record<string, string> = {
  "/": "the home page",
  "/healthz": "the load balancer's health check",
  "/assets/:file": "stylesheets, scripts and images",
  "/language/:lang": "sets the language cookie and redirects",
  "/login": "the login form",
  "/login/email": "asks for an emailed login link",
  "/login/link/:token": "the emailed link's secret token is the credential",
  "/logout": "ends the caller's own session, if any",
  "/register": "creates an account",
  "/password/forgot": "asks for a reset link",
  "/password/reset/:token": "the emailed link's secret token is the credential",
  "/verify-email/:token": "the emailed link's secret token is the credential",
  "/invitation/:token": "the emailed invitation's secret token is the credential",
  "GET /account/deleted": "the farewell page after deleting an account: no data",
  "GET /m/:slug": "a municipality's public page",
  "/m/:slug/submit": "anyone may start a submission (anonymous input is decided per category)",
  "/submit/:draft/type": "the draft's secret token in the URL is the credential",
  "/submit/:draft/category": "the draft's secret token in the URL is the credential",
  "/submit/:draft/details": "the draft's secret token in the URL is the credential",
  "/submit/:draft/questions": "the draft's secret token in the URL is the credential",
  "/submit/:draft/location": "the draft's secret token in the URL is the credential",
  "/submit/:draft/photos": "the draft's secret token in the URL is the credential",
  "/submit/:draft/duplicates": "the draft's secret token in the URL is the credential",
  "/submit/:draft/contact": "the draft's secret token in the URL is the credential",
  "/submit/:draft/check": "the draft's secret token in the URL is the credential",
  "/submit/:draft/done": "the draft's secret token in the URL is the credential",
  "/drafts/:token/photos": "the draft's secret token in the URL is the credential",
  "/drafts/:token/photos/:id/delete": "the draft's secret token in the URL is the credential",
  "/track/:code": "the tracking link's secret token is the credential (a wrong one answers 404)",
  "/track/:code/information": "the tracking link's secret token is the credential",
  "/track/:code/reopen": "the tracking link's secret token is the credential",
  "/track/:code/rating": "the tracking link's secret token is the credential",
  "/notifications/unsubscribe": "the signed token in the email's link is the credential",
  "GET /cases": "the public list (public cases only, through the public view)",
  "GET /cases/map.json": "the public list's map points (public cases only)",
  "GET /photos/:id": "served only for a public case of a category that is not sensitive",
  "GET /photos/:id/thumbnail": "served only for a public case of a category that is not sensitive",
  "GET /m/:slug/statistics": "public statistics",
  "GET /statistics": "public statistics",
  "GET /statistics/municipalities": "public statistics",
  "GET /statistics/indicators": "public statistics",
  "GET /open-data": "open data",
  "GET /open-data/cases.csv": "open data (the public view of public cases)",
  "GET /open-data/cases.json": "open data (the public view of public cases)",
  "GET /open-data/statistics-monthly.csv": "open data",
  "GET /open-data/statistics-monthly.json": "open data",
  "GET /open-data/statistics-breakdown.csv": "open data",
  "GET /open-data/statistics-breakdown.json": "open data",
  "GET /open-data/datapackage.json": "open data",
  "/open311/v2/:file": "Open311: public reads; a POST needs an API key (open311 tests)",
  "GET /open311/v2/services/:file": "Open311 service definitions",
  "GET /open311/v2/requests/:file": "Open311 public requests",
  "GET /open311/v2/tokens/:file": "Open311 tokens: the token is the credential",
  "/open311/*": "Open311's not-found answer",
  "GET /api/v1/cases": "the public list in the API",
  "GET /api/v1/categories": "what a municipality takes",
  "GET /api/v1/openapi.json": "the API's description",
  "/api/v1/*": "the API's not-found answer",
  "POST /api/v1/cases": "submitting: an API key or any account (anonymous input is decided per category)",
  "GET /m/:slug/proposals": "published proposals",
  "GET /m/:slug/consultations": "published consultations",
  "GET /m/:slug/meetings": "public meetings",
  "GET /m/:slug/meetings.ics": "public meetings' calendar feed",
  "GET /m/:slug/guide": "guidance",
  "GET /m/:slug/guide/after-you-submit": "guidance",
  "GET /m/:slug/guide/participation": "guidance",
  "GET /m/:slug/leaflet": "the printable leaflet",
  "GET /guide": "guidance",
  "GET /guide/how-it-works": "guidance",
  "GET /guide/faq": "guidance",
  "GET /guide/after-you-submit": "guidance",
  "GET /guide/accessibility": "guidance",
  "GET /guide/participation": "guidance",
  "GET /guide/privacy": "guidance",
  "GET /evaluations": "published pilot evaluations",
  "GET /evaluations/:id": "a published pilot evaluation",
  "GET /proposals/:code": "a published proposal",
  "GET /proposals/:code/support.json": "a published proposal's support count",
  "GET /consultations/:id": "a published consultation",
  "GET /consultations/:id/documents/:docId": "a published consultation's document",
  "GET /consultations/:id/report": "a published consultation's report",
  "GET /consultations/:id/report.csv": "a published consultation's report",
  "GET /consultations/:id/report.json": "a published consultation's report",
  "GET /meetings/:id": "a public meeting",
  "GET /meetings/:id/minutes": "a public meeting's minutes",
  "GET /m/:slug/workspace/cases/:code/:form": "only redirects to the case's page, which is checked",
  "GET /styleguide": "the components' style guide: no data",
};

/**
 * Routes open to every account (a staff member is a citizen too), or to any staff member: a visitor is
 * refused; what they act on is the caller's own (account, notifications), public (supporting,
 * commenting) or national.
 */
const ANY_ACCOUNT: Record<string, string> = {
  "GET /account": "one's own account",
  "GET /account/export": "one's own data",
  "/account/delete": "deletes one's own account",
  "GET /account/cases": "one's own cases",
  "GET /notifications": "one's own notifications",
  "POST /notifications/read-all": "one's own notifications",
  "/notifications/preferences": "one's own preferences",
  "POST /consultations/:id/comments": "commenting in a public consultation",
  "/consultations/:id/comments/:commentId/reply": "replying in a public consultation",
  "/consultations/:id/comments/:commentId/report": "reporting a comment as abusive",
  "POST /consultations/:id/comments/:commentId/support": "supporting a comment",
  "POST /consultations/:id/follow": "following a consultation",
  "POST /consultations/:id/unfollow": "stopping following",
  "/proposals/:code/support": "supporting a published proposal",
  "/proposals/:code/support/withdraw": "withdrawing one's own support",
  "GET /reports": "a chooser of the reports the caller may open (each report is checked)",
  // Any staff member, of any municipality or the ministry: national rules, no municipality's cases.
  "GET /procedures": "staff of any municipality: the standard operating procedures",
  "GET /procedures/workspace": "staff of any municipality: the standard operating procedures",
  "GET /standards/changes": "staff of any municipality: the history of the national standards",
  "GET /standards/changes.csv": "staff of any municipality: the history of the national standards",
};

let p: TestPlatform;
const db = () => p.deps.database.db;

interface Route {
  method: string;
  path: string;
}

/**
 * The app's routes, read from Fastify's printed radix tree (the app keeps no list of its own): a node's
 * full path is its ancestors' labels joined. A parameter that routes name differently at one place
 * prints as ":a|:b"; the first name is taken.
 */
function routeTable(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes().split("\n")) {
    if (line.trim() === "") continue;
    const m = line.match(/^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/);
    if (!m) throw new Error(`unexpected line in the route tree: ${line}`);
    stack.length = m[1]!.length / 4;
    stack.push(m[2]!.replace(/\|.*$/, ""));
    for (const method of m[3]?.split(", ") ?? []) routes.push({ method, path: stack.join("") });
  }
  return routes;
}

const segments = (path: string) => path.split("?")[0]!.split("/").slice(1);

/** The listed reason for a route, by "METHOD /pattern" or "/pattern". */
const listed = (list: Record<string, string>, r: Route) => list[`${r.method} ${r.path}`] ?? list[r.path];

/**
 * A route's URL with its parameters filled: from the sample sharing the longest prefix with it, then
 * `fallback` by parameter name. A sample's segment that is another route's fixed segment at that place
 * (…/templates/new for …/templates/:id) is no value for the parameter.
 */
function fill(
  path: string,
  samples: string[],
  statics: Map<string, Set<string>>,
  fallback: Record<string, string>,
) {
  const pattern = segments(path);
  const values: Record<string, string> = {};
  for (let k = pattern.length; k > 0; k--) {
    for (const sample of samples) {
      const seg = segments(sample);
      if (seg.length < k) continue;
      const fits = pattern
        .slice(0, k)
        .every((want, i) =>
          want.startsWith(":") ? !statics.get(pattern.slice(0, i).join("/"))?.has(seg[i]!) : want === seg[i],
        );
      if (!fits) continue;
      pattern.slice(0, k).forEach((want, i) => {
        if (want.startsWith(":")) values[want.slice(1)] ??= decodeURIComponent(seg[i]!);
      });
    }
  }
  return `/${pattern
    .map((s) =>
      s === "*"
        ? "anything"
        : s.replace(/:([A-Za-z]+)/g, (_, name: string) => {
            const value = values[name] ?? fallback[name];
            if (value === undefined) throw new Error(`no value for :${name} in ${path}`);
            return encodeURIComponent(value);
          }),
    )
    .join("/")}`;
}

/** Refused: 401, 403, 404, a redirect to log in, or (a GET) a redirect up to a page above the one asked for. */
function refused(method: string, url: string, res: LightMyRequestResponse) {
  if ([401, 403, 404].includes(res.statusCode)) return true;
  if (res.statusCode !== 302 && res.statusCode !== 303) return false;
  const to = new URL(String(res.headers.location), "http://platform.test");
  if (to.pathname === "/login") return true;
  return method === "GET" && to.search === "" && url.startsWith(`${to.pathname.replace(/\/$/, "")}/`);
}

/** Lookups that found nothing: the route would be asked about a thing that does not exist. */
const notFound: string[] = [];

/** The id of the first row of a raw query. */
async function first(query: string): Promise<string> {
  const res = (await db().execute(sql.raw(query))) as unknown as { rows: { id: unknown }[] };
  if (!res.rows[0]) notFound.push(query);
  return String(res.rows[0]?.id ?? "0");
}

/** A signed-in client for an account (a session made directly: no password hashing per account). */
async function signedIn(userId: string) {
  const session = await createSession(
    db(),
    { userId, method: "password", now: p.clock.now() },
    p.deps.config.session,
  );
  const web = new WebClient(p.app);
  web.cookies.set("sid", session.token);
  web.cookies.set("lang", "en");
  return web;
}

async function demoUser(local: string) {
  const [u] = await db()
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, `${local}@${DEMO_EMAIL_DOMAIN}`));
  return signedIn(u!.id);
}

/**
 * A request as `web`, with its form's CSRF token on a write: JSON for the API, or the multipart body a
 * route answering 415 wants, so that the request reaches the route's own checks.
 */
async function ask(web: WebClient, csrf: string, method: string, url: string) {
  if (method === "GET") return web.get(url);
  if (!url.startsWith("/api/")) return web.post(url, { _csrf: csrf });
  const send = (type: string, payload: string) =>
    p.app.inject({
      method: method as "POST",
      url,
      remoteAddress: web.remoteAddress,
      headers: {
        cookie: [...web.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        "content-type": type,
        "sec-fetch-site": "same-origin",
        // The one multipart write (photos) takes the page's token on a session, as the site's script sends it.
        "x-csrf-token": csrf,
      },
      payload,
    });
  const json = await send("application/json", "{}");
  if (json.statusCode !== 415) return json;
  return send(
    "multipart/form-data; boundary=x",
    '--x\r\nContent-Disposition: form-data; name="n"\r\n\r\nv\r\n--x--\r\n',
  );
}

async function csrfOf(web: WebClient) {
  const page = await web.get("/m/prishtine/submit");
  return page.body.match(/name="_csrf" value="([^"]+)"/)![1]!;
}

let table: Route[];
const urls = new Map<Route, string>();

beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
  await p.app.ready();
  table = routeTable(p.app).filter(
    // HEAD follows GET; the catch-alls' other methods answer as their GET and POST do.
    (r) => r.method !== "HEAD" && (!r.path.endsWith("*") || r.method === "GET" || r.method === "POST"),
  );
  const samples = p.app.pages
    .filter((page) => page.status === 200)
    .map((page) => page.sample.replace(/^\/m\/[a-z-]+\//, "/m/prishtine/"));
  const statics = new Map<string, Set<string>>();
  for (const r of table)
    segments(r.path).forEach((s, i, all) => {
      if (s.includes(":") || s === "*") return;
      const key = all.slice(0, i).join("/");
      statics.set(key, (statics.get(key) ?? new Set()).add(s));
    });

  const [pri] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
  const m = pri!.id;
  const lirije = (
    await db()
      .select()
      .from(users)
      .where(eq(users.email, `lirije.shala@${DEMO_EMAIL_DOMAIN}`))
  )[0]!;
  // Prishtinë's things no page sample names.
  await db().execute(sql`insert into webhook_endpoints (municipality_id, url, secret, events)
    values (${m}, 'https://hooks.example/pri', 'secret-of-prishtine', ARRAY['case.submitted'])`);
  await db().execute(sql`insert into webhook_endpoints (municipality_id, url, secret, events)
    values (null, 'https://hooks.example/national', 'secret-national', ARRAY['case.submitted'])`);
  await db().execute(sql`insert into routing_rules (municipality_id, category_id, department_id)
    select ${m}, c.id, d.id from categories c, departments d
    where c.code = 'potholes' and c.municipality_id is null and d.municipality_id = ${m} and d.code = 'public-services'`);
  await db().execute(sql`insert into response_templates (municipality_id, code, type, language, title, body)
    values (${m}, 'pri-thanks', 'issue_report', 'sq', 'Faleminderit', 'Faleminderit për njoftimin.')`);
  await db().execute(sql`insert into sla_standards (municipality_id, type, category_id, unit, ack_within, first_response_within, resolution_within)
    select ${m}, 'issue_report', id, 'working_days', 1, 2, 5 from categories where code = 'potholes' and municipality_id is null`);
  await createApiClient(db(), { name: "Prishtinë's app", now: p.clock.now(), via: "test" });
  await db().execute(sql`insert into saved_views (user_id, municipality_id, name, query)
    select id, ${m}, 'Mine', 'sort=due' from users where email = ${`zyrtari.prishtine@${DEMO_EMAIL_DOMAIN}`}`);
  await signedIn(lirije.id);
  // Lirije's case made private: nobody else may read it, follow it or act on it as its submitter.
  await db().execute(sql`update cases set visibility = 'private' where tracking_code = 'PRI-2026-000014'`);
  const fallback: Record<string, string> = {
    slug: "prishtine",
    lang: "en",
    file: "services.json",
    form: "answer",
    code: "PRI-2026-000014", // Lirije's private case: nobody else's to read or act on
    draft: "x".repeat(43),
    token: "x".repeat(43),
    id: "1",
  };
  const lookups: [RegExp, string][] = [
    [/\/admin\/routing\/:id/, `select id from routing_rules where municipality_id = ${m}`],
    [/\/admin\/templates\/:id/, `select id from response_templates where municipality_id = ${m}`],
    [/\/admin\/standards\/:id/, `select id from sla_standards where municipality_id = ${m}`],
    [/\/admin\/webhooks\/:id/, `select id from webhook_endpoints where municipality_id = ${m}`],
    [/^\/ops\/webhooks\/:id/, "select id from webhook_endpoints where municipality_id is null"],
    [/\/workspace\/views\/:id/, "select id from saved_views"],
    [/^\/account\/sessions\/:id/, `select id from sessions where user_id = '${lirije.id}'`],
    [/^\/notifications\/:id/, `select id from notifications where user_id = '${lirije.id}'`],
    [/^\/ops\/outbox\/:id/, "select id from outbox"],
    [/^\/ops\/api-clients\/:id/, "select id from api_clients"],
  ];
  const byParam: Record<string, string> = {
    sectionId: `select s.id from consultation_sections s join consultations c on c.id = s.consultation_id where c.municipality_id = ${m}`,
    docId: `select d.id from consultation_documents d join consultations c on c.id = d.consultation_id where c.municipality_id = ${m}`,
    commentId: `select k.id from consultation_comments k join consultations c on c.id = k.consultation_id where c.municipality_id = ${m}`,
  };
  for (const r of table) {
    const own = { ...fallback };
    for (const [name, query] of Object.entries(byParam))
      if (r.path.includes(`:${name}`)) own[name] = await first(query);
    for (const [pattern, query] of lookups) if (pattern.test(r.path)) own.id = await first(query);
    urls.set(r, fill(r.path, samples, statics, own));
  }
}, 120_000);
afterAll(() => p.close());

describe("the route table", () => {
  it("is read whole, and every listed route exists", () => {
    const known = new Set(table.flatMap((r) => [r.path, `${r.method} ${r.path}`]));
    expect(table.length).toBeGreaterThan(250);
    expect([...Object.keys(PUBLIC), ...Object.keys(ANY_ACCOUNT)].filter((k) => !known.has(k))).toEqual([]);
    expect(notFound).toEqual([]);
  });
});

it("refuses a visitor and every role of another municipality on every route that is not public", async () => {
  const [peje] = await db().select().from(municipalities).where(eq(municipalities.slug, "peje"));
  // A department with the same code as Prishtinë's: a matching code must grant nothing.
  const [dept] = await db()
    .insert(departments)
    .values({
      municipalityId: peje!.id,
      code: "public-services",
      name: { sq: "Shërbimet", sr: "Usluge", en: "Services" },
    })
    .returning();
  const actors: { name: string; web: WebClient; csrf: string }[] = [];
  const visitor = new WebClient(p.app);
  actors.push({ name: "visitor", web: visitor, csrf: await csrfOf(visitor) });
  for (const role of ["officer", "department_head", "participation_coordinator", "municipal_admin"]) {
    const [u] = await db()
      .insert(users)
      .values({ email: `${role}@peje.example`, name: `Pejë ${role}`, emailVerifiedAt: p.clock.now() })
      .returning();
    const department = role === "officer" || role === "department_head" ? dept!.id : null;
    await db()
      .insert(roleAssignments)
      .values({ userId: u!.id, role, municipalityId: peje!.id, departmentId: department });
    const web = await signedIn(u!.id);
    actors.push({ name: `${role} of Pejë`, web, csrf: await csrfOf(web) });
  }

  const failures: string[] = [];
  for (const r of table) {
    const url = urls.get(r)!;
    const isPublic = listed(PUBLIC, r) !== undefined;
    const anyAccount = listed(ANY_ACCOUNT, r) !== undefined;
    const who = isPublic || anyAccount ? actors.slice(0, 1) : actors;
    for (const a of who) {
      const res = await ask(a.web, a.csrf, r.method, url);
      if (res.statusCode >= 500) failures.push(`${r.method} ${url} as ${a.name}: ${res.statusCode}`);
      else if (!isPublic && !refused(r.method, url, res))
        failures.push(`${r.method} ${url} as ${a.name}: ${res.statusCode} ${res.headers.location ?? ""}`);
    }
  }
  // The sessions lived to the end: no refusal above came from a lost session.
  for (const a of actors.slice(1)) expect((await a.web.get("/account")).statusCode, a.name).toBe(200);
  expect(failures).toEqual([]);
}, 120_000);

it("lets Prishtinë's staff or the ministry open every page refused above, so no refusal is a wrong id", async () => {
  const owners = await Promise.all(
    [
      "admin.prishtine",
      "koordinatori.prishtine",
      "drejtori.prishtine",
      "zyrtari.prishtine",
      "ministria",
      "operator",
    ].map(async (local) => ({ local, web: await demoUser(local) })),
  );
  const unseen: string[] = [];
  for (const r of table) {
    if (r.method !== "GET" || listed(PUBLIC, r) !== undefined || listed(ANY_ACCOUNT, r) !== undefined)
      continue;
    const url = urls.get(r)!;
    const answers: string[] = [];
    for (const o of owners) {
      const res = await o.web.get(url);
      answers.push(`${o.local}:${res.statusCode}`);
      if (res.statusCode === 200) break;
      // An address that is no page (a form's target) sends everyone up to its page, which is checked itself.
      if (o === owners.at(-1) && answers.every((a) => a.endsWith(":303")) && refused("GET", url, res)) break;
      if (o === owners.at(-1)) unseen.push(`${url} ${answers.join(" ")}`);
    }
  }
  expect(unseen).toEqual([]);
}, 120_000);
