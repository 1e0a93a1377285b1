// The submitter's actions on a case's page, through the forms a person uses: add information (answering
// the municipality when it asked), reopen, rate the answer; and following a case. Signed in as the
// submitter, or holding the private tracking link without an account.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/access/policy.ts";
import { applyTransition, slaFor } from "../../src/cases/commands/applyTransition.ts";
import { isFollowing } from "../../src/cases/commands/followCase.ts";
import { submitCase } from "../../src/cases/commands/submitCase.ts";
import { isPaused } from "../../src/cases/lifecycle.ts";
import type { CaseStatus } from "../../src/cases/statuses.ts";
import { auditLog, caseEvents, caseFollowers, cases, users } from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
let lirije: WebClient;
let stefan: WebClient;
let lirijeId: string;
const db = () => p.deps.database.db;

async function signIn(local: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  const res = await web.submit("/login", { email: `${local}@demo.ekomuna.example`, password: DEMO_PASSWORD });
  if (res.statusCode !== 303) throw new Error(`could not log in as ${local}`);
  return web;
}

beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
  [lirije, stefan] = [await signIn("lirije.shala"), await signIn("stefan.ilic")];
  const [row] = await db().select().from(users).where(eq(users.email, "lirije.shala@demo.ekomuna.example"));
  lirijeId = row!.id;
});
afterAll(() => p.close());

/** A visitor with no account, reading English. */
function visitor() {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  return web;
}

type Action = Parameters<typeof applyTransition>[1]["action"];
let n = 0;

/** A case sent by Lirije (signed in) or by someone without an account, moved through `actions`. */
async function newCase(
  options: { by?: "lirije" | "anonymous"; type?: "issue_report" | "request"; actions?: Action[] } = {},
) {
  const type = options.type ?? "issue_report";
  const actor: Actor =
    options.by === "anonymous"
      ? { kind: "visitor" }
      : { kind: "user", userId: lirijeId, identityLevel: "basic", roles: [] };
  const made = await submitCase(
    {
      municipality: "prishtine",
      type,
      category: type === "issue_report" ? "potholes" : "information",
      answers: {},
      title: `Rasti ${++n}`,
      description: "Përshkrimi",
      address: "Rruga B",
      contact: { showName: false },
      language: "sq",
      channel: "web",
      idempotencyKey: `case-actions-web-${n}`,
    },
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
  if (!made.ok || !made.trackingToken) throw new Error("could not submit");
  let kase = await reload(made.trackingCode);
  for (const action of options.actions ?? []) {
    const moved = await db().transaction(async (tx) =>
      applyTransition(tx, {
        kase,
        action,
        actorId: null,
        now: p.clock.now(),
        sla: await slaFor(db(), p.deps.calendar, kase),
      }),
    );
    if (!moved.ok) throw new Error(`${action}: ${moved.reason}`);
    kase = moved.kase;
  }
  return { code: made.trackingCode, token: made.trackingToken, id: kase.id };
}

const reload = async (code: string) =>
  (await db().select().from(cases).where(eq(cases.trackingCode, code)))[0]!;
const track = (c: { code: string; token: string }) => `/track/${c.code}?token=${c.token}`;
const decode = (s: string) => s.replace(/&amp;/g, "&");

/** The hidden inputs of the page's form posting to `action` (what a browser would send along). */
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

/** Posts with a valid CSRF token but without any page's form: what a crafted or stale request does. */
const post = (web: WebClient, url: string, fields: Record<string, string>) =>
  web.postWithToken(url, fields, web.signedIn() ? "/account" : "/login");

const audited = async (code: string, action: string) =>
  (
    await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, code), eq(auditLog.action, action)))
  ).length;

describe("adding information", () => {
  it("answers the municipality's request: the case goes back to work and its clock runs again", async () => {
    const c = await newCase({ type: "request", actions: ["acknowledge", "request_information"] });
    const page = await lirije.get(`/cases/${c.code}`);
    expect(page.body).toContain("The municipality has asked you for more information");
    expect(page.body).toContain('<a href="#add-information">Add information</a>');
    // While the municipality waits, its clock stands still: the page says so instead of a date.
    expect(page.body).toContain(
      "<dd>Paused while the municipality waits for information from the person who sent it</dd>",
    );

    const sent = await lirije.submit(
      `/cases/${c.code}`,
      { information: "Numri i shtëpisë është 12." },
      `/cases/${c.code}/information`,
    );
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`/cases/${c.code}?done=information_resumed`);

    const after = await reload(c.code);
    expect(after.status).toBe("in_progress");
    expect(isPaused(after.status as CaseStatus)).toBe(false);
    const back = await lirije.get(sent.headers.location as string);
    expect(back.body).toContain(
      '<div class="notice" role="status">Thank you: your information has been sent to the municipality and the case is back in progress. The time for the answer runs again.</div>',
    );
    expect(back.body).toContain('<strong class="status-tag status-tag--in_progress">In progress</strong>');
    expect(back.body).not.toContain("Paused while");
    expect(back.body).toMatch(/<dt>Answer expected by<\/dt>\s*<dd>[A-Z][a-z]+ \d{1,2}, 2026<\/dd>/);
    expect(back.body).toContain("The person who sent it added information");
    expect(back.body).not.toContain("The municipality has asked you");

    // Kept for staff; the public timeline only says that information was added.
    const [event] = await db()
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, c.id), eq(caseEvents.type, "information_added")));
    expect(event!.data).toEqual({ text: "Numri i shtëpisë është 12." });
    expect((await visitor().get(`/cases/${c.code}`)).body).not.toContain("Numri i shtëpisë");
    expect(await audited(c.code, "case.information_added")).toBe(1);
    expect(await audited(c.code, "case.provide_information")).toBe(1);

    // The case is still open: more can be added, without moving it.
    const more = await lirije.submit(
      `/cases/${c.code}`,
      { information: "Edhe diçka." },
      `/cases/${c.code}/information`,
    );
    expect(more.headers.location).toBe(`/cases/${c.code}?done=information_added`);
    expect((await reload(c.code)).status).toBe("in_progress");
  });

  it("lets the holder of the tracking link add it, the token in the form and never in an address", async () => {
    const c = await newCase({ by: "anonymous" });
    const web = visitor();
    const page = await web.get(track(c));
    expect(page.body).toContain(`<form method="post" action="/track/${c.code}/information"`);
    expect(page.body).toContain(`<input type="hidden" name="token" value="${c.token}"/>`);
    expect(page.body).not.toMatch(/action="[^"]*token=/);

    const sent = await web.submit(track(c), { information: "Gropa është 2 m e gjatë." });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`${track(c)}&done=information_added`);
    expect(sent.headers["referrer-policy"]).toBe("no-referrer");
    const back = await web.get(sent.headers.location as string);
    expect(back.headers["referrer-policy"]).toBe("no-referrer");
    expect(back.body).toContain("Thank you: your information has been added to the case.");
    const [event] = await db()
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, c.id), eq(caseEvents.type, "information_added")));
    expect(event!.actorId).toBeNull();
  });

  it("is 404 with a wrong or missing token, for a visitor, and for a citizen who did not send the case", async () => {
    const anonymous = await newCase({ by: "anonymous" });
    const own = await newCase();
    const wrong = `${anonymous.token.slice(0, -1)}${anonymous.token.endsWith("A") ? "B" : "A"}`;
    const web = visitor();
    const attempts: Record<string, string>[] = [{ token: wrong }, {}, { token: "short" }];
    for (const fields of attempts) {
      const res = await post(web, `/track/${anonymous.code}/information`, {
        ...fields,
        information: "x",
      });
      expect(res.statusCode).toBe(404);
    }
    // Another case's token does not open this one.
    expect(
      (await post(web, `/track/${own.code}/information`, { token: anonymous.token, information: "x" }))
        .statusCode,
    ).toBe(404);
    expect((await post(web, `/cases/${anonymous.code}/information`, { information: "x" })).statusCode).toBe(
      404,
    );
    expect((await post(stefan, `/cases/${own.code}/information`, { information: "x" })).statusCode).toBe(404);
    // And neither of them is offered the form.
    expect((await stefan.get(`/cases/${own.code}`)).body).not.toContain("/information");
    expect((await web.get(`/cases/${own.code}`)).body).not.toContain("/information");
    const added = await db().select().from(caseEvents).where(eq(caseEvents.type, "information_added"));
    expect(added.filter((e) => e.caseId === anonymous.id || e.caseId === own.id)).toEqual([]);
  });

  it("answers 422 with the error summary and the typed text kept, escaped", async () => {
    const c = await newCase();
    const empty = await lirije.submit(
      `/cases/${c.code}`,
      { information: "  " },
      `/cases/${c.code}/information`,
    );
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toMatch(/<title>Error: /);
    expect(empty.body).toContain('<a href="#field-information">Enter the information to add</a>');
    expect(empty.body).toContain('aria-invalid="true"');

    const long = `<script>alert(1)</script>${"a".repeat(4000)}`;
    const tooLong = await lirije.submit(
      `/cases/${c.code}`,
      { information: long },
      `/cases/${c.code}/information`,
    );
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.body).toContain("The information must be 4,000 characters or fewer");
    expect(tooLong.body).toContain(`&lt;script>alert(1)&lt;/script>${"a".repeat(4000)}</textarea>`);
    expect(tooLong.body).not.toContain("<script>alert(1)");
    // Exactly 4,000 characters (an emoji counts as one) is accepted.
    const ok = await lirije.submit(
      `/cases/${c.code}`,
      { information: `😀${"a".repeat(3999)}` },
      `/cases/${c.code}/information`,
    );
    expect(ok.statusCode).toBe(303);
  });

  it("on a case closed meanwhile, says so clearly (409) and offers the form no more", async () => {
    const c = await newCase({ actions: ["acknowledge"] });
    const page = await lirije.get(`/cases/${c.code}`);
    const hidden = hiddenFields(page.body, `/cases/${c.code}/information`);
    const kase = await reload(c.code);
    await db().transaction(async (tx) =>
      applyTransition(tx, {
        kase,
        action: "reject",
        reasonCode: "not-feasible",
        actorId: null,
        now: p.clock.now(),
        sla: await slaFor(db(), p.deps.calendar, kase),
      }),
    );
    const res = await lirije.post(`/cases/${c.code}/information`, { ...hidden, information: "Too late" });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(
      "This case is closed, so information can no longer be added to it. If the problem is still there, send a new report.",
    );
    expect(res.body).toContain('<strong class="status-tag status-tag--rejected">Rejected</strong>');
    expect(res.body).not.toContain(`action="/cases/${c.code}/information"`);
    expect((await lirije.get(`/cases/${c.code}`)).body).not.toContain("Add information");
  });

  it("refuses a post without its CSRF token (403) and changes nothing", async () => {
    const c = await newCase();
    const res = await lirije.post(`/cases/${c.code}/information`, { information: "x" });
    expect(res.statusCode).toBe(403);
    const added = await db()
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, c.id), eq(caseEvents.type, "information_added")));
    expect(added).toEqual([]);
  });
});

describe("reopening", () => {
  it("within 30 days of the answer: reopened, the reason kept for staff only", async () => {
    const c = await newCase({ actions: ["acknowledge", "resolve"] });
    const page = await lirije.get(`/cases/${c.code}`);
    expect(page.body).toContain("You can reopen the case until December 26, 2026");
    const empty = await lirije.submit(`/cases/${c.code}`, { why: "" }, `/cases/${c.code}/reopen`);
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('<a href="#field-why">Say why you are reopening the case</a>');

    const res = await lirije.submit(
      `/cases/${c.code}`,
      { why: "Gropa u hap përsëri." },
      `/cases/${c.code}/reopen`,
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/cases/${c.code}?done=reopened`);
    expect((await reload(c.code)).status).toBe("reopened");
    const back = await lirije.get(res.headers.location as string);
    expect(back.body).toContain("The case has been reopened. The municipality will look at it again.");
    expect(back.body).toContain('<strong class="status-tag status-tag--reopened">Reopened</strong>');
    const [event] = await db()
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, c.id), eq(caseEvents.toStatus, "reopened")));
    expect(event).toMatchObject({ message: null, data: { action: "reopen", note: "Gropa u hap përsëri." } });
    expect((await visitor().get(`/cases/${c.code}`)).body).not.toContain("Gropa u hap");
    expect(await audited(c.code, "case.reopen")).toBe(1);
  });

  it("after 30 days: no form, and a form left open says it is too late", async () => {
    const c = await newCase({ by: "anonymous", actions: ["acknowledge", "resolve"] });
    const web = visitor();
    const page = await web.get(track(c));
    const hidden = hiddenFields(page.body, `/track/${c.code}/reopen`);
    await db()
      .update(cases)
      .set({ resolvedAt: new Date(p.clock.now().getTime() - 31 * 86_400_000) })
      .where(eq(cases.id, c.id));
    const res = await web.post(`/track/${c.code}/reopen`, { ...hidden, why: "Ende aty" });
    expect(res.statusCode).toBe(409);
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    expect(res.body).toContain(
      "The case can no longer be reopened: more than 30 days have passed since the answer.",
    );
    expect(res.body).not.toContain(`action="/track/${c.code}/reopen"`);
    expect((await reload(c.code)).status).toBe("resolved");
  });
});

describe("rating the answer", () => {
  it("once: the page then shows what was given, the comment escaped; a second rating is refused clearly", async () => {
    const c = await newCase({ actions: ["acknowledge", "resolve"] });
    const page = await lirije.get(`/cases/${c.code}`);
    expect(page.body).toContain('<legend class="label">Was your issue resolved?</legend>');
    expect(page.body).toContain('<legend class="label">How satisfied are you with the answer?</legend>');
    const hidden = hiddenFields(page.body, `/cases/${c.code}/rating`);

    const missing = await lirije.post(`/cases/${c.code}/rating`, { ...hidden, comment: "<b>hm</b>" });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('<a href="#field-resolved">Say whether your issue was resolved</a>');
    expect(missing.body).toContain(
      '<a href="#field-satisfaction">Choose how satisfied you are, from 1 to 5</a>',
    );
    expect(missing.body).toContain("&lt;b>hm&lt;/b></textarea>");
    const outOfRange = await lirije.post(`/cases/${c.code}/rating`, {
      ...hidden,
      resolved: "maybe",
      satisfaction: "9",
    });
    expect(outOfRange.statusCode).toBe(422);

    const rated = await lirije.post(`/cases/${c.code}/rating`, {
      ...hidden,
      resolved: "no",
      satisfaction: "2",
      comment: "<script>alert(1)</script> Ende aty",
    });
    expect(rated.statusCode).toBe(303);
    expect(rated.headers.location).toBe(`/cases/${c.code}?done=rated`);
    expect(await reload(c.code)).toMatchObject({
      satisfaction: 2,
      satisfactionResolved: false,
      satisfactionComment: "<script>alert(1)</script> Ende aty",
    });
    const back = await lirije.get(rated.headers.location as string);
    expect(back.body).toContain("Thank you for rating the answer.");
    expect(back.body).toContain('<h2 id="your-rating">Your rating</h2>');
    expect(back.body).toMatch(/<dt>Resolved<\/dt>\s*<dd>No<\/dd>/);
    expect(back.body).toMatch(/<dt>Satisfaction<\/dt>\s*<dd>2 – Dissatisfied<\/dd>/);
    expect(back.body).toContain("&lt;script>alert(1)&lt;/script> Ende aty");
    expect(back.body).not.toContain("<script>alert(1)");
    expect(back.body).not.toContain(`action="/cases/${c.code}/rating"`);
    // Others see that it was rated, not what was said.
    const seen = await visitor().get(`/cases/${c.code}`);
    expect(seen.body).toContain("The person who sent it rated the answer");
    expect(seen.body).not.toContain("Ende aty");
    expect(seen.body).not.toContain("Your rating");

    const again = await lirije.post(`/cases/${c.code}/rating`, {
      ...hidden,
      resolved: "yes",
      satisfaction: "5",
    });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain("You have already rated this answer: a rating is given only once.");
    // A form left open in another tab, sent incomplete: the page no longer has that form, so the summary
    // says the case changed rather than pointing at fields that are not there.
    const stale = await lirije.post(`/cases/${c.code}/rating`, { ...hidden, comment: "sërish" });
    expect(stale.statusCode).toBe(422);
    expect(stale.body).toContain("The case changed while you were on this page.");
    expect(stale.body).not.toContain('href="#field-');
    expect((await reload(c.code)).satisfaction).toBe(2);
    expect(await audited(c.code, "case.rated")).toBe(1);
  });

  it("through the tracking link too, back to the tracking page", async () => {
    const c = await newCase({ by: "anonymous", actions: ["acknowledge", "resolve"] });
    const web = visitor();
    const res = await web.submit(track(c), { resolved: "yes", satisfaction: "5" }, `/track/${c.code}/rating`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${track(c)}&done=rated`);
    expect((await web.get(res.headers.location as string)).body).toMatch(
      /<dt>Satisfaction<\/dt>\s*<dd>5 – Very satisfied<\/dd>/,
    );
  });

  it("is not offered before there is an answer, and a crafted post gets a clear message", async () => {
    const c = await newCase();
    expect((await lirije.get(`/cases/${c.code}`)).body).not.toContain("Rate the answer");
    const res = await post(lirije, `/cases/${c.code}/rating`, { resolved: "yes", satisfaction: "5" });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain("This case has no answer to rate yet.");
  });
});

describe("following", () => {
  it("follows and stops following, each as often as asked", async () => {
    const c = await newCase();
    const page = await stefan.get(`/cases/${c.code}`);
    expect(page.body).toContain(`<form method="post" action="/cases/${c.code}/follow"`);
    // The button, then the same post again (a double click, a second tab).
    const first = await stefan.submit(`/cases/${c.code}`, {}, `/cases/${c.code}/follow`);
    const second = await post(stefan, `/cases/${c.code}/follow`, {});
    for (const res of [first, second]) {
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/cases/${c.code}?done=followed`);
    }
    const followers = await db().select().from(caseFollowers).where(eq(caseFollowers.caseId, c.id));
    expect(followers).toHaveLength(1);
    const back = await stefan.get(`/cases/${c.code}?done=followed`);
    expect(back.body).toContain("You are following this case. We will let you know when it changes.");
    expect(back.body).toContain(`<form method="post" action="/cases/${c.code}/unfollow"`);
    expect(back.body).toContain(">Stop following</button>");
    for (let i = 0; i < 2; i++) {
      const res = await post(stefan, `/cases/${c.code}/unfollow`, {});
      expect(res.headers.location).toBe(`/cases/${c.code}?done=unfollowed`);
    }
    const stefanId = (
      await db().select().from(users).where(eq(users.email, "stefan.ilic@demo.ekomuna.example"))
    )[0]!.id;
    expect(await isFollowing(db(), c.id, stefanId)).toBe(false);
  });

  it("returns to a local `next` path only", async () => {
    const c = await newCase();
    const to = async (next: string) =>
      (await post(stefan, `/cases/${c.code}/follow`, { next })).headers.location;
    expect(await to("/m/prishtine/submit?draft=x")).toBe("/m/prishtine/submit?draft=x");
    expect(await to("https://evil.example/")).toBe("/");
    expect(await to("//evil.example/")).toBe("/");
  });

  it("offers a visitor a link to log in and come back; a private case stays unseen", async () => {
    const c = await newCase();
    const web = visitor();
    const page = await web.get(`/cases/${c.code}`);
    expect(page.body).toContain(`<a href="/login?next=%2Fcases%2F${c.code}">Log in to follow this case</a>`);
    expect((await post(web, `/cases/${c.code}/follow`, {})).headers.location).toBe(
      `/login?next=%2Fcases%2F${c.code}`,
    );
    await db().update(cases).set({ visibility: "private" }).where(eq(cases.id, c.id));
    expect((await post(web, `/cases/${c.code}/follow`, {})).statusCode).toBe(404);
    expect((await post(stefan, `/cases/${c.code}/follow`, {})).statusCode).toBe(404);
    // The submitter follows their own private case.
    expect((await post(lirije, `/cases/${c.code}/follow`, {})).statusCode).toBe(303);
  });
});

describe("the public page", () => {
  it("offers a visitor no form, so it sets no CSRF cookie", async () => {
    const c = await newCase({ actions: ["acknowledge", "resolve"] });
    const res = await p.app.inject({ url: `/cases/${c.code}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('method="post"');
    expect(res.headers["set-cookie"]).toBeUndefined();
  });

  it("shows the demo's resolved case to its submitter with the rating, reopen and follow forms", async () => {
    const [demo] = await db().select().from(cases).where(eq(cases.trackingCode, "PRI-2026-000014"));
    expect(demo).toMatchObject({ status: "resolved", submitterId: lirijeId });
    const page = await lirije.get("/cases/PRI-2026-000014");
    for (const form of ["rating", "reopen", "follow"])
      expect(page.body).toContain(`action="/cases/PRI-2026-000014/${form}"`);
  });
});
