// Onboarding a municipality through its pages (issue 9): the ministry's list, the checklist of a bare
// municipality completed step by step until it can go live, staff imported from CSV (a bad list imports
// nothing; a good one invites everyone in one go, existing accounts too, and a role comes with accepting),
// categories and languages, and who may do what — the ministry seeding staff only until the municipality
// goes live.
import { and, asc, count, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPEN_STATUSES } from "../../src/cases/lifecycle.ts";
import {
  auditLog,
  cases,
  categories,
  departments,
  devMailbox,
  emailTokens,
  municipalities,
  municipalityCategories,
  roleAssignments,
  users,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { deliverDue } from "../../src/notifications/outbox.ts";
import { referenceData } from "../../src/reference/referenceCache.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
const db = () => p.deps.database.db;
const demo = (local: string) => `${local}@demo.ekomuna.example`;

beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
});
afterAll(() => p.close());

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
    .replace(/&#39;/g, "'")
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

const municipality = async (slug: string) =>
  (await db().select().from(municipalities).where(eq(municipalities.slug, slug)))[0]!;
const userId = async (email: string) =>
  (
    await db()
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, email.toLowerCase()))
  )[0]?.id;
const audits = (action: string, municipalityId?: number) =>
  db()
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.action, action),
        municipalityId === undefined ? undefined : eq(auditLog.municipalityId, municipalityId),
      ),
    )
    .orderBy(asc(auditLog.id));
const rolesIn = (municipalityId: number) =>
  db()
    .select({ email: users.email, role: roleAssignments.role, departmentId: roleAssignments.departmentId })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(eq(roleAssignments.municipalityId, municipalityId))
    .orderBy(asc(users.email), asc(roleAssignments.role));
const invitationsTo = (email: string) =>
  db()
    .select()
    .from(emailTokens)
    .where(and(eq(emailTokens.purpose, "invitation"), eq(emailTokens.email, email)));
const deliver = () => deliverDue(db(), p.deps.mailer, () => p.deps.clock.now());
const mailTo = async (email: string) => {
  await deliver();
  return db().select().from(devMailbox).where(eq(devMailbox.to, email)).orderBy(asc(devMailbox.id));
};

/** The hidden fields of the form posting to `action` in a page (the CSRF token, the list's text). */
function formFields(html: string, action: string): Record<string, string> {
  const form = [...html.matchAll(/<form method="post" action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)].find(
    (f) => f[1] === action,
  );
  if (!form) throw new Error(`no form posting to ${action}`);
  return Object.fromEntries(
    [...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((h) => [
      h[1]!,
      h[2]!.replace(/&#34;/g, '"').replace(/&amp;/g, "&"),
    ]),
  );
}

/** Posts a form with repeated fields (checkboxes), as a browser sends them, with the client's cookies. */
const postPairs = (web: WebClient, url: string, pairs: [string, string][]) =>
  p.app.inject({
    method: "POST",
    url,
    headers: {
      cookie: [...web.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      "content-type": "application/x-www-form-urlencoded",
    },
    payload: new URLSearchParams(pairs).toString(),
  });
const pairsOf = (fields: Record<string, string>, name: string, values: string[]) => [
  ...Object.entries(fields),
  ...values.map((v): [string, string] => [name, v]),
];

/** The newest invitation mailed to a demo account, followed by its owner signed in: the role comes then. */
async function accept(local: string) {
  const mail = (await mailTo(demo(local))).findLast((m) => /\/invitation\//.test(m.text));
  const link = new URL(mail!.text.match(/https?:\/\/\S+\/invitation\/\S+/)![0]).pathname;
  const web = await signIn(local);
  const res = await web.submit(link, {}, link);
  expect(res.statusCode, `${local} accepts`).toBe(303);
  return web;
}

/** Checks a list on the import page (pasted), then, when asked, imports it through the preview's own form. */
async function importList(web: WebClient, slug: string, csv: string) {
  const base = `/m/${slug}/admin/staff/import`;
  const preview = await web.submit(base, { csv }, `${base}/preview`);
  return {
    preview,
    confirm: () => web.post(base, formFields(preview.body, base)),
  };
}

describe("the ministry's list of municipalities", () => {
  it("shows the 38 municipalities with their pilot flag, live state and progress, by name or by progress", async () => {
    const ministry = await signIn("ministria");
    const byName = await ministry.get("/ministry/onboarding");
    expect(byName.statusCode).toBe(200);
    const links = [...byName.body.matchAll(/href="\/m\/([a-z-]+)\/admin\/onboarding"/g)].map((m) => m[1]);
    expect(links).toHaveLength(38);
    expect(links.slice(0, 2)).toEqual(["decan", "dragash"]);
    // Prishtinë, set up in the demo but for three departments without staff, comes first by progress.
    const byProgress = await ministry.get("/ministry/onboarding?sort=progress");
    expect(byProgress.body.match(/href="\/m\/([a-z-]+)\/admin\/onboarding"/)![1]).toBe("prishtine");
    // Whether the demo puts it in the pilot is the demo's choice; its progress is the checklist's.
    expect(text(byProgress.body)).toMatch(/Prishtinë (Yes|No) Not yet 6 of 7 done/);

    const bad = await ministry.get("/ministry/onboarding?sort=size");
    expect(bad.statusCode).toBe(400);
    expect(text(bad.body)).toContain("The list can be sorted by name or by progress only.");
  });

  it("is the ministry's and the operator's only", async () => {
    expect((await (await signIn("operator")).get("/ministry/onboarding")).statusCode).toBe(200);
    expect((await (await signIn("admin.prishtine")).get("/ministry/onboarding")).statusCode).toBe(404);
    const visitor = await new WebClient(p.app).get("/ministry/onboarding");
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe("/login?next=%2Fministry%2Fonboarding");
  });
});

describe("onboarding a bare municipality until it goes live", () => {
  const C = "/m/gjakove/admin/onboarding";

  it("lists what is missing, refuses to go live until the checklist is complete, then goes live", async () => {
    const gjakove = await municipality("gjakove");
    const ministry = await signIn("ministria");
    const operator = await signIn("operator");

    const bare = text((await ministry.get(C)).body);
    expect(bare).toContain("Checklist 2 of 7 done");
    expect(bare).toContain("Departments Missing No department yet.");
    expect(bare).toContain("A municipal administrator Missing Nobody yet.");
    expect(bare).toContain("No routing rule yet");

    // Refused while incomplete, with what is missing; nothing changes.
    const refused = await ministry.submit(C, { liveReason: "Agreed with the mayor." }, `${C}/live`);
    expect(refused.statusCode).toBe(422);
    expect(text(refused.body)).toContain(
      "The municipality cannot go live yet. Still missing: Departments, A head and an officer in each department, A participation coordinator, A municipal administrator, and Routing rules.",
    );
    expect(refused.body).toContain("Agreed with the mayor."); // what was typed is kept
    expect((await municipality("gjakove")).liveAt).toBeNull();
    expect(await audits("municipality.went_live")).toHaveLength(0);

    // Not yet live: the ministry imports the first administrator (an existing account) and a coordinator
    // (a new address). Both are invitations: nobody has a role before saying yes.
    const first = await importList(
      ministry,
      "gjakove",
      `name,email,role,department,language\nLirije Shala,${demo("lirije.shala")},municipal_admin,,sq\nBesa Hoxha,besa.hoxha@gjakova.example,participation_coordinator,,sq\n`,
    );
    expect(first.preview.statusCode).toBe(200);
    expect((await first.confirm()).statusCode).toBe(303);
    expect(await rolesIn(gjakove.id)).toEqual([]);
    expect(text((await ministry.get(C)).body)).toContain("A municipal administrator Missing");

    // The new administrator accepts, creates a department, then imports its head and officer, who accept.
    const lirije = await accept("lirije.shala");
    expect(await rolesIn(gjakove.id)).toEqual([
      { email: demo("lirije.shala"), role: "municipal_admin", departmentId: null },
    ]);
    const created = await lirije.submit(
      "/m/gjakove/admin/departments",
      { code: "services", nameSq: "Shërbimet", nameSr: "Usluge", nameEn: "Services" },
      "/m/gjakove/admin/departments",
    );
    expect(created.statusCode).toBe(303);
    const second = await importList(
      lirije,
      "gjakove",
      `name,email,role,department,language\nStefan Ilić,${demo("stefan.ilic")},department_head,services,sr\nEmre Yıldız,${demo("zyrtari.prizren")},officer,services,sq\n`,
    );
    expect((await second.confirm()).statusCode).toBe(303);
    await accept("stefan.ilic");
    await accept("zyrtari.prizren");

    // Only the coordinator's invitation is still open: the checklist says so and counts it when accepted.
    const waiting = text((await lirije.get(C)).body);
    expect(waiting).toContain("A participation coordinator Missing");
    expect(waiting).toContain("1 invitation has been sent and not yet accepted");
    const [mail] = await mailTo("besa.hoxha@gjakova.example");
    const link = new URL(mail!.text.match(/https?:\/\/\S+\/invitation\/\S+/)![0]).pathname;
    const besa = new WebClient(p.app);
    besa.cookies.set("lang", "en");
    const accepted = await besa.submit(link, { name: "Besa Hoxha", password: "gjakova-koordinatore-2026" });
    expect(accepted.statusCode).toBe(303);

    const complete = text((await lirije.get(C)).body);
    expect(complete).toContain("Checklist 7 of 7 done");
    expect(complete).toContain("The checklist is complete: the municipality can go live.");

    // A reason is required; then it goes live, audited.
    const noReason = await lirije.submit(C, { liveReason: "  " }, `${C}/live`);
    expect(noReason.statusCode).toBe(422);
    expect(text(noReason.body)).toContain("Error: Enter the reason.");
    const live = await lirije.submit(C, { liveReason: "Decision of the mayor, 1 December." }, `${C}/live`);
    expect(live.statusCode).toBe(303);
    expect(live.headers.location).toBe(`${C}?done=went_live`);
    expect((await municipality("gjakove")).liveAt).toEqual(p.deps.clock.now());
    const [wentLive] = await audits("municipality.went_live", gjakove.id);
    expect(wentLive).toMatchObject({
      actorId: await userId(demo("lirije.shala")),
      data: { reason: "Decision of the mayor, 1 December." },
    });
    expect(text((await ministry.get("/ministry/onboarding")).body)).toMatch(
      /Gjakovë No Since \S+ \d+, 2026 7 of 7 done/,
    );
    // Live: its own administrators invite from now on, the ministry and the operator no longer.
    const I = "/m/gjakove/admin/staff/import";
    expect((await lirije.get(I)).statusCode).toBe(200);
    expect((await ministry.get(I)).statusCode).toBe(404);
    expect((await operator.get(I)).statusCode).toBe(404);
    const late = await ministry.postWithToken(
      I,
      { csv: `name,email,role,department,language\nX,late@gjakova.example,municipal_admin,,sq\n` },
      C,
    );
    expect(late.statusCode).toBe(404);
    expect(await invitationsTo("late@gjakova.example")).toHaveLength(0);

    // Taking it offline clears it, with its own reason.
    const offline = await ministry.submit(
      C,
      { liveReason: "Paused for the election period." },
      `${C}/offline`,
    );
    expect(offline.statusCode).toBe(303);
    expect((await municipality("gjakove")).liveAt).toBeNull();
    expect((await audits("municipality.went_offline", gjakove.id))[0]!.data).toMatchObject({
      reason: "Paused for the election period.",
    });
  });

  it("lets the ministry, not the municipality's admin, put it in the pilot", async () => {
    const gjakove = await municipality("gjakove");
    const lirije = await signIn("lirije.shala");
    expect((await lirije.get(C)).body).not.toContain(`action="${C}/pilot"`);
    const refused = await lirije.postWithToken(`${C}/pilot`, { pilot: "yes", pilotReason: "We want in." }, C);
    expect(refused.statusCode).toBe(404);
    expect((await municipality("gjakove")).pilot).toBe(false);

    const ministry = await signIn("ministria");
    const joined = await ministry.submit(C, { pilotReason: "Chosen for the first wave." }, `${C}/pilot`);
    expect(joined.statusCode).toBe(303);
    expect((await municipality("gjakove")).pilot).toBe(true);
    expect((await audits("municipality.pilot_joined", gjakove.id))[0]!.data).toEqual({
      reason: "Chosen for the first wave.",
    });
    expect(text((await ministry.get(`${C}?done=pilot_joined`)).body)).toContain("National pilot Takes part");
  });
});

describe("staff imported from a CSV list", () => {
  const I = "/m/prishtine/admin/staff/import";

  it("shows each bad row's problems and imports nothing, even when the list is posted straight to the import", async () => {
    const prishtine = await municipality("prishtine");
    const admin = await signIn("admin.prishtine");
    const before = await rolesIn(prishtine.id);
    const csv = [
      "name,email,role,department,language",
      "Drita Krasniqi,drita@prishtina.example,department_head,urbanism,sq",
      "Drita Again,DRITA@prishtina.example,officer,urbanism,sq",
      "Arben Gashi,arben@prishtina,officer,roads,sq",
      "Vesa Berisha,vesa@prishtina.example,mayor,,de",
      "Gent Kola,gent@prishtina.example,officer,,sq",
    ].join("\n");
    const { preview } = await importList(admin, "prishtine", csv);
    expect(preview.statusCode).toBe(422);
    const page = text(preview.body);
    expect(page).toContain("Error: Check the staff list");
    expect(page).toContain("4 rows have problems. Nothing is imported until every row is correct.");
    expect(page).toContain("Error: This address is already on line 2: one row per person.");
    expect(page).toContain("Error: Enter an email address in the right form");
    expect(page).toContain("Error: No department of the municipality has this code.");
    expect(page).toContain(
      "Error: The role must be department_head, officer, participation_coordinator or municipal_admin.",
    );
    expect(page).toContain("Error: The language must be sq, sr or en.");
    expect(page).toContain("Error: A department head or officer needs a department code.");
    expect(preview.body).not.toContain(`action="${I}"`); // no import button
    expect(preview.body).toContain("Drita Again"); // the list comes back to be corrected

    const forced = await admin.postWithToken(I, { csv }, I);
    expect(forced.statusCode).toBe(422);
    expect(await rolesIn(prishtine.id)).toEqual(before);
    expect(await invitationsTo("drita@prishtina.example")).toHaveLength(0);
    expect(await audits("staff.imported", prishtine.id)).toHaveLength(0);
  });

  it("says what is wrong with a list it cannot read", async () => {
    const admin = await signIn("admin.prishtine");
    const missing = await admin.submit(I, { csv: "name;email\nA;a@example.org\n" }, `${I}/preview`);
    expect(missing.statusCode).toBe(422);
    expect(text(missing.body)).toContain("The header row lacks these columns: role, department, language.");
    const empty = await admin.submit(I, { csv: "" }, `${I}/preview`);
    expect(text(empty.body)).toContain("The list is empty: choose a file or paste the list.");
  });

  it("invites new addresses and existing accounts alike and leaves held roles, all in one go, audited", async () => {
    const prishtine = await municipality("prishtine");
    const [urbanism] = await db()
      .select()
      .from(departments)
      .where(and(eq(departments.municipalityId, prishtine.id), eq(departments.code, "urbanism")));
    const admin = await signIn("admin.prishtine");
    const before = await rolesIn(prishtine.id);
    const csv = [
      "name,email,role,department,language",
      "Drita Krasniqi,drita.krasniqi@prishtina.example,department_head,urbanism,sr",
      `Stefan Ilić,${demo("stefan.ilic")},officer,Urbanism,sr`,
      `Arta Morina,${demo("zyrtari.prishtine")},officer,public-services,sq`,
    ].join("\r\n");
    const { preview, confirm } = await importList(admin, "prishtine", csv);
    expect(preview.statusCode).toBe(200);
    const page = text(preview.body);
    expect(page).toContain("1 invitation to a new address");
    expect(page).toContain("1 invitation to an existing account");
    expect(page).toContain("An invitation is emailed; the person creates their account");
    expect(page).toContain("An invitation is emailed to the existing account; its owner accepts it");
    expect(page).toContain("The account already has this role: nothing to do.");
    expect(page).toContain("Import 2 people");

    const done = await confirm();
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(
      "/m/prishtine/admin/onboarding?done=staff_imported&invited=1&accounts=1&unchanged=1",
    );
    expect(text((await admin.get(done.headers.location!)).body)).toContain(
      "The staff list has been imported. Invitations sent to new addresses: 1. Invitations sent to existing accounts: 1. Roles already held: 1.",
    );
    // Nothing granted yet: the existing account has an invitation to its own address, as a new one would.
    expect(await rolesIn(prishtine.id)).toEqual(before);
    const toStefan = (await invitationsTo(demo("stefan.ilic"))).find(
      (i) => (i.data as { municipalityId?: number }).municipalityId === prishtine.id,
    );
    expect(toStefan).toMatchObject({ userId: await userId(demo("stefan.ilic")) });
    expect(toStefan!.data).toMatchObject({
      role: "officer",
      municipalityId: prishtine.id,
      departmentId: urbanism!.id,
    });
    const [invitation] = await invitationsTo("drita.krasniqi@prishtina.example");
    expect(invitation!.data).toMatchObject({
      role: "department_head",
      municipalityId: prishtine.id,
      departmentId: urbanism!.id,
      language: "sr",
    });
    const [invited] = await mailTo("drita.krasniqi@prishtina.example");
    expect(invited!.subject).toBe("Pozvani ste da radite na E-Komuni za Priština");
    expect((await audits("staff.imported", prishtine.id)).map((a) => a.data)).toEqual([
      { rows: 3, invited: 1, invitedAccounts: 1, unchanged: 1 },
    ]);
    expect((await audits("staff.invited", prishtine.id)).slice(-2).map((a) => a.data)).toMatchObject([
      { email: "drita.krasniqi@prishtina.example", role: "department_head" },
      { email: demo("stefan.ilic"), role: "officer" },
    ]);

    // Stefan accepts, signed in: the role is his from then on, granted by the admin who imported him.
    await accept("stefan.ilic");
    expect(await rolesIn(prishtine.id)).toContainEqual({
      email: demo("stefan.ilic"),
      role: "officer",
      departmentId: urbanism!.id,
    });
    expect((await audits("role.granted", prishtine.id)).at(-1)).toMatchObject({
      actorId: await userId(demo("admin.prishtine")),
      data: { role: "officer", via: "invitation", acceptedBy: await userId(demo("stefan.ilic")) },
    });
  });

  it("reads an uploaded file: UTF-8 with a byte-order mark, semicolons, quoted names", async () => {
    const prishtine = await municipality("prishtine");
    const admin = await signIn("admin.prishtine");
    const page = await admin.get(I);
    const token = page.body.match(/name="_csrf" value="([^"]+)"/)![1]!;
    const file =
      '\uFEFFname;email;role;department;language\r\n"Hoxha; Liridona";liridona@prishtina.example;participation_coordinator;;sq\r\n';
    const boundary = "----onboarding-test";
    const body = [
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="csv"\r\n\r\n\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="staff.csv"\r\nContent-Type: text/csv\r\n\r\n${file}\r\n`,
      `--${boundary}--\r\n`,
    ].join("");
    const preview = await p.app.inject({
      method: "POST",
      url: `${I}/preview`,
      headers: {
        cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        "content-type": `multipart/form-data; boundary=${boundary}`,
      },
      payload: Buffer.from(body, "utf8"),
    });
    expect(preview.statusCode).toBe(200);
    expect(text(preview.body)).toContain(
      "Hoxha; Liridona liridona@prishtina.example Participation coordinator",
    );
    const imported = await admin.post(I, formFields(preview.body, I));
    expect(imported.statusCode).toBe(303);
    expect(await invitationsTo("liridona@prishtina.example")).toHaveLength(1);
    expect((await audits("staff.imported", prishtine.id)).at(-1)!.data).toMatchObject({ invited: 1 });

    const latin2 = Buffer.concat([
      Buffer.from("name,email,role,department,language\nD"),
      Buffer.from([0xc7]),
      Buffer.from("eku,d@x.example,officer,urbanism,sq\n"),
    ]);
    const refused = await p.app.inject({
      method: "POST",
      url: `${I}/preview`,
      headers: {
        cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        "content-type": `multipart/form-data; boundary=${boundary}`,
      },
      payload: Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="staff.csv"\r\n\r\n`,
        ),
        latin2,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    });
    expect(refused.statusCode).toBe(422);
    expect(text(refused.body)).toContain('save it from the spreadsheet as "CSV UTF-8"');
  });
});

describe("categories and languages", () => {
  it("switches categories on and off at once, audited, warning of the open cases a category keeps", async () => {
    const prishtine = await municipality("prishtine");
    const admin = await signIn("admin.prishtine");
    const P = "/m/prishtine/admin/categories";
    const page = await admin.get(P);
    expect(page.statusCode).toBe(200);
    const ids = [...page.body.matchAll(/name="category" value="(\d+)" checked/g)].map((m) => m[1]!);
    const national = await db()
      .select()
      .from(categories)
      .where(and(isNull(categories.municipalityId), eq(categories.active, true)));
    expect(ids).toHaveLength(national.length);
    const code = (id: number) => national.find((c) => c.id === id)!.code;
    // The category with the most open demo cases in Prishtinë is switched off, and one with none (graffiti).
    const [open] = await db()
      .select({ categoryId: cases.categoryId, n: count() })
      .from(cases)
      .where(and(eq(cases.municipalityId, prishtine.id), inArray(cases.status, [...OPEN_STATUSES])))
      .groupBy(cases.categoryId)
      .orderBy(desc(count()))
      .limit(1);
    const busy = open!.categoryId;
    const quiet =
      national.find((c) => c.code === "graffiti" && c.id !== busy) ?? national.find((c) => c.id !== busy)!;
    const graffiti = quiet.id;
    const keep = ids.filter((id) => Number(id) !== busy && Number(id) !== graffiti);

    const saved = await postPairs(admin, P, pairsOf(formFields(page.body, P), "category", keep));
    expect(saved.statusCode).toBe(303);
    const off = await db()
      .select()
      .from(municipalityCategories)
      .where(
        and(
          eq(municipalityCategories.municipalityId, prishtine.id),
          eq(municipalityCategories.enabled, false),
        ),
      );
    expect(off.map((o) => o.categoryId).sort()).toEqual([busy, graffiti].sort());
    const ref = await referenceData(db());
    expect(ref.offeredCategory(prishtine.id, quiet.type, quiet.code)).toBeUndefined();
    const [entry] = await audits("municipality.categories_set", prishtine.id);
    expect(entry!.data).toMatchObject({
      switchedOff: expect.arrayContaining([code(busy), quiet.code]),
      stillOpen: [{ code: code(busy), open: open!.n }],
    });
    const after = text((await admin.get(`${P}?done=categories_saved`)).body);
    expect(after).toContain("The categories have been saved.");
    expect(after).toMatch(/Switched off: its \d+ open cases? (is|are) still to be answered/);

    // Everything back on.
    const again = await admin.get(P);
    expect((await postPairs(admin, P, pairsOf(formFields(again.body, P), "category", ids))).statusCode).toBe(
      303,
    );
    expect(
      (
        await db()
          .select()
          .from(municipalityCategories)
          .where(eq(municipalityCategories.municipalityId, prishtine.id))
      ).every((r) => r.enabled),
    ).toBe(true);
    expect((await referenceData(db())).offeredCategory(prishtine.id, quiet.type, quiet.code)).toBeDefined();
  });

  it("keeps Albanian, Serbian and English on, stores the chosen others, every one of them with its catalog", async () => {
    const operator = await signIn("operator");
    const L = "/m/prizren/admin/languages";
    const page = await operator.get(L);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/id="language-sq" value="sq" checked disabled/);
    // Every page offers English whatever the municipality stores: no box pretends to switch it off.
    expect(page.body).toMatch(/id="language-en" value="en" checked disabled/);
    expect(text(page.body)).toContain("Always offered, on every page of the platform.");
    // Turkish and Bosnian have catalogs now (issue 10): no language is offered untranslated.
    expect(text(page.body)).not.toContain("not yet translated");
    const saved = await postPairs(operator, L, pairsOf(formFields(page.body, L), "language", ["tr", "bs"]));
    expect(saved.statusCode).toBe(303);
    expect((await municipality("prizren")).languages).toEqual(["sq", "sr", "en", "tr", "bs"]);
    const [entry] = await audits("municipality.languages_set");
    expect(entry!.data).toEqual({ before: ["sq", "sr", "en", "tr"], after: ["sq", "sr", "en", "tr", "bs"] });
    for (const always of ["sq", "en"]) {
      const bad = await operator.post(L, { ...formFields(page.body, L), language: always });
      expect(bad.statusCode, always).toBe(400);
    }
  });
});

describe("languages the law makes official", () => {
  it("keeps Turkish on in Prizren whatever the form sends, and the checklist says so when it is missing", async () => {
    const operator = await signIn("operator");
    const L = "/m/prizren/admin/languages";
    const page = await operator.get(L);
    expect(page.body).toMatch(/id="language-tr" value="tr" checked disabled/);
    expect(text(page.body)).toContain("An official language in this municipality by law");
    // Bosnian is Prizren's to choose: its box can be ticked and unticked.
    expect(page.body).toMatch(/name="language" value="bs"/);

    // Nothing ticked (a browser sends no disabled box), or Turkish left out of a crafted form: it stays.
    await postPairs(operator, L, pairsOf(formFields(page.body, L), "language", []));
    expect((await municipality("prizren")).languages).toEqual(["sq", "sr", "en", "tr"]);
    await postPairs(operator, L, pairsOf(formFields(page.body, L), "language", ["bs"]));
    expect((await municipality("prizren")).languages).toEqual(["sq", "sr", "en", "tr", "bs"]);
    // Prishtinë has no such language: unticking Bosnian there removes it.
    await postPairs(
      operator,
      "/m/prishtine/admin/languages",
      pairsOf(formFields(page.body, L), "language", []),
    );
    expect((await municipality("prishtine")).languages).toEqual(["sq", "sr", "en"]);

    // Stored without Turkish (an import, an old database): the checklist holds the item open and names it.
    const prizren = await municipality("prizren");
    await db()
      .update(municipalities)
      .set({ languages: ["sq", "sr", "en"] })
      .where(eq(municipalities.id, prizren.id));
    const checklist = text((await operator.get("/m/prizren/admin/onboarding")).body);
    expect(checklist).toContain("Missing a language the law makes official here: Turkish.");
    await db()
      .update(municipalities)
      .set({ languages: prizren.languages })
      .where(eq(municipalities.id, prizren.id));
    expect(text((await operator.get("/m/prizren/admin/onboarding")).body)).not.toContain(
      "Missing a language the law makes official here",
    );
  });
});

describe("who may onboard", () => {
  const pages = ["onboarding", "categories", "languages", "staff/import"].map(
    (s) => `/m/prishtine/admin/${s}`,
  );

  it("answers another municipality's staff as if nothing were there, and changes nothing", async () => {
    const prishtine = await municipality("prishtine");
    const officer = await signIn("zyrtari.prizren");
    for (const page of pages) expect((await officer.get(page)).statusCode, page).toBe(404);
    const coordinator = await signIn("koordinatori.prishtine"); // of Prishtinë, but no admin
    for (const page of pages) expect((await coordinator.get(page)).statusCode, page).toBe(404);
    const live = await officer.postWithToken(
      "/m/prishtine/admin/onboarding/live",
      { liveReason: "x" },
      "/account",
    );
    expect(live.statusCode).toBe(404);
    const imported = await officer.postWithToken(
      "/m/prishtine/admin/staff/import",
      { csv: `name,email,role,department,language\nX,${demo("zyrtari.prizren")},municipal_admin,,sq\n` },
      "/account",
    );
    expect(imported.statusCode).toBe(404);
    expect((await rolesIn(prishtine.id)).some((r) => r.email === demo("zyrtari.prizren"))).toBe(false);
  });

  it("lets the ministry see the checklist, choose categories and import staff while the municipality is not live", async () => {
    const ministry = await signIn("ministria");
    expect((await ministry.get("/m/prishtine/admin/onboarding")).statusCode).toBe(200);
    expect((await ministry.get("/m/prishtine/admin/categories")).statusCode).toBe(200);
    expect((await ministry.get("/m/prishtine/admin/staff/import")).statusCode).toBe(200);
    expect((await ministry.get("/m/prishtine/admin/onboarding")).body).toContain(
      'href="/m/prishtine/admin/staff/import"',
    );
  });
});
