// Accounts end to end through the pages: register, confirm by email, log in and out, links by email,
// password reset, throttling, sessions, export and deletion. Mail goes over SMTP to a real server.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, cases, sessions, users } from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { smtpMailer } from "../../src/notifications/mailer.ts";
import { deliverDue } from "../../src/notifications/outbox.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { linkIn, startSmtpServer } from "../support/smtp.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
  p = await createTestPlatform({
    demo: true,
    mailer: () => smtpMailer(smtp.url, "E-Komuna <no-reply@ekomuna.test>"),
  });
});
afterAll(async () => {
  await p.close();
  await smtp.close();
});

const db = () => p.deps.database.db;
const deliver = () => deliverDue(db(), p.deps.mailer, () => p.deps.clock.now());
const client = (headers: Record<string, string> = {}) => new WebClient(p.app, headers);
const pathOf = (link: string) => new URL(link).pathname;
const lirije = "lirije.shala@demo.ekomuna.example";

describe("registering", () => {
  it("creates an account confirmed by an emailed link in the chosen language, which logs the person in", async () => {
    const web = client();
    const res = await web.submit("/register", {
      name: "Besa Krasniqi",
      email: "besa@example.org",
      password: "lule bore mali 77",
      language: "sr",
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("besa@example.org");
    await deliver();
    const mail = smtp.to("besa@example.org").at(-1)!;
    expect(mail.subject).toBe("Potvrdite svoju adresu e-pošte za E-Komunu");
    const link = linkIn(mail, "/verify-email/");

    // Opening the link shows a button; only pressing it uses the link (mail scanners fetch links).
    const confirm = await web.get(pathOf(link));
    expect(confirm.statusCode).toBe(200);
    const done = await web.submit(pathOf(link), {});
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe("/account");
    expect(web.signedIn()).toBe(true);
    const account = await web.get("/account");
    expect(account.body).toContain("Besa Krasniqi");
    const [user] = await db().select().from(users).where(eq(users.email, "besa@example.org"));
    expect(user!.emailVerifiedAt).not.toBeNull();
    expect(user!.passwordHash).toMatch(/^\$argon2id\$/);

    // The link works once.
    expect((await client().get(pathOf(link))).body).not.toContain(`action="${pathOf(link)}"`);
    const again = await client().postWithToken(pathOf(link), {});
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain("Kjo lidhje ka skaduar ose është përdorur tashmë");
  });

  it("says the same for an email that already has an account, and tells its owner instead", async () => {
    const before = smtp.to(lirije).length;
    const web = client();
    web.cookies.set("lang", "en");
    const res = await web.submit("/register", {
      name: "Someone",
      email: "Lirije.Shala@demo.ekomuna.example",
      password: "another long passphrase",
      language: "en",
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("We have sent a link to Lirije.Shala@demo.ekomuna.example");
    await deliver();
    expect(smtp.to(lirije).length).toBe(before + 1);
    expect(smtp.to(lirije).at(-1)!.subject).toBe(
      "Dikush u përpoq të regjistrohej me adresën tuaj të email-it",
    );
    const rows = await db()
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, lirije));
    expect(rows).toHaveLength(1);
  });

  it("shows every problem at its field, keeps what was typed except the password, in the page language", async () => {
    const web = client({ cookie: "lang=en" });
    web.cookies.set("lang", "en");
    const res = await web.submit("/register", {
      name: "  ",
      email: "besa@",
      password: "1234567890",
      language: "xx",
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain("<title>Error: Create an account – E-Komuna</title>");
    expect(res.body).toContain('<a href="#field-name">Enter your name</a>');
    expect(res.body).toContain(
      '<a href="#field-email">Enter an email address in the right format, like name@example.com</a>',
    );
    expect(res.body).toContain(
      '<a href="#field-password">This password is too common: choose one that is harder to guess</a>',
    );
    expect(res.body).toContain('<a href="#field-language">Choose the language for messages</a>');
    expect(res.body).toContain('value="besa@"');
    expect(res.body).not.toContain("1234567890");
    expect(res.body).toMatch(/aria-describedby="field-email-hint field-email-error"/);
  });

  it("refuses a short password and a password that is the email", async () => {
    const web = client();
    web.cookies.set("lang", "en");
    const short = await web.submit("/register", {
      name: "A",
      email: "a@example.org",
      password: "short",
      language: "en",
    });
    expect(short.body).toContain("Your password must be at least 10 characters long");
    const same = await web.submit("/register", {
      name: "A",
      email: "arben@example.org",
      password: "arben@example.org",
      language: "en",
    });
    expect(same.body).toContain("Your password must not be your email address");
  });

  it("escapes whatever is typed when showing it again", async () => {
    const web = client();
    const res = await web.submit("/register", {
      name: '<script>alert("x")</script>',
      email: '"><img src=x>',
      password: "x",
      language: "sq",
    });
    expect(res.statusCode).toBe(422);
    // Inside a quoted attribute only the quote can break out: it must come back escaped.
    expect(res.body).not.toContain('value=""><img');
    expect(res.body).not.toContain('alert("x")');
  });
});

describe("logging in", () => {
  it("logs in with the password and sends the person where they were going", async () => {
    const web = client();
    const res = await web.submit("/login?next=%2Fm%2Fprishtine", { email: lirije, password: DEMO_PASSWORD });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/m/prishtine");
    const cookie = (
      res.cookies as { name: string; httpOnly?: boolean; sameSite?: string; path?: string }[]
    ).find((c) => c.name === "sid")!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    const home = await web.get("/");
    expect(home.body).toContain('href="/account"');
    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.login"), eq(auditLog.ip, web.remoteAddress)))
      .limit(1);
    expect(entry).toBeDefined();
  });

  it("gives the same answer for a wrong password and an unknown email, keeping the email typed", async () => {
    const web = client();
    web.cookies.set("lang", "en");
    const wrong = await web.submit("/login", {
      email: "stefan.ilic@demo.ekomuna.example",
      password: "not the password",
    });
    const unknown = await web.submit("/login", { email: "nobody@example.org", password: "not the password" });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain("The email address or the password is not right");
      expect(web.signedIn()).toBe(false);
    }
    expect(unknown.body).toContain('value="nobody@example.org"');
    expect(unknown.body).not.toContain("not the password");
  });

  it("slows down repeated failures for one account with growing delays, then lets the owner in", async () => {
    const web = client();
    web.cookies.set("lang", "en");
    const target = "koordinator.gracanica@demo.ekomuna.example";
    for (let i = 0; i < 5; i++) {
      expect((await web.submit("/login", { email: target, password: `wrong ${i} attempt` })).statusCode).toBe(
        422,
      );
    }
    const blocked = await web.submit("/login", { email: target, password: DEMO_PASSWORD });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    expect(blocked.body).toMatch(/Too many attempts to log in\. Wait \d+ seconds and try again\./);
    p.clock.advance(5 * 60_000);
    const ok = await web.submit("/login", { email: target, password: DEMO_PASSWORD });
    expect(ok.statusCode).toBe(303);
  });

  it("asks an unconfirmed account to confirm first and sends a new link", async () => {
    await client().submit("/register", {
      name: "Drita",
      email: "drita@example.org",
      password: "pemë të gjelbra 2026",
      language: "sq",
    });
    await deliver();
    const sent = smtp.to("drita@example.org").length;
    const web = client();
    const res = await web.submit("/login", { email: "drita@example.org", password: "pemë të gjelbra 2026" });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain("Së pari konfirmoni adresën e email-it");
    await deliver();
    expect(smtp.to("drita@example.org").length).toBe(sent + 1);
  });

  it("logs in with a link by email, without saying whether the address has an account", async () => {
    const web = client();
    const unknown = await web.submit("/login/email", { email: "ghost@example.org" });
    const known = await web.submit("/login/email", { email: "stefan.ilic@demo.ekomuna.example" });
    expect(unknown.statusCode).toBe(200);
    expect(known.body.replace(/stefan\.ilic@demo\.ekomuna\.example/g, "X")).toBe(
      unknown.body.replace(/ghost@example\.org/g, "X"),
    );
    await deliver();
    expect(smtp.to("ghost@example.org")).toHaveLength(0);
    const mail = smtp.to("stefan.ilic@demo.ekomuna.example").at(-1)!;
    expect(mail.subject).toBe("Vaš link za prijavu na E-Komunu");
    const link = pathOf(linkIn(mail, "/login/link/"));
    const res = await web.submit(link, {});
    expect(res.statusCode).toBe(303);
    expect(web.signedIn()).toBe(true);
  });
});

describe("emailed links", () => {
  it("are sent at most five an hour to one address, whoever asks, with the same answer", async () => {
    const email = "admin.prishtine@demo.ekomuna.example";
    const before = smtp.to(email).length;
    for (let i = 0; i < 8; i++) {
      const res = await new WebClient(p.app).submit("/password/forgot", { email });
      expect(res.statusCode).toBe(200);
    }
    await deliver();
    expect(smtp.to(email).length - before).toBe(5);
    p.clock.advance(61 * 60_000);
    await new WebClient(p.app).submit("/password/forgot", { email });
    await deliver();
    expect(smtp.to(email).length - before).toBe(6);
  });
});

describe("resetting a password", () => {
  it("sets a new password from the emailed link, ends every other session, and the old password stops working", async () => {
    const email = "zyrtari.prizren@demo.ekomuna.example";
    const elsewhere = client();
    await elsewhere.submit("/login", { email, password: DEMO_PASSWORD });
    expect(elsewhere.signedIn()).toBe(true);

    const web = client();
    await web.submit("/password/forgot", { email });
    await deliver();
    const link = pathOf(linkIn(smtp.to(email).at(-1), "/password/reset/"));
    const weak = await web.submit(link, { password: "qwertyuiop" });
    expect(weak.statusCode).toBe(422);
    const done = await web.submit(link, { password: "a brand new passphrase" });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe("/account");

    expect((await elsewhere.get("/account")).statusCode).toBe(303); // its session ended
    expect((await client().submit("/login", { email, password: DEMO_PASSWORD })).statusCode).toBe(422);
    expect((await client().submit("/login", { email, password: "a brand new passphrase" })).statusCode).toBe(
      303,
    );
    expect((await client().get(link)).body).toContain("Kjo lidhje ka skaduar ose është përdorur tashmë");
  });
});

describe("sessions", () => {
  it("refuses a form without its CSRF token with a page that explains", async () => {
    const web = client();
    web.cookies.set("lang", "en");
    const res = await web.post("/login", { email: lirije, password: DEMO_PASSWORD });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain("This form has expired");
    expect(web.signedIn()).toBe(false);
  });

  it("logs out: the session ends on the server, not only the cookie", async () => {
    const web = client();
    await web.submit("/login", { email: lirije, password: DEMO_PASSWORD });
    const token = web.cookies.get("sid")!;
    const out = await web.submit("/", {}, "/logout");
    expect(out.statusCode).toBe(303);
    expect(web.signedIn()).toBe(false);
    const replay = await p.app.inject({ url: "/account", headers: { cookie: `sid=${token}` } });
    expect(replay.statusCode).toBe(303);
    expect(replay.headers.location).toBe("/login?next=%2Faccount");
  });

  it("ends a session after inactivity", async () => {
    const web = client();
    await web.submit("/login", { email: lirije, password: DEMO_PASSWORD });
    expect((await web.get("/account")).statusCode).toBe(200);
    p.clock.advance((p.deps.config.session.idleMinutes + 1) * 60_000);
    expect((await web.get("/account")).statusCode).toBe(303);
  });

  it("lists the sessions on the account page and logs out another one", async () => {
    const phone = client({ "user-agent": "Phone browser" });
    await phone.submit("/login", { email: lirije, password: DEMO_PASSWORD });
    const web = client({ "user-agent": "Desktop browser" });
    await web.submit("/login", { email: lirije, password: DEMO_PASSWORD });
    const page = await web.get("/account");
    expect(page.body).toContain("Phone browser");
    const phoneSession = page.body.match(/action="\/account\/sessions\/([0-9a-f]{64})\/revoke"/g);
    expect(phoneSession?.length).toBeGreaterThan(0);
    // Revoke every other session listed.
    for (const m of page.body.matchAll(/action="(\/account\/sessions\/[0-9a-f]{64}\/revoke)"/g)) {
      expect((await web.submit("/account", {}, m[1])).statusCode).toBe(303);
    }
    expect((await phone.get("/account")).statusCode).toBe(303);
    expect((await web.get("/account")).statusCode).toBe(200);
    // Someone else's session id is not found.
    const stranger = client();
    await stranger.submit("/login", { email: "stefan.ilic@demo.ekomuna.example", password: DEMO_PASSWORD });
    const [lirijeSession] = await db()
      .select()
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(users.email, lirije));
    const res = await stranger.postWithToken(
      `/account/sessions/${lirijeSession!.sessions.id}/revoke`,
      {},
      "/account",
    );
    expect(res.statusCode).toBe(404);
  });
});

describe("personal data", () => {
  it("gives a citizen all their data as JSON, without secrets", async () => {
    const web = client();
    await web.submit("/login", { email: lirije, password: DEMO_PASSWORD });
    const res = await web.get("/account/export");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-disposition"]).toContain("attachment");
    const data = res.json();
    expect(data.account).toMatchObject({ email: lirije, name: "Lirije Shala", hasPassword: true });
    expect(data.cases.length).toBeGreaterThan(0);
    expect(data.cases[0].timeline.length).toBeGreaterThan(0);
    expect(res.body).not.toContain("argon2");
    expect(res.body).not.toMatch(/"id":"[0-9a-f]{64}"/); // no session token hashes
  });

  it("deletes an account after confirmation: the cases stay without the person's data", async () => {
    const web = client();
    web.cookies.set("lang", "en");
    await web.submit("/login", { email: "stefan.ilic@demo.ekomuna.example", password: DEMO_PASSWORD });
    const [stefan] = await db()
      .select()
      .from(users)
      .where(eq(users.email, "stefan.ilic@demo.ekomuna.example"));
    const theirs = await db().select().from(cases).where(eq(cases.submitterId, stefan!.id));
    expect(theirs.length).toBeGreaterThan(0);

    const unconfirmed = await web.submit("/account/delete", {});
    expect(unconfirmed.statusCode).toBe(422);
    expect(unconfirmed.body).toContain("Tick the box to confirm that you want to delete your account");

    const res = await web.submit("/account/delete", { confirm: "yes" });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/account/deleted");
    expect(web.signedIn()).toBe(false);
    expect(await db().select().from(users).where(eq(users.id, stefan!.id))).toHaveLength(0);
    for (const c of theirs) {
      const [after] = await db().select().from(cases).where(eq(cases.id, c.id));
      expect(after).toMatchObject({
        submitterId: null,
        contactName: null,
        contactEmail: null,
        title: c.title,
      });
    }
    const login = await client().submit("/login", {
      email: "stefan.ilic@demo.ekomuna.example",
      password: DEMO_PASSWORD,
    });
    expect(login.statusCode).toBe(422);
  });
});

describe("rate limits", () => {
  it("answers a flood of login posts from one address with 429, Retry-After and a readable page", async () => {
    const web = client({ "x-forwarded-for": "203.0.113.9" });
    web.cookies.set("lang", "en");
    let last = await web.submit("/login", { email: "x@example.org", password: "whatever it is" });
    for (let i = 0; i < 40 && last.statusCode !== 429; i++) {
      last = await web.submit("/login", { email: `x${i}@example.org`, password: "whatever it is" });
    }
    expect(last.statusCode).toBe(429);
    expect(Number(last.headers["retry-after"])).toBeGreaterThan(0);
    expect(last.body).toContain("Too many");
  });
});
