// "Log in with e-Kosova" end to end against a real OpenID provider (oidc-provider on a local port, its
// development login and consent forms), with the app listening on its own port: the provider sends the
// browser back to the app's real callback. A small fetch-based browser keeps each origin's cookies.
import { generateKeyPairSync } from "node:crypto";
import { once } from "node:events";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, sql } from "drizzle-orm";
import Provider from "oidc-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, identities, sessions, users } from "../../src/db/schema.ts";
import { createEidClient } from "../../src/identity/oidc.ts";
import { hashPassword } from "../../src/identity/passwords.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { freePort } from "../support/processes.ts";
import { WebClient } from "../support/webClient.ts";

const CLIENT_ID = "ekomuna";
const CLIENT_SECRET = "a-test-client-secret-of-some-length";

/** The people the provider knows, by the login typed into its form (which is their `sub`). */
const PEOPLE: Record<string, Record<string, unknown>> = {
  "XK-1234567890": { email: "arta.eid@example.org", email_verified: true, name: "Arta Eid" },
  // Has an email/password account already, under the same address in other letter case.
  "XK-2000000002": { email: "Besnik.Gashi@example.org", email_verified: true, name: "Besnik Gashi" },
  "XK-3000000003": { name: "Drita Pa Email" },
  // Claims the address of an existing account without the provider vouching for it.
  "XK-4000000004": { email: "lirije@example.org", email_verified: false, name: "Someone Else" },
};

let p: TestPlatform;
let appBase: string;
let issuer: string;
let providerServer: Server;

beforeAll(async () => {
  // The provider listens first (its issuer URL needs the port); it is configured once the app's port is known.
  let handler: RequestListener = () => {};
  providerServer = createServer((req, res) => handler(req, res));
  providerServer.listen(0, "127.0.0.1");
  await once(providerServer, "listening");
  issuer = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;

  const appPort = await freePort();
  appBase = `http://127.0.0.1:${appPort}`;
  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${appBase}/login/eid/callback`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        // What openid-client uses by default when given a client secret.
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    findAccount: (_ctx, id) => {
      const person = PEOPLE[id];
      return person ? { accountId: id, claims: () => ({ sub: id, ...person }) } : undefined;
    },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["a-test-cookie-signing-key"] },
    jwks: { keys: [signingKey as Record<string, unknown>] },
  });
  provider.on("server_error", (_ctx, err) => console.error("oidc-provider server_error", err));
  handler = provider.callback();

  p = await createTestPlatform({
    env: {
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      PUBLIC_URL: appBase,
    },
  });
  await p.app.listen({ port: appPort, host: "127.0.0.1" });
});

afterAll(async () => {
  await p?.close();
  providerServer?.closeAllConnections();
  await new Promise((resolve) => providerServer?.close(resolve));
});

const db = () => p.deps.database.db;

interface Page {
  url: string;
  status: number;
  body: string;
  /** Every response on the way here, redirects included. */
  hops: { url: string; status: number; location: string | null }[];
}

/** Enough of a browser: cookies per origin, redirects followed (as GET), forms posted. */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(language = "en") {
    this.jar(appBase).set("lang", language);
  }

  private jar(url: string) {
    const origin = new URL(url).origin;
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    this.jars.set(origin, jar);
    return jar;
  }

  cookie(url: string, name: string) {
    return this.jar(url).get(name);
  }

  private remember(url: string, res: Response) {
    const jar = this.jar(url);
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const name = pair.slice(0, pair.indexOf("=")).trim();
      const value = pair.slice(pair.indexOf("=") + 1).trim();
      const expired = attributes.some((a) => {
        const [k = "", v = ""] = a.trim().split("=");
        if (k.toLowerCase() === "max-age") return Number(v) <= 0;
        if (k.toLowerCase() === "expires") return new Date(v).getTime() < Date.now();
        return false;
      });
      if (expired || value === "") jar.delete(name);
      else jar.set(name, value);
    }
  }

  /** Opens `url` (or posts `form` to it) and follows redirects to the page at the end. */
  async go(url: string, form?: Record<string, string>): Promise<Page> {
    const hops: Page["hops"] = [];
    let current = url;
    let body: URLSearchParams | undefined = form ? new URLSearchParams(form) : undefined;
    for (let i = 0; i < 20; i++) {
      const cookie = [...this.jar(current)].map(([k, v]) => `${k}=${v}`).join("; ");
      const res = await fetch(current, {
        method: body ? "POST" : "GET",
        redirect: "manual",
        headers: {
          ...(cookie ? { cookie } : {}),
          ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        },
        ...(body ? { body } : {}),
      });
      this.remember(current, res);
      const location = res.headers.get("location");
      hops.push({ url: current, status: res.status, location });
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        current = new URL(location, current).href;
        body = undefined;
        continue;
      }
      return { url: current, status: res.status, body: await res.text(), hops };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Starts the eID login on the app and goes through the provider's forms as `login`. */
  async logInWithEid(login: string, next = "/account"): Promise<Page> {
    let page = await this.go(`${appBase}/login/eid?next=${encodeURIComponent(next)}`);
    const hops = [...page.hops];
    for (let step = 0; step < 4 && page.url.startsWith(issuer); step++) {
      const action = formAction(page);
      const prompt = page.body.match(/name="prompt" value="(\w+)"/)?.[1];
      if (prompt === "login") page = await this.go(action, { prompt, login, password: "anything" });
      else if (prompt === "consent") page = await this.go(action, { prompt });
      else
        throw new Error(`unexpected provider page ${page.url} (${page.status}): ${page.body.slice(0, 500)}`);
      hops.push(...page.hops);
    }
    return { ...page, hops };
  }
}

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

function formAction(page: Page): string {
  const action = page.body.match(/<form[^>]*action="([^"]+)"/)?.[1];
  if (!action) throw new Error(`no form on ${page.url}: ${page.body.slice(0, 500)}`);
  return new URL(decode(action), page.url).href;
}

const callbackHop = (page: Page) => page.hops.find((h) => new URL(h.url).pathname === "/login/eid/callback");

async function userByEmail(email: string) {
  return db()
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.toLowerCase()));
}

describe("logging in with e-Kosova", () => {
  let artaId: string;

  it("creates a verified account on the first login, opens a session and comes back to `next`", async () => {
    const browser = new Browser();
    const page = await browser.logInWithEid("XK-1234567890");

    const callback = callbackHop(page);
    expect(callback?.status).toBe(303);
    expect(callback?.location).toBe("/account");
    expect(browser.cookie(appBase, "sid")).toBeTruthy();
    expect(browser.cookie(appBase, "eid_flow")).toBeUndefined();
    expect(page.url).toBe(`${appBase}/account`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Arta Eid");
    expect(page.body).toContain("Verified with the national eID");

    const found = await userByEmail("arta.eid@example.org");
    expect(found).toHaveLength(1);
    const user = found[0]!;
    artaId = user.id;
    expect(user.identityLevel).toBe("verified");
    expect(user.name).toBe("Arta Eid");
    expect(user.passwordHash).toBeNull();
    expect(user.emailVerifiedAt).not.toBeNull();
    expect(user.language).toBe("en");
    const linked = await db().select().from(identities).where(eq(identities.userId, user.id));
    expect(linked.map((i) => [i.provider, i.subject])).toEqual([["eid", "XK-1234567890"]]);
    const audit = await db().select().from(auditLog).where(eq(auditLog.actorId, user.id));
    expect(audit.filter((a) => a.action === "auth.login").map((a) => a.data)).toEqual([{ method: "eid" }]);
    expect(audit.some((a) => a.action === "account.eid_linked")).toBe(true);
    const opened = await db().select().from(sessions).where(eq(sessions.userId, user.id));
    expect(opened.map((s) => s.method)).toEqual(["eid"]);
  });

  it("opens the same account on the next login with the same eID", async () => {
    const page = await new Browser().logInWithEid("XK-1234567890", "/");
    expect(callbackHop(page)?.location).toBe("/");
    expect(await userByEmail("arta.eid@example.org")).toHaveLength(1);
    const linked = await db().select().from(identities).where(eq(identities.subject, "XK-1234567890"));
    expect(linked).toHaveLength(1);
    expect(linked[0]!.userId).toBe(artaId);
    const logins = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorId, artaId), eq(auditLog.action, "auth.login")));
    expect(logins).toHaveLength(2);
    expect((await db().select().from(sessions).where(eq(sessions.userId, artaId))).length).toBe(2);
  });

  it("links the eID to the existing account with the address the provider vouches for", async () => {
    const [existing] = await db()
      .insert(users)
      .values({
        email: "besnik.gashi@example.org",
        name: "Besnik G.",
        passwordHash: await hashPassword("a long enough passphrase"),
        language: "sq",
        createdAt: p.deps.clock.now(),
      })
      .returning();
    const browser = new Browser();
    const page = await browser.logInWithEid("XK-2000000002");
    expect(callbackHop(page)?.status).toBe(303);
    expect(page.body).toContain("Besnik G.");

    const found = await userByEmail("besnik.gashi@example.org");
    expect(found).toHaveLength(1);
    expect(found[0]!.id).toBe(existing!.id);
    expect(found[0]!.identityLevel).toBe("verified");
    expect(found[0]!.emailVerifiedAt).not.toBeNull();
    const linked = await db().select().from(identities).where(eq(identities.subject, "XK-2000000002"));
    expect(linked.map((i) => i.userId)).toEqual([existing!.id]);
    const audit = await db().select().from(auditLog).where(eq(auditLog.actorId, existing!.id));
    expect(audit.map((a) => a.action)).toEqual(["account.eid_linked", "auth.login"]);
    expect(audit[0]!.data).toEqual({ provider: "eid", newAccount: false });

    // The password still works too.
    const web = new WebClient(p.app);
    await web.submit("/login", { email: "besnik.gashi@example.org", password: "a long enough passphrase" });
    expect(web.signedIn()).toBe(true);
  });

  it("does not link to an account whose address the provider does not vouch for", async () => {
    await db().insert(users).values({
      email: "lirije@example.org",
      name: "Lirije",
      passwordHash: null,
      createdAt: p.deps.clock.now(),
    });
    const browser = new Browser();
    const page = await browser.logInWithEid("XK-4000000004");
    expect(page.status).toBe(403);
    expect(page.body).toContain("Logging in with e-Kosova did not work");
    expect(page.body).toContain("has not confirmed that the address is yours");
    expect(browser.cookie(appBase, "sid")).toBeUndefined();
    expect(await db().select().from(identities).where(eq(identities.subject, "XK-4000000004"))).toHaveLength(
      0,
    );
    expect((await userByEmail("lirije@example.org"))[0]!.identityLevel).toBe("basic");
  });

  it("refuses a person the provider shares no email address for, and says why", async () => {
    const browser = new Browser("sq");
    const page = await browser.logInWithEid("XK-3000000003");
    expect(page.status).toBe(403);
    expect(page.body).toContain("e-Kosova nuk ndau me E-Komuna adresën tuaj të email-it");
    expect(browser.cookie(appBase, "sid")).toBeUndefined();
    expect(await db().select().from(identities).where(eq(identities.subject, "XK-3000000003"))).toHaveLength(
      0,
    );
  });
});

describe("when the eID login does not complete", () => {
  it("shows the login page again when the person cancels at the provider", async () => {
    const browser = new Browser();
    const atProvider = await browser.go(`${appBase}/login/eid`);
    expect(atProvider.url.startsWith(`${issuer}/interaction/`)).toBe(true);
    const uid = new URL(atProvider.url).pathname.split("/")[2];
    const page = await browser.go(`${issuer}/interaction/${uid}/abort`);
    expect(callbackHop(page)).toBeDefined();
    expect(new URL(callbackHop(page)!.url).searchParams.get("error")).toBe("access_denied");
    expect(page.url.startsWith(`${appBase}/login/eid/callback`)).toBe(true);
    expect(page.status).toBe(200);
    expect(page.body).toContain("You cancelled the e-Kosova login");
    expect(page.body).toContain('action="/login"');
    expect(browser.cookie(appBase, "sid")).toBeUndefined();
    expect(browser.cookie(appBase, "eid_flow")).toBeUndefined();
  });

  it("refuses a callback whose state is not the one this browser was given", async () => {
    const browser = new Browser("sr");
    const start = await fetch(`${appBase}/login/eid`, { redirect: "manual" });
    expect(start.status).toBe(303);
    expect(new URL(start.headers.get("location")!).origin).toBe(issuer);
    const flowCookie = start.headers.getSetCookie().find((c) => c.startsWith("eid_flow="))!;
    expect(flowCookie).toMatch(/HttpOnly/i);
    expect(flowCookie).toMatch(/SameSite=Lax/i);
    expect(flowCookie).toMatch(/Path=\/login\/eid(;|$)/);
    expect(flowCookie).toMatch(/Max-Age=600/);
    const page = await fetch(`${appBase}/login/eid/callback?code=x&state=forged`, {
      headers: { cookie: `${flowCookie.split(";")[0]}; lang=sr` },
      redirect: "manual",
    });
    expect(page.status).toBe(400);
    const body = await page.text();
    expect(body).toContain("Prijava preko e-Kosova nije uspela");
    expect(body).not.toMatch(/at .*\.ts:\d+/);
    expect(page.headers.getSetCookie().some((c) => /^sid=[^;]/.test(c))).toBe(false);

    // No flow at all (no cookie, or another browser): the same refusal, saying to start again.
    const none = await browser.go(`${appBase}/login/eid/callback?code=x&state=forged`);
    expect(none.status).toBe(400);
    expect(none.body).toContain("započeta u drugom pregledaču");
  });

  it("refuses a code the provider does not accept", async () => {
    const browser = new Browser();
    const start = await fetch(`${appBase}/login/eid`, { redirect: "manual" });
    const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
    const flowCookie = start.headers
      .getSetCookie()
      .find((c) => c.startsWith("eid_flow="))!
      .split(";")[0]!;
    const page = await fetch(
      `${appBase}/login/eid/callback?code=forged&state=${state}&iss=${encodeURIComponent(issuer)}`,
      {
        headers: { cookie: `${flowCookie}; lang=en` },
        redirect: "manual",
      },
    );
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("e-Kosova could not confirm your login to E-Komuna");
    expect(browser.cookie(appBase, "sid")).toBeUndefined();
  });

  it("refuses a login that took more than ten minutes", async () => {
    const browser = new Browser();
    const atProvider = await browser.go(`${appBase}/login/eid`);
    expect(atProvider.status).toBe(200);
    p.clock.advance(11 * 60_000);
    try {
      const action = formAction(atProvider);
      let page = await browser.go(action, { prompt: "login", login: "XK-1234567890", password: "x" });
      if (page.url.startsWith(issuer)) page = await browser.go(formAction(page), { prompt: "consent" });
      expect(callbackHop(page)).toBeDefined();
      expect(page.status).toBe(400);
      expect(page.body).toContain("The login took longer than 10 minutes");
      expect(browser.cookie(appBase, "sid")).toBeUndefined();
    } finally {
      p.clock.advance(-11 * 60_000);
    }
  });
});

describe("without eID configured", () => {
  let plain: TestPlatform;
  beforeAll(async () => {
    plain = await createTestPlatform();
  });
  afterAll(async () => {
    await plain.close();
  });

  it("has no eID login route and no eID button", async () => {
    const web = new WebClient(plain.app);
    expect((await web.get("/login/eid")).statusCode).toBe(404);
    expect((await web.get("/login/eid/callback?code=x&state=y")).statusCode).toBe(404);
    const login = await web.get("/login");
    expect(login.statusCode).toBe(200);
    expect(login.body).not.toContain("/login/eid");
  });
});

describe("when the provider cannot be reached", () => {
  it("says so on a readable page, and discovers again on the next login", async () => {
    const closedPort = await freePort();
    const unreachable = await createTestPlatform({
      env: {
        OIDC_ISSUER: `http://127.0.0.1:${closedPort}`,
        OIDC_CLIENT_ID: CLIENT_ID,
        OIDC_CLIENT_SECRET: CLIENT_SECRET,
      },
    });
    try {
      const web = new WebClient(unreachable.app, { "accept-language": "en" });
      const res = await web.get("/login/eid");
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain("e-Kosova cannot be reached right now");
      expect(web.cookies.has("eid_flow")).toBe(false);
    } finally {
      await unreachable.close();
    }

    // A failed discovery is not kept: once the provider answers, the same client starts logins.
    let up = false;
    const flaky = createServer((req, res) => {
      if (!up) {
        res.writeHead(503).end();
        return;
      }
      flakyProvider.callback()(req, res);
    });
    flaky.listen(0, "127.0.0.1");
    await once(flaky, "listening");
    const flakyIssuer = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
    const flakyProvider = new Provider(flakyIssuer, { cookies: { keys: ["another-test-cookie-key"] } });
    try {
      const eid = createEidClient(
        { issuer: flakyIssuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, name: "e-Kosova" },
        `${appBase}/login/eid/callback`,
      );
      await expect(eid.start()).rejects.toThrow();
      up = true;
      const { url, checks } = await eid.start();
      expect(url.origin).toBe(flakyIssuer);
      expect(url.searchParams.get("state")).toBe(checks.state);
      expect(url.searchParams.get("code_challenge_method")).toBe("S256");
      expect(url.searchParams.get("scope")).toBe("openid email profile");
    } finally {
      flaky.closeAllConnections();
      await new Promise((resolve) => flaky.close(resolve));
    }
  });
});
