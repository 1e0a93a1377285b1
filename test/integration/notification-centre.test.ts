// The in-app notification centre, email preferences, unsubscribe links and the daily digest, through the
// pages a person uses and the notify() the case commands call: the header counts what is unread, marking
// read touches only one's own, a preference changes what notify() does, an email's unsubscribe link works
// without signing in (and one-click from a mail client), and each person's digest goes out once a day.
import { and, asc, count, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl } from "../../src/app.ts";
import {
  cases,
  departments,
  digestItems,
  emailOptOuts,
  municipalities,
  notificationPreferences,
  notifications,
  outbox,
  users,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { runDigestPass } from "../../src/notifications/digest.ts";
import type { MailMessage } from "../../src/notifications/mailer.ts";
import { type Notice, notify, type Recipient } from "../../src/notifications/notify.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
});
afterAll(async () => {
  await p.close();
});

const db = () => p.deps.database.db;
const demo = (local: string) => `${local}@demo.ekomuna.example`;
const ctx = () => ({ now: p.deps.clock.now(), baseUrl: baseUrl(p.deps.config) });

/** A client in English, signed in as a demo account when `local` is given. */
async function client(local?: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  if (local) {
    const res = await web.submit("/login", { email: demo(local), password: DEMO_PASSWORD });
    expect(res.statusCode).toBe(303);
  }
  return web;
}

type Account = Recipient & { userId: string; email: string };

async function account(local: string): Promise<Account> {
  const [u] = await db()
    .select()
    .from(users)
    .where(eq(users.email, demo(local)));
  return { userId: u!.id, email: u!.email, name: u!.name, language: u!.language };
}

const notice = (subject: string, extra: Partial<Notice> = {}): Notice => ({
  topic: "case_status",
  subject,
  lines: [`${subject}: the first paragraph.`, "The second paragraph."],
  path: "/cases/PRI-2026-000001",
  ...extra,
});

/** The header's notification link as read aloud: its text without markup. */
const headerLink = (html: string) =>
  html
    .match(/<a href="\/notifications"[^>]*>([\s\S]*?)<\/a>/)?.[1]
    ?.replace(/<[^>]+>/g, "")
    .trim();

const lastOutboxId = async () =>
  Number(
    (
      await db()
        .select({ n: sql<number>`coalesce(max(${outbox.id}), 0)` })
        .from(outbox)
    )[0]!.n,
  );
/** The emails queued after `since` to an address. */
const emailsTo = async (address: string, since: number) =>
  (await db().select().from(outbox).where(gt(outbox.id, since)).orderBy(asc(outbox.id))).filter(
    (m) => (m.payload as unknown as MailMessage).to === address,
  );

/** The path and query of the List-Unsubscribe link of a queued email. */
function unsubscribePath(m: typeof outbox.$inferSelect) {
  const header = (m.payload as unknown as MailMessage).headers?.["List-Unsubscribe"];
  const url = new URL(header!.replace(/^<|>$/g, ""));
  return url.pathname + url.search;
}

describe("the notification centre", () => {
  it("is for signed-in people: a visitor is sent to log in, and sees no count in the header", async () => {
    const visitor = await client();
    const res = await visitor.get("/notifications");
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/login?next=%2Fnotifications");
    expect((await visitor.get("/")).body).not.toContain('href="/notifications"');
  });

  it("shows what notify() wrote, newest first, with the unread count in every page's header", async () => {
    const lirije = await account("lirije.shala");
    await db().delete(notifications).where(eq(notifications.userId, lirije.userId));
    const web = await client("lirije.shala");
    expect(headerLink((await web.get("/account")).body)).toBe("Notifications");
    expect((await web.get("/notifications")).body).toContain("You have no notifications yet.");

    await notify(db(), lirije, notice("Older news"), ctx());
    p.clock.advance(60_000);
    await notify(db(), lirije, notice("Newer news", { path: "/cases/PRI-2026-000002" }), ctx());

    expect(headerLink((await web.get("/account")).body)).toBe("Notifications (2 unread)");
    const page = await web.get("/notifications");
    expect(page.statusCode).toBe(200);
    expect(headerLink(page.body)).toBe("Notifications (2 unread)");
    expect(page.body).toContain("You have 2 unread notifications.");
    expect(page.body.indexOf("Newer news")).toBeLessThan(page.body.indexOf("Older news"));
    expect(page.body).toContain('<a href="/cases/PRI-2026-000002">Newer news</a>');
    expect(page.body).toContain("<p>Older news: the first paragraph.</p>");
    // Unread is said in words, once per unread notification.
    expect(page.body.match(/<strong class="status-tag">Unread<\/strong>/g)).toHaveLength(2);
  });

  it("renders only links to this site", async () => {
    const lirije = await account("lirije.shala");
    await db()
      .insert(notifications)
      .values([
        {
          userId: lirije.userId,
          topic: "case_status",
          subject: "Odd link",
          body: "x",
          link: "//evil.example/x",
        },
        {
          userId: lirije.userId,
          topic: "case_status",
          subject: "Odd scheme",
          body: "x",
          link: "javascript:alert(1)",
        },
      ]);
    const page = await (await client("lirije.shala")).get("/notifications");
    expect(page.body).toContain("<span>Odd link</span>");
    expect(page.body).not.toContain("evil.example");
    expect(page.body).not.toContain("javascript:");
  });

  it("marks one's own as read, one or all; someone else's id answers 404 and changes nothing", async () => {
    const lirije = await account("lirije.shala");
    const stefan = await account("stefan.ilic");
    await notify(db(), stefan, notice("Stefan's news"), ctx());
    const [theirs] = await db().select().from(notifications).where(eq(notifications.userId, stefan.userId));
    const web = await client("lirije.shala");
    const unread = async () =>
      (
        await db()
          .select({ n: count() })
          .from(notifications)
          .where(and(eq(notifications.userId, lirije.userId), isNull(notifications.readAt)))
      )[0]!.n;
    const before = await unread();
    expect(before).toBe(4);

    const [newest] = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, lirije.userId), eq(notifications.subject, "Newer news")));
    const marked = await web.submit("/notifications", {}, `/notifications/${newest!.id}/read`);
    expect(marked.statusCode).toBe(303);
    expect(marked.headers.location).toBe("/notifications?done=read");
    expect(await unread()).toBe(3);
    const after = await web.get("/notifications?done=read");
    expect(after.body).toContain("The notification is marked as read.");
    expect(headerLink(after.body)).toBe("Notifications (3 unread)");

    const other = await web.postWithToken(`/notifications/${theirs!.id}/read`, {}, "/notifications");
    expect(other.statusCode).toBe(404);
    const [still] = await db().select().from(notifications).where(eq(notifications.id, theirs!.id));
    expect(still!.readAt).toBeNull();
    for (const bad of ["abc", "0", "99999999999999999999"])
      expect((await web.postWithToken(`/notifications/${bad}/read`, {}, "/notifications")).statusCode).toBe(
        404,
      );

    // Without the form's CSRF token, nothing is marked.
    expect((await web.post("/notifications/read-all", {})).statusCode).toBe(403);
    expect(await unread()).toBe(3);

    const all = await web.submit("/notifications", {}, "/notifications/read-all");
    expect(all.statusCode).toBe(303);
    expect(await unread()).toBe(0);
    const done = await web.get(all.headers.location as string);
    expect(done.body).toContain("All your notifications are marked as read.");
    expect(headerLink(done.body)).toBe("Notifications");
    expect(done.body).not.toContain("Mark all as read");
    const [stefans] = await db().select().from(notifications).where(eq(notifications.id, theirs!.id));
    expect(stefans!.readAt).toBeNull();
  });

  it("shows 25 a page, and any page number it cannot use as the first or the last", async () => {
    const lirije = await account("lirije.shala");
    await db().delete(notifications).where(eq(notifications.userId, lirije.userId));
    const at = p.deps.clock.now().getTime();
    await db()
      .insert(notifications)
      .values(
        Array.from({ length: 30 }, (_, i) => ({
          userId: lirije.userId,
          topic: "case_status",
          subject: `Message number ${i + 1}.`,
          body: "x",
          createdAt: new Date(at + i * 1000),
        })),
      );
    const web = await client("lirije.shala");
    const first = await web.get("/notifications");
    expect(first.body.match(/class="case-card"/g)).toHaveLength(25);
    expect(first.body).toContain("Message number 30.");
    expect(first.body).not.toContain("Message number 5.");
    expect(first.body).toContain("<title>Notifications, page 1 of 2");
    const second = await web.get("/notifications?page=2");
    expect(second.body.match(/class="case-card"/g)).toHaveLength(5);
    expect(second.body).toContain("Message number 1.");
    expect((await web.get("/notifications?page=abc")).body).toContain("Message number 30.");
    expect((await web.get("/notifications?page=999")).body).toContain("Message number 1.");
  });
});

describe("email preferences", () => {
  it("offers staff topics to staff only; what the case or the law needs is shown as always sent", async () => {
    const citizen = (await (await client("lirije.shala")).get("/notifications/preferences")).body;
    expect(citizen).toContain('name="case_status"');
    expect(citizen).not.toContain('name="assignment"');
    expect(citizen).not.toContain('name="information_requested"');
    expect(citizen).toContain("Always sent");
    expect(citizen).toContain("Requests for information");
    const staff = (await (await client("zyrtari.prishtine")).get("/notifications/preferences")).body;
    expect(staff).toContain('name="assignment"');
    // The daily summary of open work is a digest or nothing.
    expect(staff).toContain('name="open_work_digest" value="digest" checked');
    expect(staff).not.toContain('name="open_work_digest" value="immediate"');
  });

  it("saves the choices, and notify() follows them: off, digest, and required topics at once", async () => {
    const lirije = await account("lirije.shala");
    const web = await client("lirije.shala");
    const saved = await web.submit("/notifications/preferences", {
      case_status: "off",
      case_answer: "digest",
      case_resolved: "immediate",
      case_reopened: "immediate",
      followed_updates: "immediate",
    });
    expect(saved.statusCode).toBe(303);
    const page = await web.get(saved.headers.location as string);
    expect(page.body).toContain("Your choices have been saved.");
    expect(page.body).toContain('name="case_status" value="off" checked');
    expect(page.body).toContain('name="case_answer" value="digest" checked');

    const since = await lastOutboxId();
    expect(await notify(db(), lirije, notice("Status moved"), ctx())).toEqual({ inApp: true, email: "off" });
    expect(await notify(db(), lirije, notice("An answer", { topic: "case_answer" }), ctx())).toEqual({
      inApp: true,
      email: "digest",
    });
    const kept = await db()
      .select()
      .from(digestItems)
      .where(and(eq(digestItems.userId, lirije.userId), eq(digestItems.subject, "An answer")));
    expect(kept).toHaveLength(1);
    expect(await emailsTo(lirije.email, since)).toHaveLength(0);

    // A request for information goes at once, even against a stored "off".
    await db()
      .insert(notificationPreferences)
      .values({ userId: lirije.userId, topic: "information_requested", mode: "off" })
      .onConflictDoNothing();
    await notify(db(), lirije, notice("Please tell us more", { topic: "information_requested" }), ctx());
    const sent = await emailsTo(lirije.email, since);
    expect(sent.map((m) => (m.payload as unknown as MailMessage).subject)).toEqual(["Please tell us more"]);
  });

  it("answers a value a topic does not offer with 400, the form kept and the message at the field", async () => {
    const lirije = await account("lirije.shala");
    const before = await db()
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, lirije.userId));
    const web = await client("lirije.shala");
    const res = await web.submit("/notifications/preferences", {
      case_status: "sometimes",
      case_answer: "immediate",
      case_resolved: "off",
      case_reopened: "immediate",
      followed_updates: "immediate",
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("<title>Error: Email notifications");
    expect(res.body).toContain('href="#field-case_status"');
    expect(res.body).toContain('id="field-case_status-error"');
    expect(res.body).toContain('name="case_resolved" value="off" checked');
    expect(res.body).toContain('name="case_answer" value="immediate" checked');
    expect(res.body).not.toMatch(/name="case_status" value="[a-z]+" checked/);
    const after = await db()
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, lirije.userId));
    expect(after).toEqual(before);
  });
});

describe("unsubscribe links", () => {
  it("the link of a queued email: a page that says what stops, then a button, without signing in", async () => {
    const stefan = await account("stefan.ilic");
    const since = await lastOutboxId();
    await notify(db(), stefan, notice("Status moved", { topic: "case_resolved" }), ctx());
    const [mail] = await emailsTo(stefan.email, since);
    expect((mail!.payload as unknown as MailMessage).headers?.["List-Unsubscribe-Post"]).toBe(
      "List-Unsubscribe=One-Click",
    );
    const link = unsubscribePath(mail!);
    const visitor = await client();
    const page = await visitor.get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Stop these emails?");
    expect(page.body).toContain("You will no longer get emails about: Resolution.");
    const confirmed = await visitor.submit(link, {});
    expect(confirmed.statusCode).toBe(303);
    const [pref] = await db()
      .select()
      .from(notificationPreferences)
      .where(
        and(
          eq(notificationPreferences.userId, stefan.userId),
          eq(notificationPreferences.topic, "case_resolved"),
        ),
      );
    expect(pref!.mode).toBe("off");
    const done = await visitor.get(confirmed.headers.location as string);
    expect(done.body).toContain("You will no longer get these emails");
    expect(done.body).not.toContain("Stop these emails</button>");
    const later = await lastOutboxId();
    await notify(db(), stefan, notice("Resolved again", { topic: "case_resolved" }), ctx());
    expect(await emailsTo(stefan.email, later)).toHaveLength(0);
  });

  it("one-click from a mail client: a POST without cookies or CSRF token, form-encoded or multipart", async () => {
    const anonymous = { email: "Someone@Example.org", language: "en" };
    const since = await lastOutboxId();
    await notify(db(), anonymous, notice("Your answer", { topic: "case_answer" }), ctx());
    await notify(db(), anonymous, notice("Status moved", { topic: "case_status" }), ctx());
    const [answerMail, statusMail] = await emailsTo("Someone@Example.org", since);
    const oneClick = await p.app.inject({
      method: "POST",
      url: unsubscribePath(answerMail!),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.statusCode).toBe(303);
    const boundary = "----mailclient";
    const multipart = await p.app.inject({
      method: "POST",
      url: unsubscribePath(statusMail!),
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(multipart.statusCode).toBe(303);
    const optOuts = await db()
      .select({ topic: emailOptOuts.topic })
      .from(emailOptOuts)
      .where(eq(emailOptOuts.email, "someone@example.org"))
      .orderBy(asc(emailOptOuts.topic));
    expect(optOuts.map((o) => o.topic)).toEqual(["case_answer", "case_status"]);
    const later = await lastOutboxId();
    await notify(db(), anonymous, notice("Another answer", { topic: "case_answer" }), ctx());
    expect(await emailsTo("Someone@Example.org", later)).toHaveLength(0);
  });

  it("refuses a forged or broken link with 400 and changes nothing; required topics cannot be stopped", async () => {
    const stefan = await account("stefan.ilic");
    const since = await lastOutboxId();
    await notify(db(), stefan, notice("Tell us more", { topic: "information_requested" }), ctx());
    await notify(db(), stefan, notice("An answer", { topic: "case_answer" }), ctx());
    const [required, answer] = await emailsTo(stefan.email, since);
    const prefs = () =>
      db().select().from(notificationPreferences).where(eq(notificationPreferences.userId, stefan.userId));
    const before = await prefs();
    const optOuts = async () => (await db().select({ n: count() }).from(emailOptOuts))[0]!.n;
    const optOutsBefore = await optOuts();

    // The same link for another topic, or another person: the signature no longer matches.
    const good = unsubscribePath(answer!);
    const forged = [
      good.replace("case_answer", "case_status"),
      good.replace(stefan.userId, (await account("lirije.shala")).userId),
      `${good.slice(0, -3)}AAA`,
      "/notifications/unsubscribe",
      "/notifications/unsubscribe?t=",
      "/notifications/unsubscribe?t=e%3Aa%40b.c%7Ccase_status.forged",
    ];
    for (const link of forged) {
      const page = await p.app.inject({ method: "GET", url: link, headers: { cookie: "lang=en" } });
      expect(page.statusCode, link).toBe(400);
      expect(page.body).toContain("This link does not work");
      const post = await p.app.inject({
        method: "POST",
        url: link,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        payload: "List-Unsubscribe=One-Click",
      });
      expect(post.statusCode, link).toBe(400);
    }

    const requiredLink = unsubscribePath(required!);
    const page = await (await client()).get(requiredLink);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("These emails cannot be turned off");
    expect(page.body).not.toContain("Stop these emails</button>");
    const post = await p.app.inject({
      method: "POST",
      url: requiredLink,
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: "lang=en" },
      payload: "List-Unsubscribe=One-Click",
    });
    expect(post.statusCode).toBe(409);
    expect(post.body).toContain("These emails cannot be turned off");

    expect(await prefs()).toEqual(before);
    expect(await optOuts()).toBe(optOutsBefore);
  });
});

describe("the daily digest", () => {
  // 27 November 2026: 07:00 in Belgrade is 06:00 UTC.
  const day1Early = new Date("2026-11-27T05:55:00Z");
  const day1 = new Date("2026-11-27T06:05:00Z");
  const day1Later = new Date("2026-11-27T15:00:00Z");
  const day2 = new Date("2026-11-28T06:01:00Z");
  const pass = (now: Date) => runDigestPass({ db: db(), now, baseUrl: "https://ekomuna.example" });
  const digestsTo = async (address: string, since: number) =>
    (await emailsTo(address, since)).filter((m) => m.topic === "digest" || m.topic === "open_work_digest");

  let officer: Account;
  let head: Account;
  let lirije: Account;
  const codes: string[] = [];

  beforeAll(async () => {
    officer = await account("zyrtari.prishtine");
    head = await account("drejtori.prishtine");
    lirije = await account("lirije.shala");
    // Open work, made certain: the officer holds exactly three open cases of Prishtinë (overdue, due soon,
    // on track), and one open case of their department is unassigned and overdue (the head's to steer).
    const [m] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
    const [dept] = await db()
      .select()
      .from(departments)
      .where(and(eq(departments.municipalityId, m!.id), eq(departments.code, "public-services")));
    await db().update(cases).set({ assigneeId: null }).where(eq(cases.assigneeId, officer.userId));
    await db().update(cases).set({ assigneeId: head.userId }).where(eq(cases.departmentId, dept!.id));
    const open = await db()
      .select({ id: cases.id, code: cases.trackingCode })
      .from(cases)
      .where(
        and(
          eq(cases.municipalityId, m!.id),
          inArray(cases.status, ["submitted", "acknowledged", "assigned", "in_progress"]),
        ),
      )
      .orderBy(asc(cases.id))
      .limit(4);
    expect(open).toHaveLength(4);
    const setups = [
      { assigneeId: officer.userId, slaState: "overdue", slaDueAt: new Date("2026-11-20T23:00:00Z") },
      { assigneeId: officer.userId, slaState: "due_soon", slaDueAt: new Date("2026-11-28T23:00:00Z") },
      { assigneeId: officer.userId, slaState: "on_track", slaDueAt: new Date("2026-12-20T23:00:00Z") },
      { assigneeId: null, slaState: "overdue", slaDueAt: new Date("2026-11-21T23:00:00Z") },
    ];
    for (const [i, c] of open.entries()) {
      await db()
        .update(cases)
        .set({ ...setups[i]!, departmentId: dept!.id })
        .where(eq(cases.id, c.id));
      codes.push(c.code);
    }
    // Lirije keeps answers for the digest (chosen above) and gets two.
    await db().delete(digestItems).where(eq(digestItems.userId, lirije.userId));
    await notify(db(), lirije, notice("First answer", { topic: "case_answer" }), ctx());
    await notify(
      db(),
      lirije,
      notice("Second answer", { topic: "case_answer", path: "/cases/PRI-2026-000003" }),
      ctx(),
    );
  });

  it("sends nothing before 07:00 local time", async () => {
    const since = await lastOutboxId();
    expect(await pass(day1Early)).toEqual({ day: undefined, people: 0, emails: 0 });
    expect(await lastOutboxId()).toBe(since);
  });

  it("sends each person one email with their kept messages and their open work, once a day", async () => {
    const since = await lastOutboxId();
    const first = await pass(day1);
    expect(first.day).toBe("2026-11-27");
    expect(first.emails).toBeGreaterThanOrEqual(3);

    const [citizenMail, ...more] = await digestsTo(lirije.email, since);
    expect(more).toHaveLength(0);
    expect(citizenMail!.topic).toBe("digest");
    const cm = citizenMail!.payload as unknown as MailMessage;
    // In Lirije's language (Albanian), the items in the order they came, with their links.
    expect(cm.subject).toContain("Përmbledhja juaj nga E-Komuna");
    expect(cm.text).toContain("2 mesazhe që nga përmbledhja e fundit:");
    expect(cm.text.indexOf("First answer")).toBeLessThan(cm.text.indexOf("Second answer"));
    expect(cm.text).toContain("Second answer: https://ekomuna.example/cases/PRI-2026-000003");
    const pending = await db()
      .select()
      .from(digestItems)
      .where(and(eq(digestItems.userId, lirije.userId), isNull(digestItems.sentAt)));
    expect(pending).toHaveLength(0);

    const [officerMail, ...again] = await digestsTo(officer.email, since);
    expect(again).toHaveLength(0);
    expect(officerMail!.topic).toBe("open_work_digest");
    const om = officerMail!.payload as unknown as MailMessage;
    expect(om.text).toContain("Keni 3 raste të hapura:");
    expect(om.text).toContain(`${codes[0]} – `);
    expect(om.text).toContain(`${codes[1]} – `);
    expect(om.text).not.toContain(`${codes[2]} – `);
    expect(om.text).not.toContain(`${codes[3]} – `);
    expect(om.text.indexOf(codes[0]!)).toBeLessThan(om.text.indexOf(codes[1]!));
    expect(om.text).toContain(`https://ekomuna.example/m/prishtine/workspace/cases/${codes[0]}`);
    expect(om.headers?.["List-Unsubscribe"]).toContain("/notifications/unsubscribe?t=");

    // The department head: the unassigned overdue case of the department is theirs to steer.
    const [headMail] = await digestsTo(head.email, since);
    expect((headMail!.payload as unknown as MailMessage).text).toContain(`${codes[3]} – `);

    // Later the same day, with something new kept: nothing more today.
    await notify(db(), lirije, notice("Third answer", { topic: "case_answer" }), ctx());
    const mid = await lastOutboxId();
    expect((await pass(day1Later)).emails).toBe(0);
    expect(await lastOutboxId()).toBe(mid);
  });

  it("two passes at once still make one email per person", async () => {
    const since = await lastOutboxId();
    const [a, b] = await Promise.all([pass(day2), pass(day2)]);
    const mails = await digestsTo(lirije.email, since);
    expect(mails).toHaveLength(1);
    expect((mails[0]!.payload as unknown as MailMessage).text).toContain("Third answer");
    expect((await digestsTo(officer.email, since)).length).toBe(1);
    expect(a.emails + b.emails).toBe(
      (await db().select({ n: count() }).from(outbox).where(gt(outbox.id, since)))[0]!.n,
    );
  });

  it("sends nothing to a person with nothing to say, and no open-work email once it is turned off", async () => {
    const since = await lastOutboxId();
    await db()
      .insert(notificationPreferences)
      .values({ userId: officer.userId, topic: "open_work_digest", mode: "off" })
      .onConflictDoUpdate({
        target: [notificationPreferences.userId, notificationPreferences.topic],
        set: { mode: "off" },
      });
    await pass(new Date("2026-11-29T07:00:00Z"));
    expect(await digestsTo(officer.email, since)).toHaveLength(0);
    // Lirije had nothing kept since yesterday's digest.
    expect(await digestsTo(lirije.email, since)).toHaveLength(0);
  });
});
