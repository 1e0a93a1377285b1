// Public meetings through their pages, as the participation coordinator and as a visitor: scheduling with
// bad input refused at the fields, editing (and a stale form refused), linking a published consultation,
// cancelling, the minutes as a PDF download, the public calendar by year, the iCalendar feed read back by
// a strict parser, and the once-a-year warning when a municipality has fewer than two meetings.
import { and, asc, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl } from "../../src/app.ts";
import {
  auditLog,
  municipalities,
  notifications,
  outbox,
  publicMeetings,
  roleAssignments,
  users,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { checkMeetingMinimum, MINIMUM_SUBJECT } from "../../src/participation/meetings/minimum.ts";
import { seedDemoMeetings } from "../../src/participation/meetings/seedDemoMeetings.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
let coordinator: WebClient;
let prishtine: number;
const db = () => p.deps.database.db;
const S = "/m/prishtine/participation/meetings";
const ZONE = "Europe/Belgrade";

async function signIn(local: string, lang = "en") {
  const web = new WebClient(p.app);
  web.cookies.set("lang", lang);
  const res = await web.submit("/login", { email: `${local}@demo.ekomuna.example`, password: DEMO_PASSWORD });
  if (res.statusCode !== 303) throw new Error(`could not log in as ${local}`);
  return web;
}
const visitor = (lang = "en") => {
  const web = new WebClient(p.app);
  web.cookies.set("lang", lang);
  return web;
};

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

const municipalityId = async (slug: string) =>
  (await db().select().from(municipalities).where(eq(municipalities.slug, slug)))[0]!.id;
const meetingCount = async () => (await db().select({ n: count() }).from(publicMeetings))[0]!.n;
const meeting = async (id: number) =>
  (await db().select().from(publicMeetings).where(eq(publicMeetings.id, id)))[0]!;
const audits = async (action: string, id: number) =>
  db()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.subjectId, String(id))))
    .orderBy(asc(auditLog.id));

const TITLE_SQ = "Dëgjim për buxhetin: rrugët, ujësjellësi; çerdhet, shkollat";
const TITLE_SR = "Saslušanje o budžetu: putevi, vodovod; vrtići, škole – Đakovica, Žabljak, Čačak";
const LONG_AGENDA_SQ = Array.from(
  { length: 12 },
  (_, i) => `${i + 1}. Pika e rendit të ditës për investimet kapitale, ujin, rrugët; çka, kush, kur — ë ç`,
).join("\n");

const validForm = (over: Record<string, string> = {}): Record<string, string> => ({
  kind: "budget_hearing",
  titleSq: TITLE_SQ,
  titleSr: TITLE_SR,
  titleEn: "",
  date: "2026-12-15",
  startTime: "17:00",
  endTime: "19:00",
  placeSq: "Salla e Kuvendit, Rruga UÇK 2",
  placeSr: "Sala Skupštine, Ulica UÇK 2",
  placeEn: "Assembly hall, UÇK Street 2",
  accessibilitySq: "Hyrje pa shkallë; lak induktiv",
  accessibilitySr: "Ulaz bez stepenica; induktivna petlja",
  accessibilityEn: "",
  agendaSq: LONG_AGENDA_SQ,
  agendaSr: "1. Nacrt budžeta\n2. Pitanja",
  agendaEn: "",
  consultation: "",
  ...over,
});

/** Schedules a meeting through the form; its id. */
async function schedule(web: WebClient, base: string, over: Record<string, string> = {}) {
  const res = await web.submit(`${base}/new`, validForm(over));
  expect(res.statusCode, text(res.body).slice(0, 600)).toBe(303);
  const id = Number(/\/meetings\/(\d+)\?done=created$/.exec(res.headers.location as string)?.[1]);
  expect(id).toBeGreaterThan(0);
  return id;
}

/** A multipart post to `action` with the CSRF token of the page `from`, as a browser sends a file form. */
async function uploadMinutes(
  web: WebClient,
  from: string,
  action: string,
  file: { name: string; bytes: Buffer } | undefined,
) {
  const token = /name="_csrf" value="([^"]+)"/.exec((await web.get(from)).body)?.[1];
  expect(token, "a CSRF token").toBeDefined();
  const data = new FormData();
  data.append("_csrf", token!);
  if (file)
    data.append("minutes", new Blob([new Uint8Array(file.bytes)], { type: "application/pdf" }), file.name);
  else data.append("minutes", new Blob([]), "");
  const request = new Request("http://localhost/", { method: "POST", body: data });
  return p.app.inject({
    method: "POST",
    url: action,
    remoteAddress: web.remoteAddress,
    headers: {
      cookie: [...web.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      "content-type": request.headers.get("content-type")!,
    },
    payload: Buffer.from(await request.arrayBuffer()),
  });
}

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

beforeAll(async () => {
  p = await createTestPlatform({ demo: true, now: "2026-11-26T10:00:00Z" });
  prishtine = await municipalityId("prishtine");
  coordinator = await signIn("koordinatori.prishtine");
});
afterAll(() => p.close());

describe("who manages a municipality's meetings", () => {
  it("sends a visitor to log in, and shows citizens, officers and other municipalities' coordinators nothing", async () => {
    const anon = await visitor().get(S);
    expect(anon.statusCode).toBe(303);
    expect(anon.headers.location).toBe(`/login?next=${encodeURIComponent(S)}`);
    for (const local of ["lirije.shala", "zyrtari.prishtine", "koordinatori.prizren"]) {
      const web = await signIn(local);
      expect((await web.get(S)).statusCode, local).toBe(404);
      expect((await web.get(`${S}/new`)).statusCode, local).toBe(404);
      const posted = await web.postWithToken(S, validForm(), "/account");
      expect(posted.statusCode, local).toBe(404);
    }
    expect((await coordinator.get(S)).statusCode).toBe(200);
  });
});

describe("scheduling a meeting", () => {
  it("refuses bad input at the fields with what was typed kept, and saves nothing", async () => {
    const before = await meetingCount();
    const res = await coordinator.submit(
      `${S}/new`,
      validForm({
        titleSr: "",
        date: "2026-02-30",
        endTime: "",
        accessibilitySr: "",
        agendaSq: "",
        consultation: "999999",
      }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/<title>Error: Schedule a meeting/);
    const page = text(res.body);
    for (const message of [
      "Enter the title in Serbian",
      "Enter a real date, for example 2026-12-15",
      "Enter the time the meeting ends",
      "Enter the accessibility information in Serbian too",
      "Enter the agenda in Albanian",
      "Choose one of the municipality's published consultations",
    ])
      expect(page, message).toContain(message);
    // The summary links to each field, and the field carries its message.
    expect(res.body).toContain('href="#field-titleSr"');
    expect(res.body).toContain('id="field-titleSr-error"');
    // What was typed comes back as typed.
    expect(res.body).toContain(`value="${TITLE_SQ}"`);
    expect(res.body).toContain('value="2026-02-30"');
    expect(await meetingCount()).toBe(before);
  });

  it("refuses an end before the start, and a kind that does not exist", async () => {
    const res = await coordinator.submit(
      `${S}/new`,
      validForm({ startTime: "19:00", endTime: "18:30", kind: "party" }),
    );
    expect(res.statusCode).toBe(422);
    expect(text(res.body)).toContain("The meeting must end after it starts");
    expect(text(res.body)).toContain("Choose the kind of meeting");
  });

  it("saves the local time in the municipality's time zone, audits it, and shows it to everyone", async () => {
    const id = await schedule(coordinator, S);
    const row = await meeting(id);
    // 17:00 in Prishtinë in December is 16:00 UTC (CET, UTC+1).
    expect(row.startsAt.toISOString()).toBe("2026-12-15T16:00:00.000Z");
    expect(row.endsAt?.toISOString()).toBe("2026-12-15T18:00:00.000Z");
    expect(row.sequence).toBe(0);
    expect(row.title).toEqual({ sq: TITLE_SQ, sr: TITLE_SR });
    expect((await audits("meeting.created", id)).length).toBe(1);

    const notice = await coordinator.get(`${S}/${id}?done=created`);
    expect(text(notice.body)).toContain("The meeting has been scheduled and is on the public calendar.");

    const list = await visitor().get("/m/prishtine/meetings");
    expect(list.statusCode).toBe(200);
    const coming = text(list.body).split("Held in 2026")[0]!;
    expect(coming).toContain(TITLE_SQ);

    const sr = await visitor("sr").get(`/meetings/${id}`);
    expect(sr.statusCode).toBe(200);
    const shown = text(sr.body);
    expect(shown).toContain(TITLE_SR);
    expect(shown).toContain("17:00–19:00");
    expect(shown).toContain("Sala Skupštine, Ulica UÇK 2");
    expect(shown).toContain("Ulaz bez stepenica; induktivna petlja");
    expect(shown).toContain("Budžetsko saslušanje");
    // English was left empty: the English page falls back to Albanian and says so with lang.
    const en = await visitor("en").get(`/meetings/${id}`);
    expect(en.body).toContain('<h1 lang="sq">');
    expect(text(en.body)).toContain("Assembly hall, UÇK Street 2");
  });

  it("links a published consultation of the municipality, and only such a one", async () => {
    // Inserted by hand, as engineer A's commands do: the schema's updatedAt names created_at too.
    const consultation = async (title: { sq: string; sr: string }, publishedAt: string | null) => {
      const { rows } = (await db().execute(sql`
        insert into consultations (municipality_id, kind, title, summary, opens_on, closes_on, published_at)
        values (${prishtine}, 'budget', ${JSON.stringify(title)}::jsonb, '{"sq":"Përmbledhje","sr":"Sažetak"}'::jsonb,
          '2026-11-20', '2026-12-20', ${publishedAt}::timestamptz)
        returning id`)) as unknown as { rows: { id: number }[] };
      return { id: Number(rows[0]!.id) };
    };
    const published = await consultation({ sq: "Buxheti 2027", sr: "Budžet 2027" }, "2026-11-19T09:00:00Z");
    const draft = await consultation({ sq: "Draft i fshehtë", sr: "Skriveni nacrt" }, null);
    const form = await coordinator.get(`${S}/new`);
    expect(form.body).toContain(`<option value="${published.id}"`);
    expect(form.body).not.toContain(`<option value="${draft.id}"`);

    const refused = await coordinator.submit(`${S}/new`, validForm({ consultation: String(draft.id) }));
    expect(refused.statusCode).toBe(422);

    const id = await schedule(coordinator, S, {
      kind: "public_meeting",
      consultation: String(published.id),
    });
    expect((await meeting(id)).consultationId).toBe(published.id);
    const page = await visitor().get(`/meetings/${id}`);
    expect(page.body).toContain(`href="/consultations/${published.id}"`);
    expect(text(page.body)).toContain("Buxheti 2027");
  });
});

describe("editing and cancelling", () => {
  it("refuses an edit that does not say which version it changes, even of a meeting never changed", async () => {
    const id = await schedule(coordinator, S);
    expect((await meeting(id)).sequence).toBe(0);
    // An empty field reads as the number 0: it must not pass for the form of version 0.
    for (const sequence of [undefined, ""]) {
      const res = await coordinator.postWithToken(
        `${S}/${id}`,
        { ...(sequence === undefined ? {} : { sequence }), ...validForm({ date: "2027-05-05" }) },
        S,
      );
      expect(res.statusCode).toBe(409);
    }
    expect((await meeting(id)).sequence).toBe(0);
  });

  it("raises the sequence with each change, and refuses a form that is out of date", async () => {
    const id = await schedule(coordinator, S, { date: "2027-03-10" });
    const edit = `${S}/${id}`;
    const stale = (await coordinator.get(edit)).body;
    const saved = await coordinator.submit(
      edit,
      validForm({ date: "2027-03-11", startTime: "10:00", endTime: "12:00" }),
      edit,
    );
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${edit}?done=updated`);
    let row = await meeting(id);
    expect(row.sequence).toBe(1);
    expect(row.startsAt.toISOString()).toBe("2027-03-11T09:00:00.000Z");
    expect((await audits("meeting.updated", id)).length).toBe(1);

    // The form as it was before that change: its sequence is 0, the meeting's is 1.
    const token = /name="_csrf" value="([^"]+)"/.exec(stale)![1]!;
    const late = await coordinator.post(edit, {
      _csrf: token,
      sequence: "0",
      ...validForm({ date: "2027-04-01" }),
    });
    expect(late.statusCode).toBe(409);
    expect(text(late.body)).toContain("Someone else changed this meeting meanwhile.");
    expect(late.body).toContain('value="2027-04-01"');
    row = await meeting(id);
    expect(row.sequence).toBe(1);
    expect(row.startsAt.toISOString()).toBe("2027-03-11T09:00:00.000Z");
  });

  it("keeps a cancelled meeting on the calendar, marked cancelled, and no longer changeable", async () => {
    const id = await schedule(coordinator, S, { date: "2027-05-05", titleSq: "Takim për t'u anuluar" });
    const res = await coordinator.submit(`${S}/${id}`, {}, `${S}/${id}/cancel`);
    expect(res.statusCode).toBe(303);
    const row = await meeting(id);
    expect(row.cancelledAt).not.toBeNull();
    expect(row.sequence).toBe(1);
    expect((await audits("meeting.cancelled", id)).length).toBe(1);

    const page = text((await visitor().get(`/meetings/${id}`)).body);
    expect(page).toContain("This meeting has been cancelled.");
    expect(page).toContain("Cancelled");
    const year = text((await visitor().get("/m/prishtine/meetings?year=2027")).body);
    expect(year).toContain("Takim për t'u anuluar");

    const staff = await coordinator.get(`${S}/${id}`);
    expect(staff.body).not.toContain(`action="${S}/${id}"`);
    const again = await coordinator.postWithToken(`${S}/${id}`, { sequence: "1", ...validForm() }, S);
    expect(again.statusCode).toBe(409);
    expect(text(again.body)).toContain("This meeting has been cancelled meanwhile");
    expect((await meeting(id)).sequence).toBe(1);
  });
});

describe("the minutes", () => {
  it("are refused before the meeting, when not a PDF, and when over 20 MB; then published as a download", async () => {
    const future = await schedule(coordinator, S, { date: "2026-12-20" });
    // Before the meeting the page offers no upload form; posting one anyway is refused.
    const before = await coordinator.get(`${S}/${future}`);
    expect(before.body).not.toContain(`action="${S}/${future}/minutes"`);
    expect(text(before.body)).toContain("The minutes can be added once the meeting has begun.");
    const early = await uploadMinutes(coordinator, S, `${S}/${future}/minutes`, {
      name: "m.pdf",
      bytes: PDF,
    });
    expect(early.statusCode).toBe(422);
    expect(text(early.body)).toContain("The minutes can be added once the meeting has begun");
    expect((await meeting(future)).minutesKey).toBeNull();

    const past = await schedule(coordinator, S, {
      kind: "public_meeting",
      date: "2026-11-20",
      titleSq: "Takimi i kaluar",
    });
    const edit = `${S}/${past}`;
    const none = await uploadMinutes(coordinator, edit, `${edit}/minutes`, undefined);
    expect(none.statusCode).toBe(422);
    expect(text(none.body)).toContain("Choose the PDF file of the minutes");

    const notPdf = await uploadMinutes(coordinator, edit, `${edit}/minutes`, {
      name: "minutes.pdf",
      bytes: Buffer.from("<html>hi</html>"),
    });
    expect(notPdf.statusCode).toBe(422);
    expect(text(notPdf.body)).toContain("The minutes must be a PDF file");

    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 0x20);
    PDF.copy(big);
    const tooBig = await uploadMinutes(coordinator, edit, `${edit}/minutes`, { name: "big.pdf", bytes: big });
    expect(tooBig.statusCode).toBe(422);
    expect(text(tooBig.body)).toContain("The file must be 20 MB or smaller");
    expect((await meeting(past)).minutesKey).toBeNull();

    const ok = await uploadMinutes(coordinator, edit, `${edit}/minutes`, {
      name: "Procesverbali – takimi i nëntorit.pdf",
      bytes: PDF,
    });
    expect(ok.statusCode, text(ok.body).slice(0, 500)).toBe(303);
    const row = await meeting(past);
    expect(row.minutesKey).toMatch(/^[0-9a-f]{2}\/[0-9a-f-]{36}\.pdf$/);
    expect(row.minutesBytes).toBe(PDF.length);
    expect(row.sequence).toBe(1);
    expect((await audits("meeting.minutes_attached", past)).length).toBe(1);

    const file = await visitor().get(`/meetings/${past}/minutes`);
    expect(file.statusCode).toBe(200);
    expect(file.headers["content-type"]).toBe("application/pdf");
    expect(file.headers["x-content-type-options"]).toBe("nosniff");
    const disposition = String(file.headers["content-disposition"]);
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe(
      "Procesverbali – takimi i nëntorit.pdf",
    );
    expect(file.rawPayload.equals(PDF)).toBe(true);

    const list = await visitor().get("/m/prishtine/meetings");
    expect(list.body).toContain(`href="/meetings/${past}/minutes"`);
    expect((await visitor().get(`/meetings/${future}/minutes`)).statusCode).toBe(404);
  });
});

describe("the public calendar", () => {
  it("validates the year, and shows a year's meetings", async () => {
    const bad = await visitor().get("/m/prishtine/meetings?year=20x6");
    expect(bad.statusCode).toBe(400);
    expect(text(bad.body)).toContain("The year must be written with four digits, for example 2026.");
    expect((await visitor().get("/m/prishtine/meetings?year=1850")).statusCode).toBe(400);
    const y2027 = text((await visitor().get("/m/prishtine/meetings?year=2027")).body);
    expect(y2027).toContain("Public meetings in Prishtinë, 2027");
    expect(y2027).not.toContain("Takimi i kaluar");
    expect((await visitor().get("/m/nowhere/meetings")).statusCode).toBe(404);
    expect((await visitor().get("/meetings/abc")).statusCode).toBe(404);
    expect((await visitor().get("/meetings/99999")).statusCode).toBe(404);
  });
});

// ── The feed, read back strictly: CRLF only, no line over 75 octets, continuation lines unfolded, TEXT
// values unescaped.

interface Prop {
  name: string;
  params: Record<string, string>;
  value: string;
}
function parseIcs(body: string): Prop[] {
  expect(body.endsWith("\r\n")).toBe(true);
  expect(body.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  const physical = body.slice(0, -2).split("\r\n");
  for (const line of physical) expect(Buffer.byteLength(line, "utf8"), line).toBeLessThanOrEqual(75);
  const logical: string[] = [];
  for (const line of physical) {
    if (line.startsWith(" ")) logical[logical.length - 1] += line.slice(1);
    else logical.push(line);
  }
  return logical.map((line) => {
    const colon = line.indexOf(":");
    const [name, ...params] = line.slice(0, colon).split(";");
    return {
      name: name!,
      params: Object.fromEntries(params.map((x) => x.split("=") as [string, string])),
      value: line.slice(colon + 1),
    };
  });
}
const unescapeText = (v: string) =>
  v.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
function events(props: Prop[]) {
  const out: Record<string, Prop>[] = [];
  let current: Record<string, Prop> | undefined;
  for (const x of props) {
    if (x.name === "BEGIN" && x.value === "VEVENT") current = {};
    else if (x.name === "END" && x.value === "VEVENT") {
      out.push(current!);
      current = undefined;
    } else if (current) current[x.name] = x;
  }
  return out;
}

describe("the iCalendar feed", () => {
  it("is RFC 5545: escaped, folded without splitting a character, one event per meeting with its status", async () => {
    const id = await schedule(coordinator, S, {
      date: "2026-12-16",
      titleEn: "Budget hearing, roads; water",
    });
    const site = baseUrl(p.deps.config);
    const uid = `meeting-${id}@${new URL(site).hostname}`;
    const res = await visitor().get("/m/prishtine/meetings.ics");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/calendar; charset=utf-8");
    const props = parseIcs(res.body);
    const top = Object.fromEntries(
      props.filter((x) => !["BEGIN", "END"].includes(x.name)).map((x) => [x.name, x.value]),
    );
    expect(props[0]).toMatchObject({ name: "BEGIN", value: "VCALENDAR" });
    expect(props.at(-1)).toMatchObject({ name: "END", value: "VCALENDAR" });
    expect(top.VERSION).toBe("2.0");
    expect(top.CALSCALE).toBe("GREGORIAN");
    expect(top.PRODID).toMatch(/^-\/\/E-Komuna\/\//);
    expect(unescapeText(top["X-WR-CALNAME"]!)).toBe("Takimet publike – Prishtinë");

    const all = events(props);
    const mine = all.find((e) => e.UID?.value === uid);
    expect(mine, `the meeting's event in ${all.map((e) => e.UID?.value).join(" ")}`).toBeDefined();
    expect(new Set(all.map((e) => e.UID!.value)).size).toBe(all.length);
    expect(mine!.DTSTART!.value).toBe("20261216T160000Z");
    expect(mine!.DTEND!.value).toBe("20261216T180000Z");
    expect(mine!.DTSTAMP!.value).toMatch(/^\d{8}T\d{6}Z$/);
    expect(mine!.SEQUENCE!.value).toBe("0");
    expect(mine!.STATUS!.value).toBe("CONFIRMED");
    expect(mine!.URL!.value).toBe(`${site}/meetings/${id}`);
    // Commas and semicolons are escaped in the raw value, and come back whole.
    expect(mine!.SUMMARY!.value).toContain("\\;");
    expect(mine!.SUMMARY!.value).toContain("\\,");
    expect(unescapeText(mine!.SUMMARY!.value)).toBe(TITLE_SQ);
    expect(unescapeText(mine!.LOCATION!.value)).toBe("Salla e Kuvendit, Rruga UÇK 2");
    const description = unescapeText(mine!.DESCRIPTION!.value);
    expect(description).toContain(LONG_AGENDA_SQ);
    expect(description).toContain("Qasshmëria: Hyrje pa shkallë; lak induktiv");

    // In Serbian the same event speaks Serbian, under the same UID.
    const sr = events(parseIcs((await visitor().get("/m/prishtine/meetings.ics?lang=sr")).body));
    const srMine = sr.find((e) => e.UID?.value === uid)!;
    expect(unescapeText(srMine.SUMMARY!.value)).toBe(TITLE_SR);
    expect(srMine.SUMMARY!.params.LANGUAGE).toBe("sr-Latn");
    const en = events(parseIcs((await visitor().get("/m/prishtine/meetings.ics?lang=en")).body));
    expect(unescapeText(en.find((e) => e.UID?.value === uid)!.SUMMARY!.value)).toBe(
      "Budget hearing, roads; water",
    );
    expect((await visitor().get("/m/prishtine/meetings.ics?lang=de")).statusCode).toBe(400);

    // Cancelling raises the sequence and the event says CANCELLED: subscribers drop it.
    await coordinator.submit(`${S}/${id}`, {}, `${S}/${id}/cancel`);
    const after = events(parseIcs((await visitor().get("/m/prishtine/meetings.ics")).body)).find(
      (e) => e.UID?.value === uid,
    )!;
    expect(after.STATUS!.value).toBe("CANCELLED");
    expect(after.SEQUENCE!.value).toBe("1");
  });
});

describe("the legal minimum of two meetings a year", () => {
  it("warns the staff page while fewer than two are scheduled, cancelled ones not counted", async () => {
    const prizren = await signIn("koordinatori.prizren");
    const P = "/m/prizren/participation/meetings";
    const warned = (html: string) => text(html).includes("The legal minimum is not met");
    const empty = await prizren.get(P);
    expect(warned(empty.body)).toBe(true);
    expect(text(empty.body)).toContain("Only 0 public meetings are scheduled in 2026.");
    const first = await schedule(prizren, P, { date: "2026-12-01" });
    expect(text((await prizren.get(P)).body)).toContain("Only 1 public meeting is scheduled in 2026.");
    await schedule(prizren, P, { kind: "public_meeting", date: "2026-12-02" });
    const met = await prizren.get(P);
    expect(warned(met.body)).toBe(false);
    expect(text(met.body)).toContain(
      "2 public meetings are scheduled in 2026: the legal minimum of two a year is met.",
    );
    await prizren.submit(`${P}/${first}`, {}, `${P}/${first}/cancel`);
    expect(warned((await prizren.get(P)).body)).toBe(true);
    // Put back to two for the check below.
    await schedule(prizren, P, { date: "2026-12-03" });
  });

  it("tells admins and coordinators from 1 October, once a year, even when several processes check at once", async () => {
    const gracanica = await municipalityId("gracanice");
    const prizren = await municipalityId("prizren");
    // An admin of Graçanica besides its coordinator; its officer is not told.
    const [admin] = await db()
      .insert(users)
      .values({ email: "admin.gracanice@demo.ekomuna.example", name: "Admin Gračanica", language: "sr" })
      .returning();
    await db()
      .insert(roleAssignments)
      .values({ userId: admin!.id, role: "municipal_admin", municipalityId: gracanica });
    const ctx = { baseUrl: "https://ekomuna.example", timeZone: ZONE };
    const told = async () =>
      db()
        .select({
          userId: notifications.userId,
          subject: notifications.subject,
          topic: notifications.topic,
          link: notifications.link,
        })
        .from(notifications)
        .innerJoin(users, eq(users.id, notifications.userId))
        .where(eq(notifications.link, "/m/gracanice/participation/meetings"));

    // 30 September, 23:30 local: still September.
    expect(await checkMeetingMinimum(db(), new Date("2026-09-30T21:30:00Z"), ctx)).toBe(0);
    expect(await told()).toEqual([]);

    const now = new Date("2026-10-01T08:00:00Z");
    const runs = await Promise.all([1, 2, 3].map(() => checkMeetingMinimum(db(), now, ctx)));
    const warnedCount = runs.reduce((a, b) => a + b, 0);
    const entries = await db().select().from(auditLog).where(eq(auditLog.subjectType, MINIMUM_SUBJECT));
    // Every short municipality once, whichever process got there.
    expect(entries.length).toBe(warnedCount);
    expect(new Set(entries.map((e) => e.subjectId)).size).toBe(entries.length);
    expect(entries.map((e) => e.subjectId)).toContain(`${gracanica}:2026`);
    expect(entries.map((e) => e.subjectId)).not.toContain(`${prizren}:2026`);

    const messages = await told();
    const coordinatorId = (
      await db().select().from(users).where(eq(users.email, "koordinator.gracanica@demo.ekomuna.example"))
    )[0]!.id;
    expect(messages.map((m) => m.userId).sort()).toEqual([admin!.id, coordinatorId].sort());
    expect(messages.every((m) => m.topic === "sla_warning")).toBe(true);
    expect(messages.find((m) => m.userId === admin!.id)!.subject).toBe(
      "Gračanica: manje od dva javna sastanka u 2026.",
    );
    const mails = await db().select().from(outbox).where(eq(outbox.kind, "email"));
    expect(
      mails.filter((m) => JSON.stringify(m.payload).includes("/m/gracanice/participation/meetings")).length,
    ).toBe(2);

    // Later passes that year say nothing more; the next year's October warns again.
    expect(await checkMeetingMinimum(db(), new Date("2026-12-30T08:00:00Z"), ctx)).toBe(0);
    expect((await told()).length).toBe(2);
    expect(await checkMeetingMinimum(db(), new Date("2027-10-02T08:00:00Z"), ctx)).toBeGreaterThan(0);
    expect((await told()).length).toBe(4);
  });
});

describe("the demo meetings", () => {
  it("seed a budget hearing to come, a meeting held and one to come in Prishtinë, each page whole in three languages", async () => {
    const before = await meetingCount();
    const localUsers = await db().select({ id: users.id, email: users.email }).from(users);
    await db().transaction((tx) =>
      seedDemoMeetings(tx, {
        now: p.clock.now(),
        municipalityId: () => prishtine,
        userId: (local) => localUsers.find((u) => u.email === `${local}@demo.ekomuna.example`)!.id,
        calendar: p.deps.calendar,
      }),
    );
    const seeded = await db()
      .select()
      .from(publicMeetings)
      .where(eq(publicMeetings.municipalityId, prishtine))
      .orderBy(asc(publicMeetings.id));
    const mine = seeded.slice(-3);
    expect(await meetingCount()).toBe(before + 3);
    const now = p.clock.now().getTime();
    expect(mine.map((m) => [m.kind, m.startsAt.getTime() > now])).toEqual([
      ["budget_hearing", true],
      ["public_meeting", false],
      ["public_meeting", true],
    ]);
    for (const m of mine) {
      expect(m.title.sq && m.title.sr && m.title.en).toBeTruthy();
      for (const lang of ["sq", "sr", "en"]) {
        const page = await visitor(lang).get(`/meetings/${m.id}`);
        expect(page.statusCode).toBe(200);
        expect(text(page.body)).toContain(m.title[lang as "sq" | "sr" | "en"]!);
      }
      expect((await coordinator.get(`${S}/${m.id}`)).statusCode).toBe(200);
    }
  });
});
