// Following a case: the public page, the private tracking link, and "your submissions".
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitCase } from "../../src/cases/commands/submitCase.ts";
import { cases, users } from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
let tracked: { code: string; token: string };
beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
  const made = await submitCase(
    {
      municipality: "prishtine",
      type: "issue_report",
      category: "noise",
      answers: {},
      title: 'Muzikë <b>e lartë</b> & "bass"',
      description: "Çdo natë pas orës 23.\nNë katin e tretë.",
      location: { latitude: 42.662912, longitude: 21.165503 },
      address: "Rruga Agim Ramadani 15",
      contact: { name: "Arbër Test", email: "arber@example.org", phone: "+383 44 000 111", showName: false },
      language: "sq",
      channel: "web",
      idempotencyKey: "case-pages-1",
    },
    {
      db: p.deps.database.db,
      now: p.clock.now(),
      calendar: p.deps.calendar,
      bounds: p.deps.profile.bounds,
      baseUrl: "http://x",
      poke: () => {},
      actor: { kind: "visitor" },
    },
  );
  if (!made.ok || !made.trackingToken) throw new Error("setup failed");
  tracked = { code: made.trackingCode, token: made.trackingToken };
});
afterAll(() => p.close());

const get = (url: string, lang = "en") => p.app.inject({ url, headers: { cookie: `lang=${lang}` } });

describe("a case's public page", () => {
  it("shows the status, deadline and timeline, with no personal data, escaped", async () => {
    const res = await get(`/cases/${tracked.code}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<strong>${tracked.code}</strong>`);
    expect(res.body).toContain("<h1>Muzikë &lt;b>e lartë&lt;/b> &amp; &#34;bass&#34;</h1>");
    expect(res.body).toContain('<strong class="status-tag status-tag--submitted">Submitted</strong>');
    expect(res.body).toContain("Answer expected by");
    for (const personal of ["Arbër Test", "arber@example.org", "000 111", "Agim Ramadani", "42.66291"]) {
      expect(res.body).not.toContain(personal);
    }
    // Noise is a sensitive category: the location is coarse and the address is not shown.
    expect(res.body).toContain("42.663, 21.166 (approximate, to protect privacy)");
  });

  it("is in the page language, with the municipality in the header", async () => {
    const res = await get(`/cases/${tracked.code}`, "sr");
    expect(res.body).toContain('<strong class="status-tag status-tag--submitted">Podneto</strong>');
    expect(res.body).toContain('class="site-header__municipality" href="/m/prishtine">Priština</a>');
  });

  it("answers 404 for an unknown code, a malformed one, and a private case for anyone not allowed", async () => {
    expect((await get("/cases/PRI-2026-999999")).statusCode).toBe(404);
    expect((await get("/cases/../../etc/passwd")).statusCode).toBe(404);
    await p.deps.database.db
      .update(cases)
      .set({ visibility: "private" })
      .where(eq(cases.trackingCode, tracked.code));
    try {
      expect((await get(`/cases/${tracked.code}`)).statusCode).toBe(404);
      const staff = new WebClient(p.app);
      await staff.submit("/login", {
        email: "koordinatori.prishtine@demo.ekomuna.example",
        password: DEMO_PASSWORD,
      });
      const seen = await staff.get(`/cases/${tracked.code}`);
      expect(seen.statusCode).toBe(200);
      expect(seen.body).toContain("Kjo lëndë nuk është publike");
      const other = new WebClient(p.app);
      await other.submit("/login", {
        email: "koordinatori.prizren@demo.ekomuna.example",
        password: DEMO_PASSWORD,
      });
      expect((await other.get(`/cases/${tracked.code}`)).statusCode).toBe(404);
    } finally {
      await p.deps.database.db
        .update(cases)
        .set({ visibility: "public" })
        .where(eq(cases.trackingCode, tracked.code));
    }
  });
});

describe("the private tracking link", () => {
  it("shows the case to whoever holds the token, says it is private, and sends no referrer", async () => {
    const res = await get(`/track/${tracked.code}?token=${tracked.token}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("This is the private tracking link of this case");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
  });

  it("is 404 with a wrong, missing or malformed token: the code alone reveals nothing", async () => {
    const wrong = `${tracked.token.slice(0, -1)}${tracked.token.endsWith("A") ? "B" : "A"}`;
    for (const url of [
      `/track/${tracked.code}?token=${wrong}`,
      `/track/${tracked.code}`,
      `/track/${tracked.code}?token=short`,
    ]) {
      expect((await get(url)).statusCode).toBe(404);
    }
  });
});

describe("your submissions", () => {
  it("lists a signed-in citizen's own cases only, newest first", async () => {
    const web = new WebClient(p.app);
    web.cookies.set("lang", "en");
    await web.submit("/login", { email: "lirije.shala@demo.ekomuna.example", password: DEMO_PASSWORD });
    const res = await web.get("/account/cases");
    expect(res.statusCode).toBe(200);
    const [lirije] = await p.deps.database.db
      .select()
      .from(users)
      .where(eq(users.email, "lirije.shala@demo.ekomuna.example"));
    const theirs = await p.deps.database.db.select().from(cases).where(eq(cases.submitterId, lirije!.id));
    expect(res.body.match(/href="\/cases\/[A-Z]{3}-\d{4}-\d{6}"/g)).toHaveLength(theirs.length);
    expect(res.body).not.toContain(tracked.code);
  });

  it("sends a visitor to log in first", async () => {
    const res = await p.app.inject({ url: "/account/cases" });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/login?next=%2Faccount%2Fcases");
  });
});
