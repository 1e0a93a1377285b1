// Staff invitations end to end through the pages: a municipal admin or the platform operator invites by
// email, the invitee follows the emailed link and either creates an account or accepts after logging in.
// Mail goes over SMTP to a real server.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  departments,
  emailTokens,
  municipalities,
  roleAssignments,
  users,
} from "../../src/db/schema.ts";
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
const pathOf = (link: string) => new URL(link).pathname;
const demo = (local: string) => `${local}@demo.ekomuna.example`;
const lirije = demo("lirije.shala");

/** A client in English (the pages' language), signed in as a demo account when `local` is given. */
async function client(local?: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  if (local) {
    const res = await web.submit("/login", { email: demo(local), password: DEMO_PASSWORD });
    expect(res.statusCode).toBe(303);
  }
  return web;
}

async function municipalityId(slug: string) {
  const [m] = await db().select().from(municipalities).where(eq(municipalities.slug, slug));
  return m!.id;
}

async function departmentId(slug: string, code: string) {
  const [d] = await db()
    .select({ id: departments.id })
    .from(departments)
    .innerJoin(municipalities, eq(municipalities.id, departments.municipalityId))
    .where(and(eq(municipalities.slug, slug), eq(departments.code, code)));
  return d!.id;
}

async function userByEmail(email: string) {
  const rows = await db()
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.toLowerCase()));
  return rows;
}

async function rolesOf(userId: string) {
  return db()
    .select({
      role: roleAssignments.role,
      municipalityId: roleAssignments.municipalityId,
      departmentId: roleAssignments.departmentId,
    })
    .from(roleAssignments)
    .where(eq(roleAssignments.userId, userId));
}

/** The invitation link most recently mailed to an address, as a path. */
async function invitationPath(email: string) {
  await deliver();
  return pathOf(linkIn(smtp.to(email).at(-1), "/invitation/"));
}

const invitationsFor = async (email: string) =>
  db()
    .select()
    .from(emailTokens)
    .where(
      and(eq(emailTokens.purpose, "invitation"), eq(sql`lower(${emailTokens.email})`, email.toLowerCase())),
    );

describe("a municipal admin invites staff", () => {
  it("invites a new officer who creates an account from the emailed link and gets the role", async () => {
    const admin = await client("admin.prishtine");
    const page = await admin.get("/m/prishtine/staff");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("<h1>Staff of Prishtinë</h1>");
    expect(page.body).toContain("Arta Morina"); // an officer of prishtine
    expect(page.body).toContain("Public Services");
    expect(page.body).not.toContain("Emre Yıldız"); // an officer of prizren

    const publicServices = await departmentId("prishtine", "public-services");
    const email = "dardan.rexhepi@example.org";
    const sent = await admin.submit(
      "/m/prishtine/staff",
      { email, role: "officer", department: String(publicServices), language: "sr" },
      "/m/prishtine/staff/invite",
    );
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe("/m/prishtine/staff?invited=1#invite");
    const after = await admin.get("/m/prishtine/staff?invited=1");
    expect(after.body).toMatch(/<div class="notice" role="status">The invitation has been sent\.<\/div>/);

    // The email is in the language chosen for the invitee, with the role and the department.
    await deliver();
    const mail = smtp.to(email).at(-1)!;
    expect(mail.subject).toBe("Pozvani ste da radite na E-Komuni za Priština");
    expect(mail.raw).toContain("Službenik (Direkcija za javne usluge)");
    const link = pathOf(linkIn(mail, "/invitation/"));

    // Opening the link changes nothing; the page asks for a name and a password.
    const invitee = await client();
    const open = await invitee.get(link);
    expect(open.statusCode).toBe(200);
    expect(open.body).toContain(
      "You are invited to work on E-Komuna as Officer (Public Services) for Prishtinë.",
    );
    expect(open.body).toContain(`The invitation is for ${email}.`);
    expect(open.body).toContain('name="password"');

    const weak = await invitee.submit(link, {
      name: "Dardan Rexhepi",
      password: "dardan.rexhepi@example.org",
    });
    expect(weak.statusCode).toBe(422);
    expect(weak.body).toContain("Your password must not be your email address");
    expect(weak.body).toContain('value="Dardan Rexhepi"');

    const done = await invitee.submit(link, { name: "Dardan Rexhepi", password: "lumi i bardhë 2026" });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe("/account");
    expect(invitee.signedIn()).toBe(true);
    const account = await invitee.get("/account");
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain("Dardan Rexhepi");
    expect(account.body).toContain("Officer, Prishtinë, Public Services");

    const [user] = await userByEmail(email);
    expect(user!.emailVerifiedAt).not.toBeNull();
    expect(user!.language).toBe("sr");
    expect(await rolesOf(user!.id)).toEqual([
      { role: "officer", municipalityId: await municipalityId("prishtine"), departmentId: publicServices },
    ]);

    // Who invited whom into what, and the grant.
    const [adminUser] = await userByEmail(demo("admin.prishtine"));
    const [invited] = await db().select().from(auditLog).where(eq(auditLog.action, "staff.invited")).limit(1);
    expect(invited).toMatchObject({
      actorId: adminUser!.id,
      municipalityId: await municipalityId("prishtine"),
      data: { email, role: "officer", departmentId: publicServices, language: "sr" },
    });
    const [granted] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "role.granted"), eq(auditLog.subjectId, user!.id)));
    expect(granted).toMatchObject({
      actorId: adminUser!.id,
      subjectType: "user",
      municipalityId: await municipalityId("prishtine"),
      data: { role: "officer", departmentId: publicServices },
    });

    // The link works once.
    const again = await (await client()).get(link);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain("This invitation has expired or has already been used");
    expect(again.body).not.toContain('name="password"');
    const reuse = await (await client()).postWithToken(link, {
      name: "Someone Else",
      password: "another long passphrase",
    });
    expect(reuse.statusCode).toBe(410);
    expect(await userByEmail(email)).toHaveLength(1);
    expect(await rolesOf(user!.id)).toHaveLength(1);
  });

  it("adds the role to an existing citizen's account after they log in, keeping one account", async () => {
    const admin = await client("admin.prishtine");
    const sent = await admin.submit(
      "/m/prishtine/staff",
      { email: lirije, role: "participation_coordinator", department: "", language: "sq" },
      "/m/prishtine/staff/invite",
    );
    expect(sent.statusCode).toBe(303);
    const link = await invitationPath(lirije);
    expect(smtp.to(lirije).at(-1)!.subject).toBe("Jeni ftuar të punoni në E-Komuna për Prishtinë");

    // Not signed in: a link to log in and come back, no form to create an account.
    const web = await client();
    const open = await web.get(link);
    expect(open.body).toContain(`There is already an account for ${lirije}`);
    expect(open.body).toContain(`href="/login?next=${encodeURIComponent(link)}"`);
    expect(open.body).not.toContain('name="password"');
    expect(open.body).not.toContain("/login/eid"); // no eID configured here
    const early = await web.postWithToken(link, { name: "X", password: "a long enough password" });
    expect(early.statusCode).toBe(303);
    expect(early.headers.location).toBe(`/login?next=${encodeURIComponent(link)}`);

    const login = await web.submit(`/login?next=${encodeURIComponent(link)}`, {
      email: lirije,
      password: DEMO_PASSWORD,
    });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe(link);
    const confirm = await web.get(link);
    expect(confirm.body).toContain("Accept the invitation");
    const accepted = await web.submit(link, {});
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe("/account");

    const accounts = await userByEmail(lirije);
    expect(accounts).toHaveLength(1);
    expect(await rolesOf(accounts[0]!.id)).toEqual([
      {
        role: "participation_coordinator",
        municipalityId: await municipalityId("prishtine"),
        departmentId: null,
      },
    ]);
    expect(
      (await (await client()).submit("/login", { email: lirije, password: DEMO_PASSWORD })).statusCode,
    ).toBe(303);
    expect((await web.get("/account")).body).toContain("Participation coordinator, Prishtinë");

    // Inviting her into the role she now holds is refused by name.
    const twice = await admin.submit(
      "/m/prishtine/staff",
      { email: lirije, role: "participation_coordinator", department: "", language: "sq" },
      "/m/prishtine/staff/invite",
    );
    expect(twice.statusCode).toBe(422);
    expect(twice.body).toContain('<a href="#field-email">This person already has this role here</a>');
  });

  it("refuses a signed-in person whose address is not the invited one, and grants nothing", async () => {
    const admin = await client("admin.prishtine");
    const email = "besim.invited@example.org";
    await admin.submit(
      "/m/prishtine/staff",
      { email, role: "municipal_admin", department: "", language: "en" },
      "/m/prishtine/staff/invite",
    );
    const link = await invitationPath(email);
    const stefan = await client("stefan.ilic");
    const open = await stefan.get(link);
    expect(open.statusCode).toBe(200);
    expect(open.body).toContain(
      `You are logged in as ${demo("stefan.ilic")}, but this invitation is for ${email}.`,
    );
    expect(open.body).not.toContain(`action="${link}"`);
    const res = await stefan.postWithToken(link, {}, "/account/delete");
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain("Log out first, then open the link again.");
    const [s] = await userByEmail(demo("stefan.ilic"));
    expect(await rolesOf(s!.id)).toEqual([]);
    expect((await invitationsFor(email))[0]!.usedAt).toBeNull(); // still good for its addressee
  });
});

describe("who may invite", () => {
  it("keeps an admin to their own municipality: another one's page and form are not found", async () => {
    const admin = await client("admin.prishtine");
    expect((await admin.get("/m/prizren/staff")).statusCode).toBe(404);
    const res = await admin.postWithToken(
      "/m/prizren/staff/invite",
      { email: "x@example.org", role: "participation_coordinator", department: "", language: "sq" },
      "/m/prishtine/staff",
    );
    expect(res.statusCode).toBe(404);
    expect(await invitationsFor("x@example.org")).toHaveLength(0);
  });

  it("refuses a department of another municipality with a message at the field", async () => {
    const admin = await client("admin.prishtine");
    const prizrens = await departmentId("prizren", "public-services");
    const res = await admin.postWithToken(
      "/m/prishtine/staff/invite",
      { email: "y@example.org", role: "officer", department: String(prizrens), language: "en" },
      "/m/prishtine/staff",
    );
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('<a href="#field-department">Choose a department of this municipality</a>');
    expect(res.body).toContain('value="y@example.org"');
    expect(await invitationsFor("y@example.org")).toHaveLength(0);
  });

  it("shows an officer neither the staff page nor the form", async () => {
    const officer = await client("zyrtari.prishtine");
    expect((await officer.get("/m/prishtine/staff")).statusCode).toBe(404);
    const res = await officer.postWithToken(
      "/m/prishtine/staff/invite",
      {
        email: "z@example.org",
        role: "officer",
        department: String(await departmentId("prishtine", "urbanism")),
        language: "sq",
      },
      "/account/delete",
    );
    expect(res.statusCode).toBe(404);
    expect((await officer.get("/admin/staff")).statusCode).toBe(404);
  });

  it("sends a visitor to log in first", async () => {
    const visitor = await client();
    const res = await visitor.get("/m/prishtine/staff");
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/login?next=%2Fm%2Fprishtine%2Fstaff");
    expect((await visitor.get("/admin/staff")).headers.location).toBe("/login?next=%2Fadmin%2Fstaff");
  });

  it("does not let a municipal admin invite national roles", async () => {
    const admin = await client("admin.prishtine");
    expect((await admin.get("/admin/staff")).statusCode).toBe(404);
    const fields = {
      email: "monitor@example.org",
      role: "ministry_monitor",
      municipality: "",
      department: "",
      language: "sq",
    };
    expect((await admin.postWithToken("/admin/staff/invite", fields, "/m/prishtine/staff")).statusCode).toBe(
      404,
    );
    expect(
      (await admin.postWithToken("/m/prishtine/staff/invite", fields, "/m/prishtine/staff")).statusCode,
    ).toBe(404);
    // The municipality's page does not offer them either.
    const page = await admin.get("/m/prishtine/staff");
    expect(page.body).toContain('value="municipal_admin"');
    expect(page.body).not.toContain('value="ministry_monitor"');
    expect(await invitationsFor("monitor@example.org")).toHaveLength(0);
  });
});

describe("the platform operator", () => {
  it("invites a ministry monitor, who has no municipality", async () => {
    const operator = await client("operator");
    const page = await operator.get("/admin/staff");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Arben Krasniqi"); // the demo ministry monitor
    expect(page.body).toContain('href="/m/prizren/staff"');

    // A national role with a municipality is a form problem.
    const email = "monitor.new@example.org";
    const wrong = await operator.submit(
      "/admin/staff",
      {
        email,
        role: "ministry_monitor",
        municipality: String(await municipalityId("prizren")),
        department: "",
        language: "en",
      },
      "/admin/staff/invite",
    );
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain(
      '<a href="#field-municipality">Leave the municipality empty: national roles do not belong to a municipality</a>',
    );

    const sent = await operator.submit(
      "/admin/staff",
      { email, role: "ministry_monitor", municipality: "", department: "", language: "en" },
      "/admin/staff/invite",
    );
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe("/admin/staff?invited=1#invite");
    await deliver();
    const mail = smtp.to(email).at(-1)!;
    expect(mail.subject).toBe("You are invited to work on E-Komuna for all municipalities");
    expect(mail.raw).toContain("as Ministry monitor for all municipalities");

    const invitee = await client();
    const link = pathOf(linkIn(mail, "/invitation/"));
    const done = await invitee.submit(link, { name: "Mimoza Berisha", password: "ministria monitoron 2026" });
    expect(done.statusCode).toBe(303);
    const [user] = await userByEmail(email);
    expect(await rolesOf(user!.id)).toEqual([
      { role: "ministry_monitor", municipalityId: null, departmentId: null },
    ]);
    expect((await invitee.get("/account")).body).toContain("Ministry monitor");
  });

  it("invites into any municipality", async () => {
    const operator = await client("operator");
    const email = "prizren.officer@example.org";
    const res = await operator.submit(
      "/admin/staff",
      {
        email,
        role: "department_head",
        municipality: String(await municipalityId("prizren")),
        department: String(await departmentId("prizren", "urbanism")),
        language: "sq",
      },
      "/admin/staff/invite",
    );
    expect(res.statusCode).toBe(303);
    expect((await invitationsFor(email))[0]!.data).toMatchObject({
      role: "department_head",
      municipalityId: await municipalityId("prizren"),
      departmentId: await departmentId("prizren", "urbanism"),
    });
    // And sees every municipality's staff page.
    expect((await operator.get("/m/prizren/staff")).statusCode).toBe(200);
  });
});

describe("the invitation form", () => {
  it("shows each problem at its field and keeps what was typed", async () => {
    const admin = await client("admin.prishtine");
    const missing = await admin.submit(
      "/m/prishtine/staff",
      { email: "", role: "officer", department: "", language: "sr" },
      "/m/prishtine/staff/invite",
    );
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain("<title>Error: Staff of Prishtinë – E-Komuna</title>");
    expect(missing.body).toContain(
      '<a href="#field-email">Enter the email address of the person you invite</a>',
    );
    expect(missing.body).toContain(
      '<a href="#field-department">Choose the department of the officer or department head</a>',
    );
    expect(missing.body).toMatch(/id="role-officer"[^>]*checked/);
    expect(missing.body).toMatch(/id="language-sr"[^>]*checked/);
    expect(missing.body).toMatch(/aria-describedby="field-department-hint field-department-error"/);

    const typed = await admin.submit(
      "/m/prishtine/staff",
      {
        email: "someone@",
        role: "participation_coordinator",
        department: String(await departmentId("prishtine", "urbanism")),
        language: "en",
      },
      "/m/prishtine/staff/invite",
    );
    expect(typed.statusCode).toBe(422);
    expect(typed.body).toContain(
      '<a href="#field-email">Enter an email address in the right format, like name@example.com</a>',
    );
    expect(typed.body).toContain(
      '<a href="#field-department">Leave the department empty: only officers and department heads belong to a department</a>',
    );
    expect(typed.body).toContain('value="someone@"');
    expect(typed.body).toMatch(/id="role-participation_coordinator"[^>]*checked/);
    expect(typed.body).toMatch(
      new RegExp(`<option value="${await departmentId("prishtine", "urbanism")}" selected`),
    );

    const noRole = await admin.submit(
      "/m/prishtine/staff",
      { email: "someone@example.org", department: "", language: "en" },
      "/m/prishtine/staff/invite",
    );
    expect(noRole.body).toContain('<a href="#field-role">Choose a role</a>');
    expect(await invitationsFor("someone@example.org")).toHaveLength(0);

    // The form's address (where the language switch of a page with errors points) leads back to the page.
    const back = await admin.get("/m/prishtine/staff/invite");
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe("/m/prishtine/staff");
  });
});

describe("with the national eID configured", () => {
  it("offers to log in with e-Kosova and come back to the invitation", async () => {
    const eid = await createTestPlatform({
      demo: true,
      // Discovery happens on the first eID login, so an address nothing answers on is enough here.
      env: { OIDC_ISSUER: "http://127.0.0.1:9", OIDC_CLIENT_ID: "ekomuna", OIDC_CLIENT_SECRET: "secret" },
      mailer: () => smtpMailer(smtp.url, "E-Komuna <no-reply@ekomuna.test>"),
    });
    try {
      const admin = new WebClient(eid.app);
      admin.cookies.set("lang", "en");
      await admin.submit("/login", { email: demo("admin.prishtine"), password: DEMO_PASSWORD });
      const email = "eid.invitee@example.org";
      const sent = await admin.submit(
        "/m/prishtine/staff",
        { email, role: "participation_coordinator", department: "", language: "en" },
        "/m/prishtine/staff/invite",
      );
      expect(sent.statusCode).toBe(303);
      await deliverDue(eid.deps.database.db, eid.deps.mailer, () => eid.deps.clock.now());
      const link = pathOf(linkIn(smtp.to(email).at(-1), "/invitation/"));
      const page = await new WebClient(eid.app, { "accept-language": "en" }).get(link);
      expect(page.body).toContain(`href="/login/eid?next=${encodeURIComponent(link)}"`);
      expect(page.body).toContain(`Log in with ${eid.deps.config.oidc!.name}`);
    } finally {
      await eid.close();
    }
  });
});
