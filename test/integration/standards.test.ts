// The national standards as the ministry keeps them (/ministry/standards), signed in as the demo ministry
// monitor: each change needs a reason and a day it applies from, is written with its history row and audit
// entry, and is listed (who, why, before → after) for the ministry and for municipal staff; a change dated
// later waits and is applied once on its day by the scheduler; a national standard or consultation minimum
// that a municipality's own stricter setting would violate is refused, naming the municipality, and changes
// nothing; bad input answers 422 with the form kept; only the ministry may change, only staff may read.
import { and, asc, count, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  categories,
  municipalities,
  notifications,
  outbox,
  participationSettings,
  responseTemplates,
  slaStandards,
  standardChanges,
  users,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { participationSettingsFor } from "../../src/participation/settings.ts";
import { referenceData } from "../../src/reference/referenceCache.ts";
import { seedReference } from "../../src/reference/seedReference.ts";
import { seedStandardsDemo } from "../../src/standards/demo.ts";
import { applyDueChanges, startStandardsScheduler } from "../../src/standards/standardsScheduler.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
let ministry: WebClient;
const db = () => p.deps.database.db;
const S = "/ministry/standards";
const TZ = "Europe/Belgrade";

async function signIn(local: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  const res = await web.submit("/login", { email: `${local}@demo.ekomuna.example`, password: DEMO_PASSWORD });
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

const category = async (code: string) =>
  (
    await db()
      .select()
      .from(categories)
      .where(and(eq(categories.code, code), isNull(categories.municipalityId)))
  )[0]!;
const changesOf = (subject: string) =>
  db()
    .select()
    .from(standardChanges)
    .where(eq(standardChanges.subject, subject))
    .orderBy(asc(standardChanges.id));
const auditsOf = async (action: string, subject: string) =>
  (
    await db()
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.action, action), eq(auditLog.subjectId, subject)))
  )[0]!.n;

beforeAll(async () => {
  // Thursday 26 November 2026, 11:00 in Prishtina.
  p = await createTestPlatform({ demo: true, now: "2026-11-26T10:00:00Z" });
  await seedStandardsDemo(db(), p.clock.now(), TZ);
  ministry = await signIn("ministria");
});
afterAll(() => p.close());

describe("who may see and change the national standards", () => {
  it("sends a visitor to log in, and answers a citizen or an officer as if the pages did not exist", async () => {
    const visitor = new WebClient(p.app);
    const res = await visitor.get(S);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(S)}`);
    for (const local of ["lirije.shala", "zyrtari.prishtine"]) {
      const web = await signIn(local);
      expect((await web.get(S)).statusCode).toBe(404);
      expect((await web.get(`${S}/categories/waste`)).statusCode).toBe(404);
      const post = await web.postWithToken(
        `${S}/participation`,
        {
          consultationMinDays: "30",
          proposalWindowDays: "90",
          proposalThreshold: "100",
          normativeThresholdPercent: "15",
          reason: "Po provoj",
        },
        "/",
      );
      expect(post.statusCode).toBe(404);
    }
    const [row] = await db()
      .select()
      .from(participationSettings)
      .where(isNull(participationSettings.municipalityId));
    expect(row!.consultationMinDays).toBe(15);
  });

  it("lets municipal staff read what changed nationally, but not a citizen", async () => {
    const officer = await signIn("zyrtari.prishtine");
    const res = await officer.get("/standards/changes");
    expect(res.statusCode).toBe(200);
    // The demo's change dated for 1 December, still waiting, with the day it applies from.
    expect(text(res.body)).toContain("Response standard: Sewage (sewage) – All priorities");
    expect(text(res.body)).toContain("Waiting. Applies from December 1, 2026");
    const citizen = await signIn("lirije.shala");
    expect((await citizen.get("/standards/changes")).statusCode).toBe(404);
    expect((await citizen.get("/standards/changes.csv")).statusCode).toBe(404);
  });

  it("shows the ministry every section in one place", async () => {
    const res = await ministry.get(S);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain("standards.");
    const words = text(res.body);
    for (const heading of [
      "Categories and their questions",
      "Response standards",
      "Reason codes",
      "Standard responses",
      "Participation rules",
      "Working-day calendar",
      "Changes waiting for their day",
    ])
      expect(words).toContain(heading);
    expect(words).toContain("a date already promised to a citizen never moves");
  });
});

describe("a change that applies today", () => {
  it("changes the category at once and lists it in the history with who, why and before → after", async () => {
    // A browser sends every field of the form, changed or not.
    const res = await ministry.submit(`${S}/categories/potholes`, {
      group: "roads",
      nameSq: "Gropa në rrugë",
      nameSr: "Udarne rupe na putu",
      nameEn: "Potholes",
      anonymousAllowed: "yes",
      active: "yes",
      reason: "A shorter name reads better in the lists (instruction 7/2026).",
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${S}/categories/potholes?done=applied`);
    expect((await category("potholes")).name.en).toBe("Potholes");
    // The running process offers the new name at once.
    const reference = await referenceData(db());
    expect(reference.offeredCategory(1, "issue_report", "potholes")?.category.name.en).toBe("Potholes");

    const [change] = await changesOf("category:potholes");
    expect(change).toMatchObject({
      kind: "category",
      reason: "A shorter name reads better in the lists (instruction 7/2026).",
      appliesFrom: "2026-11-26",
    });
    expect(change!.appliedAt).not.toBeNull();
    expect((change!.before as { name: { en: string } }).name.en).toBe("Potholes and road damage");
    expect(await auditsOf("standard.changed", "category:potholes")).toBe(1);

    for (const [web, path] of [
      [ministry, `${S}/changes`],
      [await signIn("admin.prishtine"), "/standards/changes"],
    ] as const) {
      const page = text((await web.get(path)).body);
      expect(page).toContain("Category: Potholes (potholes)");
      expect(page).toContain(
        "Names: Gropa në rrugë / Udarne rupe na putu / Potholes and road damage → Gropa në rrugë / Udarne rupe na putu / Potholes",
      );
      expect(page).toContain("Arben Krasniqi");
      expect(page).toContain("A shorter name reads better in the lists (instruction 7/2026).");
    }
    const csv = await ministry.get(`${S}/changes.csv?kind=category`);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.body).toContain("category:potholes");
    expect(csv.body).toContain("Arben Krasniqi");
    expect(csv.body).not.toContain("sla:");

    // `ekomuna seed` run again (an upgrade) adds what is new in the profile but leaves the ministry's edit.
    await seedReference(db(), p.deps.profile);
    expect((await category("potholes")).name.en).toBe("Potholes");
  });

  it("adds a question with its choices, and names the line of a choice written wrong", async () => {
    const path = `${S}/categories/stray-animals/questions/new`;
    const fields = {
      code: "animal",
      datatype: "singlevaluelist",
      descSq: "Çfarë kafshe?",
      descSr: "Koja životinja?",
      descEn: "Which animal?",
      order: "1",
      values: "dog | Qen | Pas | Dog\ncat | Mace | Mačka",
      reason: "Ekipet e terrenit duhet ta dinë.",
    };
    const bad = await ministry.submit(path, fields);
    expect(bad.statusCode).toBe(422);
    expect(text(bad.body)).toContain("Line 2: write key | Albanian | Serbian | English");
    expect(bad.body).toContain("Koja životinja?");
    const ok = await ministry.submit(path, {
      ...fields,
      values: "dog | Qen | Pas | Dog\ncat | Mace | Mačka | Cat",
    });
    expect(ok.statusCode).toBe(303);
    const reference = await referenceData(db());
    const offered = reference.offeredCategory(1, "issue_report", "stray-animals");
    expect(offered?.questions.map((q) => [q.code, q.values?.map((v) => v.key)])).toEqual([
      ["animal", ["dog", "cat"]],
    ]);
  });
});

describe("a change dated later", () => {
  const subject = "sla:issue_report:public-lighting:*";
  const form = {
    priority: "",
    unit: "working_days",
    ack: "2",
    firstResponse: "5",
    resolution: "8",
    reason: "Vendimi nr. 22/2026 për ndriçimin publik.",
    appliesFrom: "2026-12-01",
  };

  it("waits, shown as waiting, and keeps the standard in force until its day", async () => {
    const res = await ministry.submit(`${S}/categories/public-lighting/response`, form);
    expect(res.statusCode).toBe(303);
    const [change] = await changesOf(subject);
    expect(res.headers.location).toBe(`${S}/changes/${change!.id}?done=scheduled`);
    expect(change!.appliedAt).toBeNull();
    expect((await category("public-lighting")).resolutionWithin).toBe(10);
    const page = text((await ministry.get(res.headers.location as string)).body);
    expect(page).toContain(
      "Standard: Acknowledge: 2 working days; First response: 5 working days; Resolution: 10 working days → Acknowledge: 2 working days; First response: 5 working days; Resolution: 8 working days",
    );
    expect(page).toContain("Waiting. Applies from December 1, 2026");

    // Another change of the same standard waits until this one has applied (or is withdrawn).
    const again = await ministry.submit(`${S}/categories/public-lighting/response`, {
      ...form,
      resolution: "9",
    });
    expect(again.statusCode).toBe(422);
    expect(text(again.body)).toContain("A change of this already waits to apply from December 1, 2026");
  });

  it("is applied once on its day, even by two passes at once, and new cases get it", async () => {
    // 23:59 on 30 November in Prishtina: not yet.
    expect((await applyDueChanges(db(), new Date("2026-11-30T22:59:00Z"), TZ)).applied).toBe(0);
    const due = await db()
      .select({ n: count() })
      .from(standardChanges)
      .where(isNull(standardChanges.appliedAt));
    // Midnight: two processes' passes at the same instant apply each due change exactly once between them.
    const midnight = new Date("2026-11-30T23:00:00Z");
    const passes = await Promise.all([
      applyDueChanges(db(), midnight, TZ),
      applyDueChanges(db(), midnight, TZ),
    ]);
    expect(passes[0]!.applied + passes[1]!.applied).toBe(due[0]!.n);
    expect(passes.every((pass) => pass.failed === 0)).toBe(true);
    const [change] = await changesOf(subject);
    expect(change!.appliedAt?.toISOString()).toBe(midnight.toISOString());
    expect(await auditsOf("standard.applied", subject)).toBe(1);
    expect((await category("public-lighting")).resolutionWithin).toBe(8);
    const reference = await referenceData(db());
    const lighting = await category("public-lighting");
    const prishtina = reference.municipalityBySlug("prishtine")!;
    expect(reference.standardFor(prishtina.id, lighting.id, "normal")?.resolutionWithin).toBe(8);

    // The scheduler the server starts finds nothing more to do.
    p.clock.set(midnight);
    const scheduler = startStandardsScheduler(db(), p.deps.calendar, {
      clock: p.clock,
      intervalMs: 3_600_000,
    });
    expect(await scheduler.runNow()).toEqual({ applied: 0, failed: 0, conflicts: 0 });
    await scheduler.stop();
    p.clock.set("2026-11-26T10:00:00Z");
  });

  it("can be withdrawn while it waits, and then never applies", async () => {
    const res = await ministry.submit(`${S}/categories/road-signs/response`, {
      ...form,
      resolution: "12",
      appliesFrom: "2027-01-04",
    });
    expect(res.statusCode).toBe(303);
    const changePage = (res.headers.location as string).replace(/\?.*$/, "");
    const empty = await ministry.submit(changePage, {}, `${changePage}/withdraw`);
    expect(empty.statusCode).toBe(422);
    expect(text(empty.body)).toContain("Enter the reason for the change");
    const withdrawn = await ministry.submit(
      changePage,
      { reason: "U dërgua gabimisht." },
      `${changePage}/withdraw`,
    );
    expect(withdrawn.statusCode).toBe(303);
    expect(await changesOf("sla:issue_report:road-signs:*")).toEqual([]);
    expect(await auditsOf("standard.withdrawn", "sla:issue_report:road-signs:*")).toBe(1);
    await applyDueChanges(db(), new Date("2027-01-05T10:00:00Z"), TZ);
    expect((await category("road-signs")).resolutionWithin).toBe(15);
  });
});

describe("refused: a national standard a municipality's stricter setting would now violate", () => {
  it("names the municipality and the clock, and changes nothing", async () => {
    const [prishtina] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
    const waste = await category("waste");
    // Prishtinë promises to resolve uncollected waste in 5 working days (the national standard: 7).
    await db().insert(slaStandards).values({
      municipalityId: prishtina!.id,
      type: "issue_report",
      categoryId: waste.id,
      unit: "working_days",
      ackWithin: 1,
      firstResponseWithin: 3,
      resolutionWithin: 5,
    });
    const before = await db().select({ n: count() }).from(standardChanges);
    const res = await ministry.submit(`${S}/categories/waste/response`, {
      priority: "",
      unit: "working_days",
      ack: "1",
      firstResponse: "2",
      resolution: "4",
      reason: "Mbeturinat duhet të mblidhen më shpejt.",
    });
    expect(res.statusCode).toBe(422);
    const words = text(res.body);
    expect(words).toContain("Error:");
    expect(words).toContain(
      "Resolution: shorter than what these municipalities promise on their own: Prishtinë (All priorities: 5 working days)",
    );
    // Its first response (3 days) is longer than the 2 proposed too; its acknowledgement (1 day) is not.
    expect(words).toContain("First response: shorter than what these municipalities promise on their own");
    expect(words).not.toContain("Acknowledge: shorter");
    // What was typed is kept.
    expect(res.body).toMatch(/name="resolution"[^>]*value="4"/);
    expect((await category("waste")).resolutionWithin).toBe(7);
    expect(await db().select({ n: count() }).from(standardChanges)).toEqual(before);
    expect(await auditsOf("standard.changed", "sla:issue_report:waste:*")).toBe(0);
  });

  it("refuses a national consultation minimum longer than a municipality's own, naming it", async () => {
    const [peja] = await db().select().from(municipalities).where(eq(municipalities.slug, "peje"));
    await db().insert(participationSettings).values({ municipalityId: peja!.id, consultationMinDays: 20 });
    const res = await ministry.submit(`${S}/participation`, {
      consultationMinDays: "21",
      proposalWindowDays: "90",
      proposalThreshold: "100",
      normativeThresholdPercent: "15",
      reason: "Ligji i ri kërkon më shumë kohë.",
    });
    expect(res.statusCode).toBe(422);
    // Prishtinë's own rules (the demo's) keep the national 15 days: it is named as well.
    expect(text(res.body)).toContain(
      "Longer than the consultation minimum these municipalities have set on their own: Prishtinë (15), Pejë (20)",
    );
    const [national] = await db()
      .select()
      .from(participationSettings)
      .where(isNull(participationSettings.municipalityId));
    expect(national!.consultationMinDays).toBe(15);
    // The other rules are no minimum of the law: a municipality keeps its own whole.
    const ok = await ministry.submit(`${S}/participation`, {
      consultationMinDays: "15",
      proposalWindowDays: "90",
      proposalThreshold: "120",
      normativeThresholdPercent: "15",
      reason: "Më shumë mbështetës para një përgjigjeje zyrtare.",
    });
    expect(ok.statusCode).toBe(303);
    const [after] = await db()
      .select()
      .from(participationSettings)
      .where(isNull(participationSettings.municipalityId));
    expect(after!.proposalThreshold).toBe(120);
  });
});

describe("a change dated later and the municipalities' own settings", () => {
  // The auditors' case: the national first response shortened from a later day, a municipality's own rule
  // tighter than today's standard but looser than the coming one.
  const national = {
    priority: "",
    unit: "working_days",
    ack: "2",
    firstResponse: "2",
    resolution: "20",
    reason: "Gropat duhet të shikohen më shpejt.",
    appliesFrom: "2026-12-15",
  };
  const ADMIN = "/m/prishtine/admin/standards";
  const idOf = async (slug: string) =>
    (await db().select().from(municipalities).where(eq(municipalities.slug, slug)))[0]!.id;

  it("refuses a municipality's rule looser than a national change waiting for its day, naming it and the day", async () => {
    const scheduled = await ministry.submit(`${S}/categories/potholes/response`, national);
    expect(scheduled.statusCode).toBe(303);
    expect((await category("potholes")).firstResponseWithin).toBe(5);
    const admin = await signIn("admin.prishtine");
    const potholes = await category("potholes");
    const form = {
      category: String(potholes.id),
      priority: "",
      unit: "working_days",
      ack: "2",
      firstResponse: "3",
      resolution: "15",
    };
    const looser = await admin.submit(ADMIN, form, ADMIN);
    expect(looser.statusCode).toBe(422);
    expect(text(looser.body)).toContain(
      "First response: a national change already decided sets the standard to 2 working days from December 15, 2026; this time is longer, and a municipality may only shorten it",
    );
    const own = () =>
      db()
        .select()
        .from(slaStandards)
        .where(and(eq(slaStandards.categoryId, potholes.id), eq(slaStandards.priority, "normal")));
    expect(
      await db()
        .select()
        .from(slaStandards)
        .where(and(eq(slaStandards.categoryId, potholes.id), isNull(slaStandards.priority))),
    ).toEqual([]);
    // A rule for a priority is held to what that priority will get: the category's own 2 days.
    const forNormal = await admin.submit(ADMIN, { ...form, priority: "normal" }, ADMIN);
    expect(forNormal.statusCode).toBe(422);
    expect(await own()).toEqual([]);
    const ok = await admin.submit(ADMIN, { ...form, firstResponse: "2" }, ADMIN);
    expect(ok.statusCode).toBe(303);
  });

  it("on its day, records a municipal rule it leaves looser for the ministry and tells the municipality's admins", async () => {
    const potholes = await category("potholes");
    const prishtine = await idOf("prishtine");
    // Saved while the change was being recorded (or before the check above existed): urgent cases in 3 days.
    await db().insert(slaStandards).values({
      municipalityId: prishtine,
      type: "issue_report",
      categoryId: potholes.id,
      priority: "urgent",
      unit: "working_days",
      ackWithin: 1,
      firstResponseWithin: 3,
      resolutionWithin: 10,
    });
    const subject = "sla:issue_report:potholes:*";
    const [change] = await changesOf(subject);
    expect(change!.appliedAt).toBeNull();
    const pass = await applyDueChanges(db(), new Date("2026-12-14T23:00:00Z"), TZ, {
      baseUrl: "https://e-komuna.test",
    });
    expect(pass).toMatchObject({ failed: 0, conflicts: 1 });
    expect((await category("potholes")).firstResponseWithin).toBe(2);

    // What the SLA engine does with the looser rule: drops it whole; urgent potholes get the national standard.
    const reference = await referenceData(db());
    expect(reference.standardFor(prishtine, potholes.id, "urgent")).toMatchObject({
      firstResponseWithin: 2,
      resolutionWithin: 20,
    });

    // The ministry sees it on the change's page and in the history.
    const page = text((await ministry.get(`${S}/changes/${change!.id}`)).body);
    expect(page).toContain("Municipal settings it left looser when it applied");
    expect(page).toContain(
      "Prishtinë: its own standard for Potholes (Urgent) — Acknowledge: 1 working day; First response: 3 working days; Resolution: 10 working days — is longer than the national standard in force (Acknowledge: 2 working days; First response: 2 working days; Resolution: 20 working days) on: First response",
    );
    const history = await ministry.get(`${S}/changes?kind=sla`);
    expect(text(history.body)).toContain("Left 1 municipal setting looser than the national one");
    expect(history.body).toContain(`href="${S}/changes/${change!.id}#conflicts"`);
    // Prishtinë's 2 days for every priority, checked against the coming change, is not among them.
    expect(page).not.toContain("(All priorities)");

    // Prishtinë's admin is told, in the app and by email, with the page to fix it.
    const [told] = await db()
      .select()
      .from(notifications)
      .innerJoin(users, eq(users.id, notifications.userId))
      .where(
        and(
          eq(notifications.topic, "standards_conflict"),
          eq(users.email, "admin.prishtine@demo.ekomuna.example"),
        ),
      );
    expect(told).toBeDefined();
    const mails = await db().select().from(outbox).where(eq(outbox.topic, "standards_conflict"));
    expect(mails.length).toBeGreaterThan(0);
    expect(JSON.stringify(mails.map((m) => m.payload))).toContain(
      "https://e-komuna.test/m/prishtine/admin/standards",
    );
  });

  it("holds a municipality's consultation minimum to a longer national one waiting for its day, and reports one left below it", async () => {
    const prishtine = await idOf("prishtine");
    const peja = await idOf("peje");
    // Prishtinë's own rules would block a longer national minimum: it keeps the national ones for now.
    await db().delete(participationSettings).where(eq(participationSettings.municipalityId, prishtine));
    const scheduled = await ministry.submit(`${S}/participation`, {
      consultationMinDays: "18",
      proposalWindowDays: "90",
      proposalThreshold: "120",
      normativeThresholdPercent: "15",
      reason: "Ligji i ri: 18 ditë.",
      appliesFrom: "2026-12-20",
    });
    expect(scheduled.statusCode).toBe(303);
    const admin = await signIn("admin.prishtine");
    const settings = (consultationMinDays: string) =>
      admin.submit("/m/prishtine/admin/participation", {
        proposalWindowDays: "30",
        proposalThreshold: "3",
        registeredVoters: "",
        consultationMinDays,
      });
    const short = await settings("16");
    expect(short.statusCode).toBe(422);
    expect(text(short.body)).toContain(
      "A national change already decided raises the consultation minimum to 18 days from December 20, 2026",
    );
    expect((await settings("18")).statusCode).toBe(303);
    // Pejë's 16 days, saved in a race with the change.
    await db()
      .update(participationSettings)
      .set({ consultationMinDays: 16 })
      .where(eq(participationSettings.municipalityId, peja));
    const pass = await applyDueChanges(db(), new Date("2026-12-19T23:00:00Z"), TZ);
    expect(pass).toMatchObject({ failed: 0, conflicts: 1 });
    const [change] = await changesOf("participation:national").then((rows) =>
      rows.filter((r) => r.appliesFrom === "2026-12-20"),
    );
    const page = text((await ministry.get(`${S}/changes/${change!.id}`)).body);
    expect(page).toContain(
      "Pejë: its own consultation minimum of 16 days is below the national minimum in force of 18 days",
    );
    // And the law's minimum holds for Pejë's consultations until it changes its rules.
    expect((await participationSettingsFor(db(), peja)).consultationMinDays).toBe(18);
  });
});

describe("bad input", () => {
  it("refuses a standard response with an unknown placeholder, keeping what was typed", async () => {
    const body = "Përshëndetje {{emri}}, lënda {{tracking_code}} u pranua.";
    const res = await ministry.submit(`${S}/templates/new`, {
      code: "received_thanks",
      language: "sq",
      appliesTo: "",
      title: "Faleminderit",
      body,
      reason: "Një përgjigje e re.",
    });
    expect(res.statusCode).toBe(422);
    expect(text(res.body)).toContain("{{emri}} is not a placeholder the response can fill");
    expect(text(res.body)).toContain(body);
    const rows = await db()
      .select()
      .from(responseTemplates)
      .where(eq(responseTemplates.code, "received_thanks"));
    expect(rows).toEqual([]);
  });

  it("needs a reason, refuses a day in the past, and shows the problems at the fields", async () => {
    const res = await ministry.submit(`${S}/reasons/new`, {
      code: "not-owner",
      appliesTo: "rejected",
      nameSq: "Nuk është pronari",
      nameSr: "Nije vlasnik",
      nameEn: "Not the owner",
      appliesFrom: "2026-11-25",
    });
    expect(res.statusCode).toBe(422);
    const words = text(res.body);
    expect(words).toContain("Enter the reason for the change");
    expect(words).toContain("The day it applies from cannot be in the past");
    expect(res.body).toContain('href="#field-reason"');
    expect(res.body).toContain("Nije vlasnik");
    expect(await changesOf("reason_code:not-owner")).toEqual([]);
  });

  it("answers a filter that is no kind of change with 400", async () => {
    const res = await ministry.get(`${S}/changes?kind=everything`);
    expect(res.statusCode).toBe(400);
    expect(text(res.body)).toContain("There is no such kind of change.");
  });
});

describe("the working-day calendar's changes", () => {
  it("are kept in the same history", async () => {
    const res = await ministry.submit(
      "/ministry/calendar",
      {
        date: "2026-12-21",
        nameSq: "Dita e Regjistrimit",
        nameSr: "Dan popisa",
        nameEn: "Census Day",
        kind: "movable",
        reason: "Vendimi i Qeverisë nr. 12/2026",
      },
      "/ministry/calendar/holidays",
    );
    expect(res.statusCode).toBe(303);
    const [change] = await changesOf("calendar:XK:2026-12-21");
    expect(change).toMatchObject({
      kind: "calendar",
      before: null,
      reason: "Vendimi i Qeverisë nr. 12/2026",
    });
    expect(change!.appliedAt).not.toBeNull();
    const page = text((await ministry.get(`${S}/changes?kind=calendar`)).body);
    expect(page).toContain("Working-day calendar: Census Day, 2026-12-21");
  });
});
