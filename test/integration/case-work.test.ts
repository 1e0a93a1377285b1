// The staff case page (/m/:slug/workspace/cases/:code) through the pages staff use, signed in through
// the real login form: who sees what (contact details only where the role allows, and audited), every
// action's form end to end, a stale form refused with what changed, bad input kept and answered 422, the
// personal-data check before anything is published, and no input that makes it fail.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/access/policy.ts";
import { actOnCase, type StaffAction } from "../../src/cases/commands/staffAction.ts";
import { submitCase } from "../../src/cases/commands/submitCase.ts";
import {
  auditLog,
  caseEvents,
  casePhotos,
  cases,
  departments,
  municipalities,
  outbox,
  responseTemplates,
  users,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { loadActor } from "../../src/identity/actor.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
const db = () => p.deps.database.db;
const demo = (local: string) => `${local}@demo.ekomuna.example`;

/** A client reading English, signed in through the login form. */
async function signIn(local: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  const res = await web.submit("/login", { email: demo(local), password: DEMO_PASSWORD });
  if (res.statusCode !== 303) throw new Error(`could not log in as ${local}`);
  return web;
}

const web: Record<string, WebClient> = {};
let servicesId: number;
beforeAll(async () => {
  p = await createTestPlatform({ demo: true, now: "2026-11-26T10:00:00Z" });
  for (const local of [
    "zyrtari.prishtine",
    "drejtori.prishtine",
    "koordinatori.prishtine",
    "sluzbenik.gracanica",
    "lirije.shala",
    "ministria",
  ])
    web[local] = await signIn(local);
  const [d] = await db()
    .select({ id: departments.id })
    .from(departments)
    .innerJoin(municipalities, eq(municipalities.id, departments.municipalityId))
    .where(and(eq(municipalities.slug, "prishtine"), eq(departments.code, "public-services")));
  servicesId = d!.id;
});
afterAll(() => p.close());

async function userId(local: string) {
  const [u] = await db()
    .select()
    .from(users)
    .where(eq(users.email, demo(local)));
  return u!;
}
async function actorOf(local: string): Promise<Actor> {
  return loadActor(db(), await userId(local));
}

let n = 0;
/**
 * A new Prishtinë case with contact details, sent to the public-services department (where zyrtari and
 * drejtori work) unless `assigned` is false.
 */
async function newCase(
  options: {
    type?: "issue_report" | "request";
    assigned?: boolean;
    description?: string;
    showName?: boolean;
  } = {},
) {
  const type = options.type ?? "issue_report";
  const made = await submitCase(
    {
      municipality: "prishtine",
      type,
      category: type === "issue_report" ? "potholes" : "information",
      answers: {},
      title: `Gropë ${++n}`,
      description: options.description ?? "Gropë e madhe para shkollës.",
      address: "Rruga B 12",
      contact: {
        showName: options.showName ?? false,
        name: "Arta Krasniqi",
        email: "arta@example.org",
        phone: "049 111 222",
      },
      language: "sq",
      channel: "web",
      idempotencyKey: `case-work-${n}`,
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
  if (options.assigned !== false)
    await act("koordinatori.prishtine", made.trackingCode, {
      kind: "assign",
      departmentId: servicesId,
      assigneeId: null,
    });
  return made.trackingCode;
}

async function act(local: string, code: string, action: StaffAction) {
  const done = await actOnCase(
    {
      db: db(),
      now: p.clock.now(),
      calendar: p.deps.calendar,
      actor: await actorOf(local),
      baseUrl: "http://x",
      poke: () => {},
    },
    { code, action },
  );
  if (!done.ok) throw new Error(`${action.kind}: ${done.reason}`);
}

const page = (code: string, slug = "prishtine") => `/m/${slug}/workspace/cases/${code}`;
const formPath = (code: string, form: string) => `${page(code)}/${form}`;
const row = async (code: string) => (await db().select().from(cases).where(eq(cases.trackingCode, code)))[0]!;
const eventsOf = async (code: string) =>
  db()
    .select()
    .from(caseEvents)
    .where(eq(caseEvents.caseId, (await row(code)).id));
const decode = (s: string) =>
  s
    .replace(/&amp;/g, "&")
    .replace(/&#x2F;/g, "/")
    .replace(/&#39;/g, "'");

/** The hidden inputs of the form posting to `action` on a page (what a browser sends along). */
function hiddenFields(body: string, action: string): Record<string, string> {
  const form = [...body.matchAll(/<form method="post" action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)].find(
    (f) => decode(f[1]!) === action,
  );
  if (!form) throw new Error(`no form posting to ${action}`);
  return Object.fromEntries(
    [...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((h) => [
      h[1]!,
      decode(h[2]!),
    ]),
  );
}

/** Submits the page's form for `form` as `local`, with `fields` filled in. */
const submit = (local: string, code: string, form: string, fields: Record<string, string> = {}) =>
  web[local]!.submit(page(code), fields, formPath(code, form));

const personalViews = async (code: string, local: string) =>
  (
    await db()
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.subjectId, code),
          eq(auditLog.action, "case.personal_data_viewed"),
          eq(auditLog.actorId, (await userId(local)).id),
        ),
      )
  ).length;

describe("who sees what on the staff case page", () => {
  it("shows the department's officer everything the citizen sent, contact details included, audited once a day", async () => {
    const code = await newCase();
    const res = await web["zyrtari.prishtine"]!.get(page(code));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("Gropë e madhe para shkollës.");
    expect(res.body).toContain("Rruga B 12");
    expect(res.body).toContain("arta@example.org");
    expect(res.body).toContain("049 111 222");
    expect(res.body).toContain("Arta Krasniqi");
    expect(res.body).toContain('href="/m/prishtine/workspace"');
    // Which language to answer in: the citizen's (Albanian here), named in the page's language.
    expect(res.body).toMatch(/<dt>Answer in<\/dt>\s*<dd>Shqip<\/dd>/);
    // The deadlines: three clocks, the running one with time left.
    expect(res.body).toContain("Acknowledgement (running now)");
    expect(res.body).toContain("On track");
    expect(res.body).toMatch(/due in \d+ working days?|due today/);
    expect(await personalViews(code, "zyrtari.prishtine")).toBe(1);
    await web["zyrtari.prishtine"]!.get(page(code));
    expect(await personalViews(code, "zyrtari.prishtine")).toBe(1);
    // The next day it is recorded again (signed in anew: yesterday's session has timed out by then).
    p.clock.advance(24 * 3_600_000);
    try {
      const nextDay = await signIn("zyrtari.prishtine");
      expect((await nextDay.get(page(code))).statusCode).toBe(200);
      expect(await personalViews(code, "zyrtari.prishtine")).toBe(2);
    } finally {
      p.clock.advance(-24 * 3_600_000);
    }
  });

  it("shows the ministry the case but not the contact details, and records no viewing", async () => {
    const code = await newCase();
    const res = await web.ministria!.get(page(code));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("Gropë e madhe para shkollës.");
    expect(res.body).not.toContain("arta@example.org");
    expect(res.body).not.toContain("049 111 222");
    expect(res.body).toContain("Your role does not include seeing the citizen&#39;s contact details.");
    expect(await personalViews(code, "ministria")).toBe(0);
    // Nor any form: the ministry watches, it does not work cases.
    expect(res.body).not.toContain(`action="${formPath(code, "note")}"`);
  });

  it("answers 404 to another municipality's officer, to a citizen, and under another municipality's address", async () => {
    const code = await newCase();
    expect((await web["sluzbenik.gracanica"]!.get(page(code))).statusCode).toBe(404);
    expect((await web["lirije.shala"]!.get(page(code))).statusCode).toBe(404);
    // The submitter of a demo case does not see its staff page either.
    expect((await web["lirije.shala"]!.get(page("PRI-2026-000003"))).statusCode).toBe(404);
    expect((await web["zyrtari.prishtine"]!.get(page(code, "gracanice"))).statusCode).toBe(404);
    expect((await web["zyrtari.prishtine"]!.get(page("PRI-2026-999999"))).statusCode).toBe(404);
    expect((await web["zyrtari.prishtine"]!.get(page("<script>"))).statusCode).toBe(404);
    // A case of the municipality outside the officer's department is not theirs.
    const unassigned = await newCase({ assigned: false });
    expect((await web["zyrtari.prishtine"]!.get(page(unassigned))).statusCode).toBe(404);
    expect((await web["koordinatori.prishtine"]!.get(page(unassigned))).statusCode).toBe(200);
    // A visitor is asked to log in first.
    const visitor = new WebClient(p.app);
    const res = await visitor.get(page(code));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(page(code))}`);
  });

  it("is written in each of the platform's languages, every form included", async () => {
    const code = await newCase({ description: "Më thirrni: 044 987 654" });
    await act("zyrtari.prishtine", code, { kind: "note", text: "Shënim." });
    for (const lang of ["sq", "sr", "en"]) {
      const client = await signIn("koordinatori.prishtine");
      client.cookies.set("lang", lang);
      const shown = await client.get(page(code));
      expect(shown.statusCode).toBe(200);
      // A failed form too: its messages and the personal-data check.
      const held = await client.submit(
        page(code),
        { answer_message: "Thirrni në 044 123 456." },
        formPath(code, "answer"),
      );
      expect(held.body).toContain('name="confirm_personal_data"');
      expect(held.statusCode).toBe(422);
      for (const body of [shown.body, held.body])
        expect(body).not.toMatch(/workspace_case\.|caseType\.|status\./);
    }
  });

  it("marks internal events, names staff and calls the submitter the citizen", async () => {
    const code = await newCase();
    await act("zyrtari.prishtine", code, { kind: "note", text: "Kontrollova në terren." });
    const body = (await web["drejtori.prishtine"]!.get(page(code))).body;
    expect(body).toContain("Kontrollova në terren.");
    expect(body).toContain("Internal, not shown to the public");
    expect(body).toContain("Arta Morina");
    expect(body).toContain("Blerim Hoxha");
    expect(body).toContain("the citizen");
    // The public page shows none of it.
    const visitor = new WebClient(p.app);
    expect((await visitor.get(`/cases/${code}`)).body).not.toContain("Kontrollova");
  });

  it("offers each role only the forms its policy and the case's status allow", async () => {
    const code = await newCase();
    const officer = (await web["zyrtari.prishtine"]!.get(page(code))).body;
    for (const form of ["request-information", "answer", "status", "note"])
      expect(officer).toContain(`action="${formPath(code, form)}"`);
    // An officer works cases but does not steer them; an assigned case is past acknowledgement.
    for (const form of ["assign", "priority", "refer", "merge", "redact", "visibility", "acknowledge"])
      expect(officer).not.toContain(`action="${formPath(code, form)}"`);
    const coordinator = (await web["koordinatori.prishtine"]!.get(page(code))).body;
    for (const form of ["assign", "priority", "refer", "merge", "redact", "visibility"])
      expect(coordinator).toContain(`action="${formPath(code, form)}"`);
    // Only the status changes the lifecycle allows now: an assigned report can start, be resolved or rejected.
    expect(coordinator).toContain('value="start"');
    expect(coordinator).toContain('value="resolve"');
    expect(coordinator).toContain('value="reject"');
    expect(coordinator).not.toContain('value="close"');
    expect(coordinator).not.toContain('name="status_action" value="answer"');
  });
});

describe("the actions, end to end", () => {
  it("acknowledges, assigns and sets the priority", async () => {
    const code = await newCase({ assigned: false });
    const ack = await submit("koordinatori.prishtine", code, "acknowledge");
    expect(ack.statusCode).toBe(303);
    expect(ack.headers.location).toBe(`${page(code)}?done=acknowledged`);
    expect((await row(code)).status).toBe("acknowledged");
    const after = await web["koordinatori.prishtine"]!.get(ack.headers.location as string);
    expect(after.body).toContain("The case was acknowledged.");

    const officer = await userId("zyrtari.prishtine");
    const assigned = await submit("koordinatori.prishtine", code, "assign", {
      department: String(servicesId),
      assignee: officer.id,
    });
    expect(assigned.statusCode).toBe(303);
    expect(await row(code)).toMatchObject({
      status: "assigned",
      departmentId: servicesId,
      assigneeId: officer.id,
    });

    const priority = await submit("drejtori.prishtine", code, "priority", { priority: "high" });
    expect(priority.statusCode).toBe(303);
    expect((await row(code)).priority).toBe("high");
    const body = (await web["drejtori.prishtine"]!.get(page(code))).body;
    expect(body).toContain("Priority changed from Normal to High");
  });

  it("asks the citizen for information: the clock pauses and the citizen is written to", async () => {
    const code = await newCase();
    const res = await submit("zyrtari.prishtine", code, "request-information", {
      request_message: "Në cilën anë të rrugës?",
    });
    expect(res.statusCode).toBe(303);
    expect(await row(code)).toMatchObject({ status: "awaiting_citizen", slaState: "paused" });
    const mails = (await db().select().from(outbox)).map((m) => m.payload as { to: string; text: string });
    expect(mails.some((m) => m.to === "arta@example.org" && m.text.includes("Në cilën anë të rrugës?"))).toBe(
      true,
    );
    expect((await web["zyrtari.prishtine"]!.get(page(code))).body).toContain(
      "The deadlines are paused while the case awaits the citizen",
    );
  });

  it("reassigns a case awaiting the citizen from its page: it keeps awaiting them, the clocks paused", async () => {
    const code = await newCase();
    await act("zyrtari.prishtine", code, { kind: "request_information", message: "Në cilën anë?" });
    const asked = await row(code);
    const body = (await web["koordinatori.prishtine"]!.get(page(code))).body;
    expect(body).toContain(`action="${formPath(code, "assign")}"`);
    const [urbanism] = await db()
      .select({ id: departments.id })
      .from(departments)
      .where(and(eq(departments.municipalityId, asked.municipalityId), eq(departments.code, "urbanism")));
    const res = await submit("koordinatori.prishtine", code, "assign", { department: String(urbanism!.id) });
    expect(res.statusCode).toBe(303);
    expect(await row(code)).toMatchObject({
      status: "awaiting_citizen",
      departmentId: urbanism!.id,
      slaState: "paused",
      slaPauses: asked.slaPauses,
    });
  });

  it("publishes an answer that resolves the case, with a reason code", async () => {
    const code = await newCase();
    const res = await submit("zyrtari.prishtine", code, "answer", {
      answer_message: "U riparua sot.",
      final: "yes",
      answer_reason: "resolved",
    });
    expect(res.statusCode).toBe(303);
    expect(await row(code)).toMatchObject({ status: "resolved", reasonCode: "resolved", slaState: "done" });
    const visitor = new WebClient(p.app);
    expect((await visitor.get(`/cases/${code}`)).body).toContain("U riparua sot.");
  });

  it("starts a template answer from the case's details", async () => {
    const code = await newCase();
    const [tpl] = await db()
      .insert(responseTemplates)
      .values({
        municipalityId: (await row(code)).municipalityId,
        code: "case-work-test",
        language: "sq",
        title: "Përgjigje standarde",
        body: "I nderuar {{citizen_name}}, rasti {{tracking_code}} ({{title}}) u shqyrtua.",
      })
      .returning();
    const body = (await web["zyrtari.prishtine"]!.get(`${page(code)}?template=${tpl!.id}`)).body;
    expect(body).toContain(`I nderuar Arta Krasniqi, rasti ${code} (${(await row(code)).title}) u shqyrtua.`);
    // The ministry cannot answer: no answer form, no template to fill.
    expect((await web.ministria!.get(`${page(code)}?template=${tpl!.id}`)).body).not.toContain("I nderuar");
    // Sent as filled in, it would publish the name the citizen chose not to show: held until confirmed.
    const filled = `I nderuar ARTA  krasniqi, rasti ${code} u shqyrtua.`;
    const held = await submit("zyrtari.prishtine", code, "answer", { answer_message: filled });
    expect(held.statusCode).toBe(422);
    expect(held.body).toContain("which they chose not to show");
    expect(held.body).toContain("<strong>ARTA  krasniqi</strong>");
    expect((await eventsOf(code)).some((e) => e.type === "answer_published")).toBe(false);
    const plain = await submit("zyrtari.prishtine", code, "answer", {
      answer_message: `I nderuar qytetar, rasti ${code} u shqyrtua.`,
    });
    expect(plain.statusCode).toBe(303);
    // A citizen who shows their name is not held up by it.
    const shown = await newCase({ showName: true });
    const named = await submit("zyrtari.prishtine", shown, "answer", {
      answer_message: "I nderuar Arta Krasniqi, rasti u shqyrtua.",
    });
    expect(named.statusCode).toBe(303);
  });

  it("changes the status, and refuses a rejection without a reason code with the message at the field", async () => {
    const code = await newCase();
    expect((await submit("zyrtari.prishtine", code, "status", { status_action: "start" })).statusCode).toBe(
      303,
    );
    expect((await row(code)).status).toBe("in_progress");
    const refused = await submit("zyrtari.prishtine", code, "status", {
      status_action: "reject",
      status_message: "Nuk është punë e komunës.",
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain("This change needs a reason code");
    expect(refused.body).toContain("Nuk është punë e komunës.");
    expect((await row(code)).status).toBe("in_progress");
    const wrongKind = await submit("zyrtari.prishtine", code, "status", {
      status_action: "reject",
      status_reason: "duplicate",
    });
    expect(wrongKind.statusCode).toBe(422);
    expect(wrongKind.body).toContain("This reason code does not fit this change");
    const rejected = await submit("zyrtari.prishtine", code, "status", {
      status_action: "reject",
      status_reason: "not-feasible",
    });
    expect(rejected.statusCode).toBe(303);
    expect(await row(code)).toMatchObject({ status: "rejected", reasonCode: "not-feasible" });
  });

  it("refers to another institution, and merges a duplicate into another case", async () => {
    const referred = await newCase();
    const res = await submit("drejtori.prishtine", referred, "refer", {
      refer_to: "Ndërmarrja Publike e Ujësjellësit",
      refer_reason: "referred-public-enterprise",
    });
    expect(res.statusCode).toBe(303);
    expect(await row(referred)).toMatchObject({
      status: "referred",
      referredTo: "Ndërmarrja Publike e Ujësjellësit",
    });

    const [from, into] = [await newCase(), await newCase()];
    const itself = await submit("drejtori.prishtine", from, "merge", {
      merge_into: from,
      merge_reason: "duplicate",
    });
    expect(itself.statusCode).toBe(422);
    expect(itself.body).toContain("A case cannot be merged into itself");
    const unknown = await submit("drejtori.prishtine", from, "merge", {
      merge_into: "PRI-2026-999999",
      merge_reason: "duplicate",
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain("There is no open case with this tracking code");
    const merged = await submit("drejtori.prishtine", from, "merge", {
      merge_into: into.toLowerCase(),
      merge_reason: "duplicate",
    });
    expect(merged.statusCode).toBe(303);
    expect(await row(from)).toMatchObject({ status: "merged", mergedIntoId: (await row(into)).id });
    const body = (await web["drejtori.prishtine"]!.get(page(from))).body;
    expect(body).toContain(`href="${page(into)}"`);
  });

  it("redacts the public text and hides a photo, keeping the original for those who may redact", async () => {
    const code = await newCase({ description: "Thirrni në 044 123 456 për detaje." });
    const kase = await row(code);
    const [photo] = await db()
      .insert(casePhotos)
      .values({ caseId: kase.id, storageKey: "k", thumbnailKey: "t", width: 800, height: 600, bytes: 10 })
      .returning();
    const res = await submit("drejtori.prishtine", code, "redact", {
      redact_title: kase.title,
      redact_description: "Thirrni në [numër i hequr] për detaje.",
      hide_photo: photo!.id,
    });
    expect(res.statusCode).toBe(303);
    const after = await row(code);
    expect(after.description).toBe("Thirrni në [numër i hequr] për detaje.");
    expect(after.originalDescription).toBe("Thirrni në 044 123 456 për detaje.");
    const [hidden] = await db().select().from(casePhotos).where(eq(casePhotos.id, photo!.id));
    expect(hidden!.hidden).toBe(true);
    const head = (await web["drejtori.prishtine"]!.get(page(code))).body;
    expect(head).toContain("The citizen&#39;s original words");
    expect(head).toContain("Thirrni në 044 123 456 për detaje.");
    expect(head).toContain("1 photo is hidden from the public.");
    // An officer does not redact, and does not see the original.
    const officer = (await web["zyrtari.prishtine"]!.get(page(code))).body;
    expect(officer).not.toContain("The citizen&#39;s original words");
  });

  it("makes a case private and public again, and adds an internal note", async () => {
    const code = await newCase();
    expect(
      (await submit("koordinatori.prishtine", code, "visibility", { visibility: "private" })).statusCode,
    ).toBe(303);
    expect((await row(code)).visibility).toBe("private");
    expect((await web["koordinatori.prishtine"]!.get(page(code))).body).toContain("This case is private");
    expect(
      (await submit("koordinatori.prishtine", code, "visibility", { visibility: "public" })).statusCode,
    ).toBe(303);
    expect((await row(code)).visibility).toBe("public");

    const note = await submit("zyrtari.prishtine", code, "note", { note_text: "Qytetari u thirr." });
    expect(note.statusCode).toBe(303);
    expect(note.headers.location).toBe(`${page(code)}?done=note_added`);
    const events = await eventsOf(code);
    expect(events.find((e) => e.type === "internal_note")).toMatchObject({
      isPublic: false,
      message: "Qytetari u thirr.",
    });
  });

  it("answers 403 to an action the role does not allow, and changes nothing", async () => {
    const code = await newCase();
    const body = (await web["zyrtari.prishtine"]!.get(page(code))).body;
    const { _csrf, version } = hiddenFields(body, formPath(code, "note"));
    const res = await web["zyrtari.prishtine"]!.post(formPath(code, "visibility"), {
      _csrf: _csrf!,
      version: version!,
      visibility: "private",
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain("Your role does not allow this action on this case.");
    expect((await row(code)).visibility).toBe("public");
    // Someone who may not see the case gets 404, as for the page.
    const other = await web["sluzbenik.gracanica"]!.postWithToken(
      formPath(code, "note"),
      { version: version!, note_text: "x" },
      "/account",
    );
    expect(other.statusCode).toBe(404);
  });
});

describe("refusals keep the form and say why", () => {
  it("refuses a stale form with 409 and lists what changed since, keeping the text", async () => {
    const code = await newCase();
    const shown = (await web["zyrtari.prishtine"]!.get(page(code))).body;
    const fields = hiddenFields(shown, formPath(code, "note"));
    // Meanwhile the department head raises the priority.
    await act("drejtori.prishtine", code, { kind: "set_priority", priority: "high" });
    const res = await web["zyrtari.prishtine"]!.post(formPath(code, "note"), {
      ...fields,
      note_text: "Shkova në vend.",
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain("Someone changed this case after you opened the page");
    expect(res.body).toContain("What changed since you opened the page");
    expect(res.body).toContain("Priority changed from Normal to High");
    expect(res.body).toContain("Shkova në vend.");
    expect((await eventsOf(code)).some((e) => e.type === "internal_note")).toBe(false);
    // The form came back at the version the case has now: sent again, it goes through.
    const again = hiddenFields(res.body, formPath(code, "note"));
    expect(Number(again.version)).toBe((await row(code)).version);
    const retry = await web["zyrtari.prishtine"]!.post(formPath(code, "note"), {
      ...again,
      note_text: "Shkova në vend.",
    });
    expect(retry.statusCode).toBe(303);
  });

  it("answers 422 to bad input, with the message at the field and the text kept", async () => {
    const code = await newCase();
    const empty = await submit("zyrtari.prishtine", code, "answer", { answer_message: "   " });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain("<title>Error:");
    expect(empty.body).toContain('href="#field-answer_message"');
    expect(empty.body).toContain("Write the answer");

    const long = "Shumë e gjatë. ".repeat(400);
    const tooLong = await submit("zyrtari.prishtine", code, "note", { note_text: long });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.body).toContain("The note must be 4,000 characters or fewer");
    expect(tooLong.body).toContain(long.trim());

    const badCode = await submit("drejtori.prishtine", code, "merge", {
      merge_into: "not a code",
      merge_reason: "duplicate",
    });
    expect(badCode.statusCode).toBe(422);
    expect(badCode.body).toContain('value="not a code"');

    const badDepartment = await submit("koordinatori.prishtine", code, "assign", { department: "abc" });
    expect(badDepartment.statusCode).toBe(422);
    const elsewhere = await submit("koordinatori.prishtine", code, "assign", { department: "999999" });
    expect(elsewhere.statusCode).toBe(422);
    expect(elsewhere.body).toContain("Choose a department of this municipality");

    const noStatus = await submit("zyrtari.prishtine", code, "status", { status_action: "fly" });
    expect(noStatus.statusCode).toBe(422);
    expect(noStatus.body).toContain("Choose the new status");

    const same = await submit("drejtori.prishtine", code, "priority", { priority: "normal" });
    expect(same.statusCode).toBe(422);
    expect(same.body).toContain("Nothing would change");

    const body = (await web["zyrtari.prishtine"]!.get(page(code))).body;
    const { _csrf } = hiddenFields(body, formPath(code, "note"));
    const noVersion = await web["zyrtari.prishtine"]!.post(formPath(code, "note"), {
      _csrf: _csrf!,
      note_text: "Pa version.",
    });
    expect(noVersion.statusCode).toBe(422);
    expect(noVersion.body).toContain("This form is out of date");
    expect(noVersion.body).toContain("Pa version.");
    expect((await eventsOf(code)).some((e) => e.type === "internal_note")).toBe(false);
  });

  it("publishes nothing that looks like personal data until it is confirmed", async () => {
    const code = await newCase();
    const text = "Na telefononi në 044 123 456 për takim.";
    const held = await submit("zyrtari.prishtine", code, "answer", { answer_message: text });
    expect(held.statusCode).toBe(422);
    expect(held.body).toContain("looks like it contains personal data");
    expect(held.body).toContain("044 123 456");
    expect(held.body).toContain(text);
    expect(held.body).toContain('name="confirm_personal_data"');
    expect((await eventsOf(code)).some((e) => e.type === "answer_published")).toBe(false);

    const confirmed = await web["zyrtari.prishtine"]!.post(formPath(code, "answer"), {
      ...hiddenFields(held.body, formPath(code, "answer")),
      answer_message: text,
      confirm_personal_data: "yes",
    });
    expect(confirmed.statusCode).toBe(303);
    expect((await eventsOf(code)).find((e) => e.type === "answer_published")?.message).toBe(text);

    // Making a case public checks its own text the same way.
    const withPhone = await newCase({ description: "Më thirrni: 044 987 654" });
    await act("koordinatori.prishtine", withPhone, { kind: "set_visibility", visibility: "private" });
    const publish = await submit("koordinatori.prishtine", withPhone, "visibility", { visibility: "public" });
    expect(publish.statusCode).toBe(422);
    expect(publish.body).toContain("044 987 654");
    expect((await row(withPhone)).visibility).toBe("private");
  });

  it("answers no input with a 500: long text, NUL characters, markup, repeated fields", async () => {
    const code = await newCase();
    const client = web["koordinatori.prishtine"]!;
    const body = (await client.get(page(code))).body;
    const { _csrf, version } = hiddenFields(body, formPath(code, "note"));
    const nasty = [
      "x".repeat(200_000),
      "a\u0000b",
      '<script>alert("x")</script><img src=x onerror=alert(1)>',
      "\u202e\ud83d\ude00 ' \" & < >",
    ];
    const fields = [
      "department",
      "assignee",
      "priority",
      "request_message",
      "answer_message",
      "final",
      "answer_reason",
      "status_action",
      "status_reason",
      "status_message",
      "refer_to",
      "refer_reason",
      "refer_message",
      "merge_into",
      "merge_reason",
      "redact_title",
      "redact_description",
      "hide_photo",
      "visibility",
      "note_text",
      "confirm_personal_data",
    ];
    const forms = [
      "acknowledge",
      "assign",
      "priority",
      "request-information",
      "answer",
      "status",
      "refer",
      "merge",
      "redact",
      "visibility",
      "note",
    ];
    for (const form of forms) {
      for (const value of nasty) {
        const res = await client.post(formPath(code, form), {
          _csrf: _csrf!,
          version: value.length < 100 ? value : version!,
          ...Object.fromEntries(fields.map((f) => [f, value])),
        });
        expect(res.statusCode, `${form} with ${value.slice(0, 20)}`).toBeLessThan(500);
        // Whatever comes back is escaped (quotes too, in attributes): the markup never arrives as markup.
        expect(res.body).not.toContain('<script>alert("x")');
      }
      // Every field twice: a list where a text is expected.
      const repeated = await p.app.inject({
        method: "POST",
        url: formPath(code, form),
        headers: {
          cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
          "content-type": "application/x-www-form-urlencoded",
        },
        payload: [
          `_csrf=${encodeURIComponent(_csrf!)}`,
          `version=${version}`,
          ...fields.flatMap((f) => [`${f}=a`, `${f}=b`]),
        ].join("&"),
      });
      expect(repeated.statusCode, `${form} with repeated fields`).toBeLessThan(500);
    }
    expect((await client.get(`${page(code)}?template=${"9".repeat(40)}&done=<b>`)).statusCode).toBe(200);
    expect((await client.get(`${page(code)}/answer`)).statusCode).toBe(303);
  });
});
