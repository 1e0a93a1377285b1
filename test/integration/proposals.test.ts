// Proposals end to end, through the pages as the people who use them (the demo's coordinator, admin and
// citizens of Prishtinë): moderation (publish, reject), support (once per account, only while collecting,
// verified-only where asked), the threshold that starts the formal answer's clocks with the support period
// given back, the decision and the public progress record, the expiry pass, and the municipal settings.
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actOnCase, type StaffAction } from "../../src/cases/commands/staffAction.ts";
import { submitCase } from "../../src/cases/commands/submitCase.ts";
import { dueAfterPauses } from "../../src/cases/sla.ts";
import {
  auditLog,
  caseEvents,
  cases,
  notifications,
  participationSettings,
  proposalSupports,
  proposals,
  users,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { loadActor } from "../../src/identity/actor.ts";
import { expireProposals } from "../../src/participation/proposals/expiry.ts";
import { PAGE_SIZE, stageSql } from "../../src/participation/proposals/proposalQueries.ts";
import { STAGES, stageOf } from "../../src/participation/proposals/proposalRules.ts";
import { seedDemoProposals } from "../../src/participation/proposals/seedDemoProposals.ts";
import { supportProposal } from "../../src/participation/proposals/supportProposal.ts";
import { runParticipationPass } from "../../src/participation/scheduler.ts";
import { referenceData } from "../../src/reference/referenceCache.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
const db = () => p.deps.database.db;
let laneCode: string;
let parkCode: string;
let n = 0;

/** A fresh session each time: the tests move the clock by days, past a session's idle time. */
async function as(local: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  const res = await web.submit("/login", { email: `${local}@demo.ekomuna.example`, password: DEMO_PASSWORD });
  if (res.statusCode !== 303) throw new Error(`could not log in as ${local}`);
  return web;
}

const userId = async (local: string) =>
  (
    await db()
      .select()
      .from(users)
      .where(eq(users.email, `${local}@demo.ekomuna.example`))
  )[0]!.id;
const caseOf = async (code: string) =>
  (await db().select().from(cases).where(eq(cases.trackingCode, code)))[0]!;
const proposalOf = async (code: string) =>
  (
    await db()
      .select({ p: proposals })
      .from(proposals)
      .innerJoin(cases, eq(cases.id, proposals.caseId))
      .where(eq(cases.trackingCode, code))
  )[0]?.p;
const noticesOf = async (local: string, caseId: number) =>
  db()
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, await userId(local)), eq(notifications.caseId, caseId)))
    .orderBy(asc(notifications.id));
const audits = async (action: string, subject: string) =>
  db()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.subjectId, subject)));

/** The text of a page without its markup, entities decoded, for reading messages. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&#39;/g, "'")
    .replace(/&quot;|&#34;/g, '"')
    .replace(/\s+/g, " ");

/** A proposal sent by Lirije Shala in Prishtinë, as the journey would; its tracking code. */
async function submitted(category = "infrastructure-proposal", title = `Propozimi ${n + 1}`) {
  const made = await submitCase(
    {
      municipality: "prishtine",
      type: "proposal",
      category,
      answers: {},
      title,
      description: "Një stol në çdo stacion autobusi.",
      contact: { showName: false },
      language: "sq",
      channel: "web",
      idempotencyKey: `proposals-test-${++n}`,
    },
    {
      db: db(),
      now: p.clock.now(),
      calendar: p.deps.calendar,
      bounds: p.deps.profile.bounds,
      baseUrl: "http://x",
      poke: () => {},
      actor: { kind: "user", userId: await userId("lirije.shala"), identityLevel: "basic", roles: [] },
    },
  );
  if (!made.ok) throw new Error("could not submit");
  return made.trackingCode;
}

const staffPage = (code: string) => `/m/prishtine/participation/proposals/${code}`;
async function publish(code: string) {
  const res = await (await as("koordinatori.prishtine")).submit(
    staffPage(code),
    {},
    `${staffPage(code)}/publish`,
  );
  expect(res.statusCode).toBe(303);
}
const support = async (local: string, code: string) =>
  (await as(local)).submit(`/proposals/${code}`, {}, `/proposals/${code}/support`);
/** A support posted where the page offers no button (already given, own proposal, closed): what if one tries. */
const supportAnyway = async (local: string, code: string) =>
  (await as(local)).postWithToken(`/proposals/${code}/support`, {}, `/proposals/${code}`);

/** Prishtinë's own rules, saved through the settings page. */
async function settings(values: Partial<Record<string, string>>) {
  return (await as("admin.prishtine")).submit("/m/prishtine/admin/participation", {
    proposalWindowDays: "30",
    proposalThreshold: "3",
    registeredVoters: "",
    consultationMinDays: "15",
    ...values,
  });
}

beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
  // The demo seeding calls seedDemoProposals once it is wired in; until then the test seeds it the same way.
  const [seeded] = await db().select({ n: sql<number>`count(*)::int` }).from(proposals);
  if (!seeded?.n) {
    const ref = await referenceData(db());
    const ids = new Map<string, string>();
    for (const u of await db().select().from(users)) ids.set(u.email.split("@")[0]!, u.id);
    await db().transaction((tx) =>
      seedDemoProposals(tx, {
        now: p.clock.now(),
        municipalityId: (slug) => ref.municipalityBySlug(slug)!.id,
        userId: (local) => ids.get(local)!,
        calendar: p.deps.calendar,
      }),
    );
  }
  const rows = await db()
    .select({ code: cases.trackingCode, decision: proposals.decision })
    .from(proposals)
    .innerJoin(cases, eq(cases.id, proposals.caseId));
  laneCode = rows.find((r) => r.decision === null)!.code;
  parkCode = rows.find((r) => r.decision === "accepted")!.code;
});
afterAll(() => p.close());

describe("the demo's proposals", () => {
  it("are where the browser suite's sample pages say, each answering as it declares", async () => {
    expect(p.app.pageSamples).toContain(`/proposals/${laneCode}`);
    expect(p.app.pageSamples).toContain(staffPage(parkCode));
    const mine = p.app.pages.filter((page) =>
      /^\/(proposals\/|m\/prishtine\/(proposals|participation\/proposals|admin\/participation))/.test(
        page.sample,
      ),
    );
    expect(mine.length).toBeGreaterThanOrEqual(7);
    for (const page of mine) {
      const web = page.as ? await as(page.as) : new WebClient(p.app);
      expect((await web.get(page.sample)).statusCode, page.sample).toBe(page.status);
    }
    // The moderation sample shows a proposal awaiting moderation, with its forms.
    const queue = p.app.pages.find(
      (page) => page.as === "koordinatori.prishtine" && page.sample.endsWith("000016"),
    );
    const moderation = await (await as("koordinatori.prishtine")).get(queue!.sample);
    expect(moderation.body).toContain(`${queue!.sample}/publish`);
    expect(moderation.body).toContain(`${queue!.sample}/reject`);
  });

  it("list publicly with their support as text and their stage in words", async () => {
    const res = await new WebClient(p.app, { "accept-language": "en" }).get("/m/prishtine/proposals");
    expect(res.statusCode).toBe(200);
    const page = text(res.body);
    expect(page).toContain("12 of 15 supports");
    expect(page).toMatch(/Collecting support: \d+ days left/);
    expect(page).toContain("Accepted — in progress: 40 %");
    const filtered = await new WebClient(p.app, { "accept-language": "en" }).get(
      "/m/prishtine/proposals?stage=decided",
    );
    expect(text(filtered.body)).not.toContain("12 of 15 supports");
    expect(text(filtered.body)).toContain("15 of 15 supports");
    const bad = await new WebClient(p.app).get("/m/prishtine/proposals?stage=everything");
    expect(bad.statusCode).toBe(400);
  });

  it("show a proposal to a visitor without personal data, with a sign-in link to support", async () => {
    const res = await new WebClient(p.app, { "accept-language": "en" }).get(`/proposals/${laneCode}`);
    expect(res.statusCode).toBe(200);
    expect(text(res.body)).toContain("12 of 15 supports");
    expect(res.body).toContain("Sign in to support this proposal");
    expect(res.body).not.toContain("lirije.shala@");
    expect(res.body).not.toContain("Lirije Shala");
    expect(res.body).toContain('lang="sq"');
  });

  it("show an accepted proposal's progress record with its milestones", async () => {
    const res = await new WebClient(p.app, { "accept-language": "en" }).get(`/proposals/${parkCode}`);
    const page = text(res.body);
    expect(page).toContain("Progress");
    expect(page).toContain("The playground's design was drawn up and approved. (25 %)");
    expect(page).toContain("Work began on site: the fence and the base. (40 %)");
    expect(res.body).toContain('lang="sr-Latn"');
    // Located: the place opens on a map from a plain link.
    expect(res.body).toContain("https://www.openstreetmap.org/?mlat=42.6555&amp;mlon=21.1458");
  });

  it("give the live count as JSON, never cached", async () => {
    const res = await new WebClient(p.app).get(`/proposals/${laneCode}/support.json`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.json()).toMatchObject({ count: 12, threshold: 15, stage: "collecting" });
    expect(new Date(res.json().closesAt).getTime()).toBeGreaterThan(p.clock.now().getTime());
    const missing = await new WebClient(p.app).get("/proposals/PRI-2026-999999/support.json");
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("who may moderate and configure", () => {
  it("sends visitors to log in and shows others nothing", async () => {
    const visitor = await new WebClient(p.app).get("/m/prishtine/participation/proposals");
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toMatch(/^\/login\?next=/);
    expect((await (await as("stefan.ilic")).get("/m/prishtine/participation/proposals")).statusCode).toBe(
      404,
    );
    expect(
      (await (await as("koordinatori.prizren")).get("/m/prishtine/participation/proposals")).statusCode,
    ).toBe(404);
    expect(
      (await (await as("koordinatori.prishtine")).get("/m/prishtine/admin/participation")).statusCode,
    ).toBe(404);
    expect((await (await as("admin.prishtine")).get("/m/prishtine/participation/proposals")).statusCode).toBe(
      404,
    );
  });
});

describe("municipal settings", () => {
  it("refuses a consultation minimum below the national one, keeping what was typed", async () => {
    const res = await settings({ consultationMinDays: "10", proposalThreshold: "7" });
    expect(res.statusCode).toBe(422);
    expect(text(res.body)).toContain("at least 15 days, the national minimum");
    expect(res.body).toContain('value="7"');
  });

  it("refuses numbers out of range at their fields", async () => {
    const res = await settings({ proposalWindowDays: "0", proposalThreshold: "many" });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('href="#field-proposalWindowDays"');
    expect(res.body).toContain('href="#field-proposalThreshold"');
  });

  it("saves the municipality's own rules, audited", async () => {
    const res = await settings({ registeredVoters: "150000" });
    expect(res.statusCode).toBe(303);
    const prishtine = (await referenceData(db())).municipalityBySlug("prishtine")!.id;
    const [row] = await db()
      .select()
      .from(participationSettings)
      .where(eq(participationSettings.municipalityId, prishtine));
    expect(row).toMatchObject({ proposalWindowDays: 30, proposalThreshold: 3, registeredVoters: 150000 });
    expect(await audits("participation.settings_saved", String(prishtine))).toHaveLength(1);
  });

  it("makes a proposal of a municipal act need the legal share of the registered voters", async () => {
    const code = await submitted("regulation-proposal");
    await publish(code);
    expect((await proposalOf(code))!.threshold).toBe(22_500);
  });
});

describe("a proposal from submission to its progress record", () => {
  let code: string;

  it("waits for moderation, then publication opens the pause and tells the submitter", async () => {
    code = await submitted();
    const list = await (await as("koordinatori.prishtine")).get("/m/prishtine/participation/proposals");
    expect(text(list.body)).toContain(code);
    // Not public before publication.
    expect((await new WebClient(p.app).get(`/proposals/${code}`)).statusCode).toBe(404);
    await publish(code);
    const kase = await caseOf(code);
    expect(kase.status).toBe("acknowledged");
    expect(kase.visibility).toBe("public");
    expect(kase.slaState).toBe("paused");
    expect(kase.slaPauses).toEqual([{ from: p.clock.now().toISOString() }]);
    expect(await proposalOf(code)).toMatchObject({ threshold: 3, supportCount: 0, requiresVerified: false });
    expect(await audits("proposal.publish", code)).toHaveLength(1);
    const told = await noticesOf("lirije.shala", kase.id);
    expect(told.map((t) => t.subject)).toContain(`Propozimi juaj ${code} u publikua`);
    // Publishing twice does nothing more.
    const again = await (await as("koordinatori.prishtine")).postWithToken(
      `${staffPage(code)}/publish`,
      {},
      staffPage(code),
    );
    expect(again.statusCode).toBe(422);
    expect(text(again.body)).toContain("already been published");
  });

  it("counts one support per account, refuses the submitter, and tells why", async () => {
    p.clock.advance(2 * 86_400_000);
    const first = await support("stefan.ilic", code);
    expect(first.statusCode).toBe(303);
    const second = await supportAnyway("stefan.ilic", code);
    expect(second.statusCode).toBe(409);
    expect(text(second.body)).toContain("You already support this proposal");
    const own = await supportAnyway("lirije.shala", code);
    expect(own.statusCode).toBe(403);
    expect((await proposalOf(code))!.supportCount).toBe(1);
    const page = await (await as("stefan.ilic")).get(`/proposals/${code}`);
    expect(text(page.body)).toContain("You support this proposal");
  });

  it("counts two supports sent at once from one account once", async () => {
    const user = (
      await db().select().from(users).where(eq(users.email, "zyrtari.prishtine@demo.ekomuna.example"))
    )[0]!;
    const deps = {
      db: db(),
      now: p.clock.now(),
      calendar: p.deps.calendar,
      actor: await loadActor(db(), user),
      baseUrl: "http://x",
      poke: () => {},
    };
    const results = await Promise.all([supportProposal(deps, code), supportProposal(deps, code)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ reason: "already_supported" });
    expect((await proposalOf(code))!.supportCount).toBe(2);
    const [counted] = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(proposalSupports)
      .where(eq(proposalSupports.caseId, (await caseOf(code)).id));
    expect(counted!.n).toBe(2);
  });

  it("at the threshold runs the answer's clock from receipt with the support period given back", async () => {
    const before = await caseOf(code);
    const publishedAt = new Date(before.slaPauses[0]!.from);
    p.clock.advance(3 * 86_400_000);
    const res = await support("drejtori.prishtine", code);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain("done=threshold");
    const now = p.clock.now();
    const after = await caseOf(code);
    expect((await proposalOf(code))!.thresholdReachedAt).toEqual(now);
    expect(after.slaPauses).toEqual([{ from: publishedAt.toISOString(), to: now.toISOString() }]);
    expect(after.slaState).not.toBe("paused");
    const standard = (await referenceData(db())).standardFor(
      after.municipalityId,
      after.categoryId,
      after.priority,
    )!;
    const expected = dueAfterPauses(
      after.receivedAt,
      standard.firstResponseWithin,
      standard.unit,
      [{ from: publishedAt, to: now }],
      p.deps.calendar,
    );
    const unpaused = dueAfterPauses(
      after.receivedAt,
      standard.firstResponseWithin,
      standard.unit,
      [],
      p.deps.calendar,
    );
    expect(expected).toBeInstanceOf(Date);
    expect(after.responseDueAt).toEqual(expected);
    // Pushed later by the working days the proposal spent collecting support.
    expect(after.responseDueAt!.getTime()).toBeGreaterThan(unpaused!.getTime());
    expect(after.slaDueAt).toEqual(expected);
    // The submitter, the supporters and the coordinator are told, each under their topic.
    expect((await noticesOf("lirije.shala", after.id)).map((t) => t.topic)).toContain("case_status");
    expect((await noticesOf("stefan.ilic", after.id)).at(-1)).toMatchObject({ topic: "followed_updates" });
    expect((await noticesOf("koordinatori.prishtine", after.id)).at(-1)).toMatchObject({
      topic: "assignment",
    });
    const events = await db().select().from(caseEvents).where(eq(caseEvents.caseId, after.id));
    expect(events.map((e) => e.type)).toContain("proposal_threshold_reached");
    // No more supports once the threshold is reached.
    const late = await supportAnyway("zyrtari.prizren", code);
    expect(late.statusCode).toBe(409);
    expect(text(late.body)).toContain("no longer collecting support");
    const page = await new WebClient(p.app, { "accept-language": "en" }).get(`/proposals/${code}`);
    expect(text(page.body)).toContain("Threshold reached — awaiting the municipality's answer by");
  });

  it("is answered under consideration, then accepted, through the case's commands", async () => {
    const coordinator = await as("koordinatori.prishtine");
    const empty = await coordinator.submit(
      staffPage(code),
      { decision: "rejected" },
      `${staffPage(code)}/decision`,
    );
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('href="#field-decisionMessage"');
    expect(empty.body).toContain('href="#field-decisionReason"');
    const considering = await coordinator.submit(
      staffPage(code),
      { decision: "under_consideration", decisionMessage: "Po e shqyrtojmë me drejtorinë e trafikut." },
      `${staffPage(code)}/decision`,
    );
    expect(considering.statusCode).toBe(303);
    let kase = await caseOf(code);
    expect(kase.firstResponseAt).toEqual(p.clock.now());
    expect(kase.status).toBe("acknowledged");
    expect((await proposalOf(code))!.decision).toBe("under_consideration");
    p.clock.advance(86_400_000);
    const accepted = await (await as("koordinatori.prishtine")).submit(
      staffPage(code),
      { decision: "accepted", decisionMessage: "Komuna e pranon propozimin." },
      `${staffPage(code)}/decision`,
    );
    expect(accepted.statusCode).toBe(303);
    kase = await caseOf(code);
    expect(kase.status).toBe("answered");
    expect(await proposalOf(code)).toMatchObject({
      decision: "accepted",
      progressStatus: "planned",
      progressPercent: 0,
    });
    expect(await audits("proposal.decide", code)).toHaveLength(2);
    expect((await noticesOf("lirije.shala", kase.id)).map((t) => t.topic)).toContain("case_answer");
  });

  it("keeps a public progress record: status, percentage, budget line, milestones", async () => {
    const coordinator = await as("koordinatori.prishtine");
    const bad = await coordinator.submit(
      staffPage(code),
      { progressStatus: "in_progress", progressPercent: "150", budgetLine: "Programi 12" },
      `${staffPage(code)}/progress`,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('value="150"');
    const ok = await coordinator.submit(
      staffPage(code),
      { progressStatus: "in_progress", progressPercent: "30", budgetLine: "Programi 12" },
      `${staffPage(code)}/progress`,
    );
    expect(ok.statusCode).toBe(303);
    const noSerbian = await coordinator.submit(
      staffPage(code),
      { on: "2026-12-15", textSq: "U vendosën stolat e parë." },
      `${staffPage(code)}/milestones`,
    );
    expect(noSerbian.statusCode).toBe(422);
    expect(noSerbian.body).toContain('href="#field-textSr"');
    const milestone = await coordinator.submit(
      staffPage(code),
      {
        on: "2026-12-15",
        textSq: "U vendosën stolat e parë.",
        textSr: "Postavljene su prve klupe.",
        milestonePercent: "30",
      },
      `${staffPage(code)}/milestones`,
    );
    expect(milestone.statusCode).toBe(303);
    const page = await new WebClient(p.app, { "accept-language": "sr" }).get(`/proposals/${code}`);
    expect(text(page.body)).toContain("Prihvaćen — u realizaciji: 30 %");
    expect(text(page.body)).toContain("Postavljene su prve klupe. (30 %)");
    expect(text(page.body)).toContain("Programi 12");
    expect(await audits("proposal.progress", code)).toHaveLength(1);
    expect(await audits("proposal.milestone_added", code)).toHaveLength(1);
    // The supporters hear of each change in their language (Stefan reads Serbian), the submitter too.
    const kase = await caseOf(code);
    const stefan = await noticesOf("stefan.ilic", kase.id);
    expect(stefan.slice(-2).map((x) => [x.topic, x.subject])).toEqual([
      ["followed_updates", `Napredak predloga ${code}`],
      ["followed_updates", `Novi korak predloga ${code}`],
    ]);
    expect(stefan.at(-2)!.body).toContain("U realizaciji, urađeno 30 %");
    expect(stefan.at(-1)!.body).toContain("Postavljene su prve klupe.");
    expect((await noticesOf("lirije.shala", kase.id)).at(-1)!.body).toContain("U vendosën stolat e parë.");
  });
});

describe("rejection at moderation", () => {
  it("needs a national reason code and a public reason, then rejects through the lifecycle", async () => {
    const code = await submitted("environment-proposal");
    const coordinator = await as("koordinatori.prishtine");
    const missing = await coordinator.submit(staffPage(code), { message: "" }, `${staffPage(code)}/reject`);
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('href="#field-reasonCode"');
    expect(missing.body).toContain('href="#field-message"');
    const res = await coordinator.submit(
      staffPage(code),
      { reasonCode: "not-municipal-competence", message: "Kjo rrugë është nën menaxhimin e ministrisë." },
      `${staffPage(code)}/reject`,
    );
    expect(res.statusCode).toBe(303);
    const kase = await caseOf(code);
    expect(kase).toMatchObject({ status: "rejected", reasonCode: "not-municipal-competence" });
    expect(await proposalOf(code)).toBeUndefined();
    expect(await audits("case.reject", code)).toHaveLength(1);
  });
});

describe("verified-only support", () => {
  it("refuses a basic identity with a clear message and counts a verified one", async () => {
    await settings({ supportRequiresVerified: "yes", proposalThreshold: "10" });
    const code = await submitted("social-proposal");
    await publish(code);
    expect((await proposalOf(code))!.requiresVerified).toBe(true);
    const basic = await supportAnyway("zyrtari.prizren", code);
    expect(basic.statusCode).toBe(403);
    expect(text(basic.body)).toContain("only from verified identities");
    await db()
      .update(users)
      .set({ identityLevel: "verified" })
      .where(eq(users.id, await userId("sluzbenik.gracanica")));
    const verified = await support("sluzbenik.gracanica", code);
    expect(verified.statusCode).toBe(303);
    expect((await proposalOf(code))!.supportCount).toBe(1);
    await settings({ supportRequiresVerified: "" });
  });
});

describe("the expiry pass", () => {
  it("closes a proposal whose window ended short of the threshold, once, telling submitter and supporters", async () => {
    await settings({ proposalWindowDays: "10", proposalThreshold: "50" });
    const code = await submitted();
    await publish(code);
    expect((await support("stefan.ilic", code)).statusCode).toBe(303);
    const closesAt = (await proposalOf(code))!.supportClosesAt;
    const ctx = { calendar: p.deps.calendar, baseUrl: "http://x" };
    // Not before the window has passed.
    expect(await expireProposals(db(), new Date(closesAt.getTime() - 1000), ctx)).toBe(0);
    p.clock.set(new Date(closesAt.getTime() + 3_600_000));
    // Two passes at once (two processes): the proposal is ended once.
    const ended = await Promise.all([
      expireProposals(db(), p.clock.now(), ctx),
      expireProposals(db(), p.clock.now(), ctx),
    ]);
    expect(ended.reduce((a, b) => a + b, 0)).toBe(1);
    const kase = await caseOf(code);
    expect(kase).toMatchObject({ status: "closed", reasonCode: "support-window-ended" });
    expect(kase.slaPauses.every((x) => x.to !== undefined)).toBe(true);
    expect((await proposalOf(code))!.expiredAt).toEqual(p.clock.now());
    const events = await db()
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, kase.id), eq(caseEvents.toStatus, "closed")));
    expect(events).toHaveLength(1);
    expect(await expireProposals(db(), p.clock.now(), ctx)).toBe(0);
    expect((await noticesOf("lirije.shala", kase.id)).map((t) => t.subject)).toContain(
      `Propozimi ${code} nuk e arriti pragun`,
    );
    expect((await noticesOf("stefan.ilic", kase.id)).at(-1)).toMatchObject({ topic: "followed_updates" });
    const page = await new WebClient(p.app, { "accept-language": "en" }).get(`/proposals/${code}`);
    expect(text(page.body)).toContain("Expired: not enough support in time");
    expect((await supportAnyway("drejtori.prishtine", code)).statusCode).toBe(409);
  });
});

describe("a proposal staff end while it collects support", () => {
  /** The coordinator acts on the case through the case commands, as the workspace's case page does. */
  async function staffAct(code: string, action: StaffAction) {
    const [user] = await db()
      .select()
      .from(users)
      .where(eq(users.email, "koordinatori.prishtine@demo.ekomuna.example"));
    const done = await actOnCase(
      {
        db: db(),
        now: p.clock.now(),
        calendar: p.deps.calendar,
        actor: await loadActor(db(), user!),
        baseUrl: "http://x",
        poke: () => {},
      },
      { code, action },
    );
    expect(done.ok).toBe(true);
  }
  const pass = () =>
    runParticipationPass(db(), p.clock.now(), { calendar: p.deps.calendar, baseUrl: "http://x" });

  for (const [how, action, status] of [
    [
      "rejected",
      { kind: "change_status", action: "reject", reasonCode: "not-feasible", message: "Nuk është e mundur." },
      "rejected",
    ],
    ["answered", { kind: "answer", message: "Komuna e ka në plan tashmë.", final: true }, "answered"],
  ] as const) {
    it(`when ${how}, leaves no pause open and is not expired by the window's end`, async () => {
      await settings({ proposalWindowDays: "10", proposalThreshold: "50" });
      const code = await submitted();
      await publish(code);
      expect((await support("stefan.ilic", code)).statusCode).toBe(303);
      p.clock.advance(86_400_000);
      await staffAct(code, action);
      const ended = await caseOf(code);
      expect(ended.status).toBe(status);
      const endedAt = (ended.closedAt ?? ended.resolvedAt)!;
      // The next pass closes the pause at the instant the case ended: the support period, no longer.
      await pass();
      let kase = await caseOf(code);
      expect(kase.slaPauses.every((x) => x.to !== undefined)).toBe(true);
      expect(kase.slaPauses.at(-1)!.to).toBe(endedAt.toISOString());
      expect(kase.slaState).not.toBe("paused");
      // Past the window: the expiry pass leaves the ended case as it is, tells nobody, marks nothing.
      p.clock.advance(15 * 86_400_000);
      const told = (await noticesOf("lirije.shala", kase.id)).length;
      await pass();
      kase = await caseOf(code);
      expect(kase.status).toBe(status);
      expect((await proposalOf(code))!.expiredAt).toBeNull();
      expect(await noticesOf("lirije.shala", kase.id)).toHaveLength(told);
      const json = await new WebClient(p.app).get(`/proposals/${code}/support.json`);
      expect(json.json().stage).toBe(status === "rejected" ? "rejected" : "closed");
    });
  }
});

describe("withdrawing support", () => {
  it("lowers the count while the proposal collects, and is refused once the threshold is reached", async () => {
    const code = await submitted();
    await publish(code);
    await db()
      .update(proposals)
      .set({ threshold: 2 })
      .where(eq(proposals.caseId, (await caseOf(code)).id));
    expect((await support("stefan.ilic", code)).statusCode).toBe(303);
    const stefan = await as("stefan.ilic");
    // Without the form's token nothing happens.
    expect((await stefan.post(`/proposals/${code}/support/withdraw`, {})).statusCode).toBe(403);
    expect((await proposalOf(code))!.supportCount).toBe(1);
    // The page offers the withdrawal to the supporter; the count drops in the same transaction.
    const withdrawn = await stefan.submit(`/proposals/${code}`, {}, `/proposals/${code}/support/withdraw`);
    expect(withdrawn.statusCode).toBe(303);
    expect(withdrawn.headers.location).toContain("done=withdrawn");
    expect((await proposalOf(code))!.supportCount).toBe(0);
    const [kept] = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(proposalSupports)
      .where(eq(proposalSupports.caseId, (await caseOf(code)).id));
    expect(kept!.n).toBe(0);
    const page = await stefan.get(`/proposals/${code}?done=withdrawn`);
    expect(text(page.body)).toContain("Your support was withdrawn");
    expect(page.body).toContain(`action="/proposals/${code}/support"`);
    // Twice: nothing more to withdraw, nothing counted twice.
    const again = await stefan.postWithToken(`/proposals/${code}/support/withdraw`, {}, `/proposals/${code}`);
    expect(again.statusCode).toBe(409);
    expect(text(again.body)).toContain("nothing to withdraw");
    expect((await proposalOf(code))!.supportCount).toBe(0);
    // Given again, then the threshold reached: the supports stand.
    expect((await support("stefan.ilic", code)).statusCode).toBe(303);
    expect((await support("zyrtari.prishtine", code)).statusCode).toBe(303);
    expect((await proposalOf(code))!.thresholdReachedAt).not.toBeNull();
    const late = await (await as("stefan.ilic")).postWithToken(
      `/proposals/${code}/support/withdraw`,
      {},
      `/proposals/${code}`,
    );
    expect(late.statusCode).toBe(409);
    expect(text(late.body)).toContain("supports given stand");
    expect((await proposalOf(code))!.supportCount).toBe(2);
  });
});

describe("the lists, a page at a time", () => {
  /** The tracking codes a list page shows, once per proposal (its link names it again). */
  const codesOn = (html: string) =>
    [...html.matchAll(/(?:case-card__code">|<span>)(PRI-\d{4}-\d{6})</g)].map((m) => m[1]!);
  const cards = (html: string) => html.split('class="case-card"').length - 1;

  it("page the public and the staff lists, every proposal on exactly one page", async () => {
    await settings({ proposalWindowDays: "30", proposalThreshold: "50" });
    const visitor = new WebClient(p.app, { "accept-language": "en" });
    const list = (q: string) => visitor.get(`/m/prishtine/proposals?${q}`);
    const before = Number(text((await list("stage=collecting")).body).match(/(\d+) proposals?/)![1]);
    const coordinator = await as("koordinatori.prishtine");
    const made: string[] = [];
    for (let i = before; i < PAGE_SIZE + 3; i++) {
      const code = await submitted();
      expect((await coordinator.submit(staffPage(code), {}, `${staffPage(code)}/publish`)).statusCode).toBe(
        303,
      );
      made.push(code);
    }
    const total = Math.max(before, PAGE_SIZE + 3);
    const first = await list("stage=collecting");
    expect(text(first.body)).toContain(`${total} proposals`);
    expect(text(first.body)).toContain("Page 1 of 2");
    expect(cards(first.body)).toBe(PAGE_SIZE);
    expect(first.body).toMatch(/href="\/m\/prishtine\/proposals\?stage=collecting&(amp;)?page=2"/);
    const second = await list("stage=collecting&page=2");
    expect(second.statusCode).toBe(200);
    expect(cards(second.body)).toBe(total - PAGE_SIZE);
    const shown = [...codesOn(first.body), ...codesOn(second.body)];
    expect(new Set(shown).size).toBe(shown.length);
    for (const code of made) expect(shown).toContain(code);
    // Only collecting proposals, newest first: the accepted demo proposal is on neither page.
    expect(shown).not.toContain(parkCode);
    expect(codesOn(first.body)[0]).toBe(made.at(-1));
    expect((await list("stage=collecting&page=3")).statusCode).toBe(404);
    for (const bad of ["page=0", "page=two", "page=-1"]) expect((await list(bad)).statusCode, bad).toBe(400);

    // The staff list pages each group on its own, keeping the others' pages in its links.
    const staff = await coordinator.get("/m/prishtine/participation/proposals?decided=1");
    expect(text(staff.body)).toContain(`Collecting support (${total})`);
    expect(staff.body).toMatch(
      /href="\/m\/prishtine\/participation\/proposals\?decided=1&(amp;)?collecting=2#group-collecting"/,
    );
    const staffSecond = await coordinator.get("/m/prishtine/participation/proposals?collecting=2");
    const rest = codesOn(staffSecond.body).filter((c) => shown.includes(c));
    expect(new Set(rest).size).toBe(total - PAGE_SIZE);
    expect((await coordinator.get("/m/prishtine/participation/proposals?collecting=9")).statusCode).toBe(404);
    expect((await coordinator.get("/m/prishtine/participation/proposals?queue=x")).statusCode).toBe(400);
  });

  it("filter by the same stage in SQL as the pages show", async () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const before = new Date(now.getTime() - 1000);
    const after = new Date(now.getTime() + 1000);
    const combos = [];
    for (const decision of [null, "accepted", "rejected", "under_consideration"])
      for (const caseStatus of ["acknowledged", "rejected", "closed", "answered", "reopened"])
        for (const expiredAt of [null, before])
          for (const thresholdReachedAt of [null, before])
            for (const supportClosesAt of [before, now, after])
              combos.push({ decision, caseStatus, expiredAt, thresholdReachedAt, supportClosesAt });
    for (const c of combos) {
      const ts = (d: Date | null) => sql`${d ? d.toISOString() : null}::timestamptz`;
      const expr = stageSql(now, {
        decision: sql`${c.decision}::text`,
        caseStatus: sql`${c.caseStatus}::text`,
        expiredAt: ts(c.expiredAt),
        thresholdReachedAt: ts(c.thresholdReachedAt),
        supportClosesAt: ts(c.supportClosesAt),
      });
      const { rows } = (await db().execute(sql`select ${expr} as stage`)) as unknown as {
        rows: { stage: string }[];
      };
      expect(STAGES).toContain(rows[0]!.stage);
      expect(rows[0]!.stage, JSON.stringify(c)).toBe(stageOf(c, now));
    }
  });
});

describe("found by review", () => {
  it("lists a proposal publicly without the phone number or email its title carries", async () => {
    const code = await submitted("infrastructure-proposal", "Stola te stacioni, thirrni 044 123 456");
    await publish(code);
    const list = await new WebClient(p.app).get("/m/prishtine/proposals");
    expect(list.body).toContain(code);
    expect(list.body).not.toContain("044 123 456");
    expect(text(list.body)).toContain("Stola te stacioni, thirrni […]");
  });

  it("shows staff the deadlines of a proposal collecting support as paused, never overdue", async () => {
    const code = await submitted();
    await publish(code);
    p.clock.advance(45 * 86_400_000);
    const page = text(
      (await (await as("koordinatori.prishtine")).get(`/m/prishtine/workspace/cases/${code}`)).body,
    );
    expect(page).toContain("Paused");
    expect(page).not.toMatch(/days? overdue|Overdue/);
  });

  it("records one decision when two are given at once, and the case and proposal agree", async () => {
    const code = await submitted();
    await publish(code);
    // Two supports reach it, whatever the rules the tests above left in force.
    await db()
      .update(proposals)
      .set({ threshold: 2 })
      .where(eq(proposals.caseId, (await caseOf(code)).id));
    for (const local of ["stefan.ilic", "zyrtari.prishtine"]) await support(local, code);
    expect((await proposalOf(code))!.thresholdReachedAt).not.toBeNull();
    const coordinator = await as("koordinatori.prishtine");
    const [a, b] = await Promise.all([
      coordinator.submit(
        staffPage(code),
        { decision: "accepted", decisionMessage: "Po." },
        `${staffPage(code)}/decision`,
      ),
      coordinator.submit(
        staffPage(code),
        { decision: "rejected", decisionMessage: "Jo.", decisionReason: "not-feasible" },
        `${staffPage(code)}/decision`,
      ),
    ]);
    expect([a.statusCode, b.statusCode].filter((s) => s === 303)).toHaveLength(1);
    const decided = (await proposalOf(code))!.decision;
    const kase = await caseOf(code);
    expect(kase.status).toBe(decided === "accepted" ? "answered" : "rejected");
    expect(await audits("proposal.decide", code)).toHaveLength(1);
  });
});
