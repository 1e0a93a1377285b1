// Possible duplicates: the query (open public reports of a category and municipality within the category's
// radius, nearest first), and the journey step "Is it one of these?" after the place of an issue report —
// shown when there are some, skipped otherwise, following one instead (signed in) or signing in first.
import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SubmitCaseInput, submitCase } from "../../src/cases/commands/submitCase.ts";
import { coarsen, distanceMetres } from "../../src/cases/geo.ts";
import {
  DEFAULT_DUPLICATE_RADIUS_M,
  duplicateRadius,
  findPossibleDuplicates,
} from "../../src/cases/queries/possibleDuplicates.ts";
import type { CaseStatus } from "../../src/cases/statuses.ts";
import {
  caseDrafts,
  caseFollowers,
  cases,
  categories,
  categoryQuestions,
  municipalities,
  users,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { hashToken } from "../../src/identity/tokens.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
const db = () => p.deps.database.db;

/** Gjilan's centre: no demo case is there, so every case near it is this file's. */
const HERE = { lat: 42.4636, lng: 21.4694 };
const METRES_PER_DEGREE = (Math.PI / 180) * 6_371_000;
/** The point `north` metres north and `east` metres east of HERE (exact enough for a few hundred metres). */
const at = (north: number, east = 0) => ({
  lat: HERE.lat + north / METRES_PER_DEGREE,
  lng: HERE.lng + east / (METRES_PER_DEGREE * Math.cos((HERE.lat * Math.PI) / 180)),
});

let n = 0;
/** Submits an issue report in Gjilan at a point, then gives it a status and visibility; answers its code. */
async function report(
  point: { lat: number; lng: number },
  options: {
    category?: string;
    status?: CaseStatus;
    visibility?: "public" | "private";
    title?: string;
  } = {},
): Promise<string> {
  const input: SubmitCaseInput = {
    municipality: "gjilan",
    type: "issue_report",
    category: options.category ?? "potholes",
    answers: {},
    title: options.title ?? `Report ${n}`,
    description: "Një gropë në rrugë.",
    location: { latitude: point.lat, longitude: point.lng },
    address: "Rruga e Dëshmorëve",
    contact: { name: "Arta Krasniqi", email: "arta@example.org", phone: "+383 44 123 456", showName: true },
    language: "sq",
    channel: "web",
    idempotencyKey: `possible-duplicates-${n++}`,
  };
  const made = await submitCase(input, {
    db: db(),
    now: p.clock.now(),
    calendar: p.deps.calendar,
    bounds: p.deps.profile.bounds,
    baseUrl: "http://x",
    poke: () => {},
    actor: { kind: "visitor" },
  });
  if (!made.ok) throw new Error(`setup failed: ${made.reason}`);
  if (options.status || options.visibility)
    await db()
      .update(cases)
      .set({
        ...(options.status ? { status: options.status } : {}),
        ...(options.visibility ? { visibility: options.visibility } : {}),
      })
      .where(eq(cases.trackingCode, made.trackingCode));
  return made.trackingCode;
}

async function categoryId(code: string) {
  const [row] = await db()
    .select({ id: categories.id })
    .from(categories)
    .where(and(eq(categories.code, code), isNull(categories.municipalityId)));
  return row!.id;
}

async function municipalityId(slug: string) {
  const [row] = await db()
    .select({ id: municipalities.id })
    .from(municipalities)
    .where(eq(municipalities.slug, slug));
  return row!.id;
}

async function setRadius(category: string, radius: number) {
  await db()
    .insert(categoryQuestions)
    .values({ categoryId: await categoryId(category), duplicateRadiusM: radius })
    .onConflictDoUpdate({ target: categoryQuestions.categoryId, set: { duplicateRadiusM: radius } });
}

/** The query as the journey asks it, in Gjilan, with the category's own radius unless given. */
async function near(
  point: { lat: number; lng: number },
  options: { category?: string; radiusM?: number; limit?: number } = {},
) {
  const category = await categoryId(options.category ?? "potholes");
  return findPossibleDuplicates(db(), {
    municipalityId: await municipalityId("gjilan"),
    categoryId: category,
    latitude: point.lat,
    longitude: point.lng,
    radiusM: options.radiusM ?? (await duplicateRadius(db(), category)),
    limit: options.limit ?? 10,
  });
}

const code = {} as Record<
  | "at10"
  | "at30"
  | "at40"
  | "at50"
  | "past50"
  | "resolved"
  | "closed"
  | "rejected"
  | "merged"
  | "private"
  | "waste"
  | "elsewhere"
  | "light100"
  | "light130",
  string
>;

beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
  // Potholes, default radius (50 m): open ones at 10, 30 (east), 40 and exactly 50 m; one just past it.
  code.at10 = await report(at(10));
  code.at30 = await report(at(0, 30), { status: "in_progress" });
  code.at40 = await report(at(-40), { status: "reopened" });
  code.at50 = await report(at(50), { status: "awaiting_citizen" });
  code.past50 = await report(at(50.01));
  // Near, but not open, not public, another category or another municipality.
  code.resolved = await report(at(5), { status: "resolved" });
  code.closed = await report(at(6), { status: "closed" });
  code.rejected = await report(at(7), { status: "rejected" });
  code.merged = await report(at(8), { status: "merged" });
  code.private = await report(at(9), { visibility: "private" });
  code.waste = await report(at(11), { category: "waste" });
  code.elsewhere = await report(at(12));
  await db()
    .update(cases)
    .set({ municipalityId: await municipalityId("kamenice") })
    .where(eq(cases.trackingCode, code.elsewhere));
  // Public lighting with its own radius of 120 m.
  await setRadius("public-lighting", 120);
  code.light100 = await report(at(100), { category: "public-lighting" });
  code.light130 = await report(at(-130), { category: "public-lighting" });
});
afterAll(() => p.close());

describe("findPossibleDuplicates", () => {
  it("lists the open public reports of the category and municipality within 50 m, nearest first", async () => {
    const found = await near(HERE);
    expect(found.map((c) => c.trackingCode)).toEqual([code.at10, code.at30, code.at40, code.at50]);
    expect(found.map((c) => c.distanceM)).toEqual([10, 30, 40, 50]);
    expect(found.map((c) => c.status)).toEqual(["submitted", "in_progress", "reopened", "awaiting_citizen"]);
  });

  it("counts a report exactly on the radius as within it, and one a centimetre past it as not", async () => {
    const exact = distanceMetres(HERE, at(50));
    expect(Math.abs(exact - 50)).toBeLessThan(1e-6);
    const codes = (await near(HERE)).map((c) => c.trackingCode);
    expect(codes).toContain(code.at50);
    expect(codes).not.toContain(code.past50);
    // Nearer to the one past 50 m, it is found.
    expect((await near(at(1))).map((c) => c.trackingCode)).toContain(code.past50);
  });

  it("leaves out resolved, closed, rejected and merged reports, private ones, other categories and municipalities", async () => {
    const codes = (await near(HERE)).map((c) => c.trackingCode);
    for (const left of ["resolved", "closed", "rejected", "merged", "private", "waste", "elsewhere"] as const)
      expect(codes, left).not.toContain(code[left]);
    expect((await near(HERE, { category: "waste" })).map((c) => c.trackingCode)).toEqual([code.waste]);
  });

  it("uses the category's own radius, and 50 m for a category without one", async () => {
    expect(await duplicateRadius(db(), await categoryId("public-lighting"))).toBe(120);
    expect(await duplicateRadius(db(), await categoryId("graffiti"))).toBe(DEFAULT_DUPLICATE_RADIUS_M);
    expect(DEFAULT_DUPLICATE_RADIUS_M).toBe(50);
    const lighting = await near(HERE, { category: "public-lighting" });
    expect(lighting.map((c) => [c.trackingCode, c.distanceM])).toEqual([[code.light100, 100]]);
    // A radius passed in is the one used.
    expect((await near(HERE, { radiusM: 35 })).map((c) => c.trackingCode)).toEqual([code.at10, code.at30]);
    expect((await near(HERE, { radiusM: 0 })).length).toBe(0);
  });

  it("answers at most `limit`, the nearest", async () => {
    expect((await near(HERE, { limit: 2 })).map((c) => c.trackingCode)).toEqual([code.at10, code.at30]);
    expect(await near(HERE, { limit: 0 })).toEqual([]);
  });

  it("gives only what the public list shows — no name, contact, address or location", async () => {
    const [first] = await near(HERE);
    expect(Object.keys(first!).sort()).toEqual(
      ["distanceM", "receivedAt", "status", "title", "trackingCode", "type"].sort(),
    );
    expect(first!.receivedAt).toBeInstanceOf(Date);
  });

  it("measures a sensitive category's reports from their coarsened place, so a pin cannot find the exact one", async () => {
    const exact = { lat: 42.46345, lng: 21.46945 };
    const shown = { lat: coarsen(exact.lat), lng: coarsen(exact.lng) };
    const apart = distanceMetres(exact, shown);
    expect(apart).toBeGreaterThan(50);
    const noise = await report(exact, { category: "noise" });
    // Right on the hidden point: nothing; on the point the public page shows: found, 0 m away.
    expect((await near(exact, { category: "noise" })).map((c) => c.trackingCode)).not.toContain(noise);
    const found = await near(shown, { category: "noise" });
    expect(found.map((c) => [c.trackingCode, c.distanceM])).toEqual([[noise, 0]]);
  });
});

// ── The journey ────────────────────────────────────────────────────────────────────────────────────────

const TOKEN = "[A-Za-z0-9_-]{43}";

function visitor() {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  return web;
}

async function signedIn(local: string) {
  const web = visitor();
  const res = await web.submit("/login", { email: `${local}@demo.ekomuna.example`, password: DEMO_PASSWORD });
  expect(res.statusCode).toBe(303);
  return web;
}

async function step(web: WebClient, url: string, fields: Record<string, string>) {
  const res = await web.submit(url, fields);
  expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
  return res.headers.location as string;
}

/** A pothole report in Gjilan up to its place; answers the draft's base path. */
async function upToThePlace(web: WebClient) {
  const location = await step(web, "/m/gjilan/submit", { type: "issue_report" });
  expect(location).toMatch(new RegExp(`^/submit/${TOKEN}/category$`));
  const base = location.replace(/\/category$/, "");
  expect(await step(web, `${base}/category`, { category: "potholes" })).toBe(`${base}/details`);
  expect(await step(web, `${base}/details`, { title: "Gropë e re", description: "Para shkollës." })).toBe(
    `${base}/location`,
  );
  return base;
}

const place = (point: { lat: number; lng: number }) => ({
  address: "Rruga e Dëshmorëve 3",
  latitude: point.lat.toFixed(7),
  longitude: point.lng.toFixed(7),
});

const casesOfDraft = async (base: string) =>
  (
    await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(cases)
      .where(eq(cases.idempotencyKey, hashToken(base.split("/")[2]!)))
  )[0]!.n;

describe("the journey's step “Is it one of these?”", () => {
  it("follows the place when open reports are near, lists them, and goes on with everything kept", async () => {
    const web = visitor();
    const base = await upToThePlace(web);
    expect(await step(web, `${base}/location`, place(HERE))).toBe(`${base}/duplicates`);

    const page = await web.get(`${base}/duplicates`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("<title>Is it one of these? – E-Komuna</title>");
    expect(page.body).toContain(
      "4 open reports of “Potholes and road damage” have been made within 50\u00a0m of the place you chose.",
    );
    expect(page.body).toContain(`class="back-link" href="${base}/location"`);
    // Each as the public list shows it: a link to its page (same tab), status, code, distance, date.
    const listed = [...page.body.matchAll(/<h2 class="case-card__title"><a href="\/cases\/([A-Z0-9-]+)">/g)];
    expect(listed.map((m) => m[1])).toEqual([code.at10, code.at30, code.at40, code.at50]);
    expect(page.body).not.toMatch(/target="_blank"/);
    expect(page.body).toContain("10\u00a0m from your place");
    expect(page.body).toContain('<time datetime="2026-11-26T10:00:00.000Z">November 26, 2026</time>');
    // Never personal data.
    for (const personal of ["Arta", "arta@example.org", "123 456", "Rruga e Dëshmorëve<"])
      expect(page.body).not.toContain(personal);
    // A visitor is asked to log in to follow, coming back here; and may go on.
    expect(page.body).toContain(`href="/login?next=${encodeURIComponent(`${base}/duplicates`)}"`);
    expect(page.body).not.toContain("/follow");
    expect(page.body).toContain("Mine is different — continue");

    expect(await step(web, `${base}/duplicates`, {})).toBe(`${base}/photos`);
    // Back from the photos comes here again.
    expect((await web.get(`${base}/photos`)).body).toContain(`class="back-link" href="${base}/duplicates"`);
    expect(await step(web, `${base}/photos`, {})).toBe(`${base}/contact`);
    expect(await step(web, `${base}/contact`, { name: "", email: "", phone: "", language: "en" })).toBe(
      `${base}/check`,
    );
    const check = await web.get(`${base}/check`);
    for (const text of ["Potholes and road damage", "Gropë e re", "Para shkollës.", "Rruga e Dëshmorëve 3"])
      expect(check.body).toContain(text);
    expect(check.body).toContain(`${HERE.lat.toFixed(5)}, ${HERE.lng.toFixed(5)}`);
    expect(await casesOfDraft(base)).toBe(0);
  });

  it("is skipped with only an address, or with no open report near the point — no empty page", async () => {
    const web = visitor();
    const base = await upToThePlace(web);
    expect(await step(web, `${base}/location`, { address: "Rruga e Dëshmorëve 3" })).toBe(`${base}/photos`);
    expect((await web.get(`${base}/photos`)).body).toContain(`class="back-link" href="${base}/location"`);
    // Asked for anyway (an old link): on to the photos.
    const direct = await web.get(`${base}/duplicates`);
    expect(direct.statusCode).toBe(303);
    expect(direct.headers.location).toBe(`${base}/photos`);

    expect(await step(web, `${base}/location`, place(at(500)))).toBe(`${base}/photos`);
    expect((await web.get(`${base}/photos`)).body).toContain(`class="back-link" href="${base}/location"`);
  });

  it("is shown again when the place is changed from “check your answers”, and goes back there", async () => {
    const web = visitor();
    const base = await upToThePlace(web);
    await step(web, `${base}/location`, { address: "Diku tjetër" });
    await step(web, `${base}/photos`, {});
    await step(web, `${base}/contact`, { name: "", email: "", phone: "", language: "en" });
    expect(await step(web, `${base}/location?return=check`, place(HERE))).toBe(
      `${base}/duplicates?return=check`,
    );
    const page = await web.get(`${base}/duplicates?return=check`);
    expect(page.body).toContain(`class="back-link" href="${base}/check"`);
    expect(await step(web, `${base}/duplicates?return=check`, {})).toBe(`${base}/check`);
  });

  it("lets a signed-in citizen follow one instead: the case page, no case sent, the draft kept", async () => {
    const web = await signedIn("lirije.shala");
    const base = await upToThePlace(web);
    expect(await step(web, `${base}/location`, place(HERE))).toBe(`${base}/duplicates`);
    const page = await web.get(`${base}/duplicates`);
    expect(page.body).not.toContain("/login?next=");
    expect(page.body).toContain(`action="/cases/${code.at30}/follow"`);
    expect(page.body).toContain(
      `<span>Follow this report instead</span><span class="visually-hidden">: Report 1</span>`,
    );

    const followed = await web.submit(`${base}/duplicates`, {}, `/cases/${code.at30}/follow`);
    expect(followed.statusCode).toBe(303);
    expect(followed.headers.location).toBe(`/cases/${code.at30}?done=followed`);
    const casePage = await web.get(`/cases/${code.at30}?done=followed`);
    expect(casePage.statusCode).toBe(200);
    expect(casePage.body).toMatch(/<div class="notice" role="status">[^<]+<\/div>/);

    const [lirije] = await db()
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, "lirije.shala@demo.ekomuna.example"));
    const [kase] = await db().select({ id: cases.id }).from(cases).where(eq(cases.trackingCode, code.at30));
    const follows = await db()
      .select()
      .from(caseFollowers)
      .where(and(eq(caseFollowers.caseId, kase!.id), eq(caseFollowers.userId, lirije!.id)));
    expect(follows.length).toBe(1);
    expect(await casesOfDraft(base)).toBe(0);
    // The draft is kept: the journey can still be taken up where it was.
    const draftId = hashToken(base.split("/")[2]!);
    expect((await db().select().from(caseDrafts).where(eq(caseDrafts.id, draftId))).length).toBe(1);
    expect((await web.get(`${base}/duplicates`)).statusCode).toBe(200);
  });

  it("sends a visitor who wants to follow to log in, and back to the same page, where following is offered", async () => {
    const web = visitor();
    const base = await upToThePlace(web);
    await step(web, `${base}/location`, place(HERE));
    const page = await web.get(`${base}/duplicates`);
    const login = page.body.match(/href="(\/login\?next=[^"]+)"/)?.[1];
    expect(login).toBe(`/login?next=${encodeURIComponent(`${base}/duplicates`)}`);
    const res = await web.submit(login!, {
      email: "stefan.ilic@demo.ekomuna.example",
      password: DEMO_PASSWORD,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${base}/duplicates`);
    const after = await web.get(`${base}/duplicates`);
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain(`action="/cases/${code.at10}/follow"`);
  });
});
