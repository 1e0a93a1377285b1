// Open data (/open-data): the anonymised case export in CSV and JSON (public cases only, nothing personal,
// coarse or no location, the public answer), streamed in id order over many batches, its filters and bad
// filters, the aggregates with small counts suppressed, the data package descriptor that describes every
// file exactly, and the page.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/access/policy.ts";
import { actOnCase, type StaffAction } from "../../src/cases/commands/staffAction.ts";
import { type SubmitCaseInput, submitCase } from "../../src/cases/commands/submitCase.ts";
import { cases, categories, municipalities, statsBreakdown, statsMonth, users } from "../../src/db/schema.ts";
import { loadActor } from "../../src/identity/actor.ts";
import { parseCsv } from "../../src/kernel/csv.ts";
import { CASE_BATCH_SIZE, caseText } from "../../src/opendata/caseExport.ts";
import { breakdownBatches } from "../../src/opendata/statsExport.ts";
import { csvLines, textStream } from "../../src/opendata/writers.ts";
import { C, COUNTER_COUNT } from "../../src/stats/counters.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
const db = () => p.deps.database.db;
let n = 0;

/** The submitter's personal data: none of it may appear anywhere in any export. */
const PERSONAL = {
  name: "Drita Fshehtësi",
  email: "drita.fshehtesi@example.org",
  phone: "+383 44 987 654",
  title: "Zzqtitull i qytetarit",
  description: "Më telefononi në 044 555 321 ose shkruani te zzq.pershkrim@example.org",
  address: "Rruga Sekrete 7",
};

async function make(input: Partial<SubmitCaseInput>): Promise<string> {
  const made = await submitCase(
    {
      municipality: "prishtine",
      type: "request",
      category: "information",
      answers: {},
      title: PERSONAL.title,
      description: PERSONAL.description,
      contact: { name: PERSONAL.name, email: PERSONAL.email, phone: PERSONAL.phone, showName: true },
      language: "sq",
      channel: "web",
      idempotencyKey: `open-data-${n++}`,
      ...input,
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
  if (!made.ok) throw new Error(`setup failed: ${made.reason}`);
  return made.trackingCode;
}

let coordinator: Actor;
async function act(code: string, action: StaffAction) {
  const done = await actOnCase(
    {
      db: db(),
      now: p.clock.now(),
      calendar: p.deps.calendar,
      actor: coordinator,
      baseUrl: "http://x",
      poke: () => {},
    },
    { code, action },
  );
  if (!done.ok) throw new Error(`${action.kind} failed: ${done.reason}`);
}

const get = (url: string, headers: Record<string, string> = {}) =>
  p.app.inject({ url, headers: { cookie: "lang=en", ...headers } });

type Row = Record<string, string>;
const csvRows = (body: string): Row[] => parseCsv(body);
const csvHeader = (body: string) => body.slice(0, body.indexOf("\r\n")).split(",");
const json = (body: string) => JSON.parse(body) as Record<string, unknown>[];

const code = {} as Record<
  "answered" | "private" | "sensitive" | "located" | "old" | "merged" | "mergedLate" | "formula",
  string
>;
const PARTIAL = "Inspektorët do ta vizitojnë vendin këtë javë.";
const ANSWER = "Biblioteka është e hapur nga ora 8 deri në 16, çdo ditë pune.";
/** An answer a spreadsheet would run as a formula, with quotes and a line break. */
const FORMULA = '=HYPERLINK("http://x", "Klikoni")\nFaleminderit';
/** Bulk cases written straight into the table: more than one batch of the export. */
const BULK = 2_500;

beforeAll(async () => {
  p = await createTestPlatform({ demo: true, now: "2026-11-26T10:00:00Z" });
  const [u] = await db()
    .select()
    .from(users)
    .where(eq(users.email, "koordinatori.prishtine@demo.ekomuna.example"));
  coordinator = await loadActor(db(), u!);

  code.answered = await make({});
  await act(code.answered, { kind: "acknowledge" });
  await act(code.answered, { kind: "answer", message: ANSWER, final: true });
  code.formula = await make({ contact: { showName: false } });
  await act(code.formula, { kind: "acknowledge" });
  await act(code.formula, { kind: "answer", message: FORMULA, final: true });
  code.private = await make({ title: "Kërkesë private", description: "Nuk duhet të shihet." });
  await act(code.private, { kind: "set_visibility", visibility: "private" });
  code.sensitive = await make({
    type: "issue_report",
    category: "noise",
    location: { latitude: 42.663512, longitude: 21.165871 },
    address: PERSONAL.address,
  });
  // Only an answer is published: not a note, not a request to the citizen.
  await act(code.sensitive, { kind: "acknowledge" });
  await act(code.sensitive, { kind: "note", text: "Shënim i brendshëm zzqnote" });
  await act(code.sensitive, { kind: "request_information", message: "Na dërgoni një foto zzqrequest" });
  await act(code.sensitive, { kind: "answer", message: PARTIAL, final: false });
  code.located = await make({
    type: "issue_report",
    category: "potholes",
    location: { latitude: 42.662449, longitude: 21.165549 },
    address: PERSONAL.address,
    contact: { showName: false },
  });
  code.old = await make({
    municipality: "gjilan",
    channel: "counter",
    receivedAt: new Date("2025-03-02T09:00:00Z"),
    contact: { showName: false },
  });

  // Merged as duplicates without a response: before the response was due, and long after.
  code.merged = await make({ contact: { showName: false } });
  await act(code.merged, { kind: "merge", intoCode: code.answered, reasonCode: "duplicate" });
  code.mergedLate = await make({
    channel: "counter",
    receivedAt: new Date("2025-01-10T09:00:00Z"),
    contact: { showName: false },
  });
  await act(code.mergedLate, { kind: "merge", intoCode: code.answered, reasonCode: "duplicate" });

  // Many more cases, one in seven private, received in 2024 in Gjilan: written in SQL, as fast as it gets.
  const [gjilan] = await db().select().from(municipalities).where(eq(municipalities.slug, "gjilan"));
  const [information] = await db()
    .select()
    .from(categories)
    .where(sql`${categories.code} = 'information' and ${categories.municipalityId} is null`);
  await db().execute(sql`
    insert into cases (tracking_code, municipality_id, type, category_id, channel, status, visibility, title,
      description, received_at, response_due_at, contact_name, contact_email)
    select 'GJI-2024-' || lpad(g::text, 6, '0'), ${gjilan!.id}, 'request', ${information!.id}, 'web',
      'submitted', case when g % 7 = 0 then 'private' else 'public' end, ${PERSONAL.title},
      ${PERSONAL.description}, timestamptz '2024-03-01T08:00:00Z' + g * interval '1 hour',
      timestamptz '2024-03-20T08:00:00Z', ${PERSONAL.name}, ${PERSONAL.email}
    from generate_series(1, ${BULK}) g`);
});
afterAll(() => p.close());

/** The public cases as the database has them, in id order. */
async function publicCodes(where = sql`true`): Promise<string[]> {
  const rows = await db()
    .select({ code: cases.trackingCode })
    .from(cases)
    .where(sql`${cases.visibility} = 'public' and ${where}`)
    .orderBy(cases.id);
  return rows.map((r) => r.code);
}

describe("the case export", () => {
  it("streams every public case once, in id order, over many batches, in CSV and JSON alike", async () => {
    const expected = await publicCodes();
    expect(expected.length).toBeGreaterThan(CASE_BATCH_SIZE);
    const csv = await get("/open-data/cases.csv");
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers["content-disposition"]).toBe('attachment; filename="ekomuna-cases.csv"');
    expect(csvRows(csv.body).map((r) => r.id)).toEqual(expected);

    const js = await get("/open-data/cases.json");
    expect(js.statusCode).toBe(200);
    expect(js.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(js.headers["content-disposition"]).toBe('attachment; filename="ekomuna-cases.json"');
    expect(json(js.body).map((r) => r.id)).toEqual(expected);
  });

  it("leaves private cases out and holds nothing personal in either format", async () => {
    for (const format of ["csv", "json"]) {
      const body = (await get(`/open-data/cases.${format}`)).body;
      expect(body).not.toContain(code.private);
      for (const secret of [
        PERSONAL.name,
        PERSONAL.email,
        PERSONAL.phone,
        "044 555 321",
        "zzq.pershkrim@example.org",
        "Zzqtitull",
        PERSONAL.address,
        "Kërkesë private",
        "@demo.ekomuna.example",
        "zzqnote",
        "zzqrequest",
      ])
        expect(body, `${format}: ${secret}`).not.toContain(secret);
    }
  });

  it("publishes the answer, the dates and whether the first response met the standard", async () => {
    const [kase] = await db().select().from(cases).where(eq(cases.trackingCode, code.answered));
    const csv = csvRows((await get("/open-data/cases.csv")).body).find((r) => r.id === code.answered)!;
    expect(csv).toMatchObject({
      municipality: "prishtine",
      type: "request",
      category: "information",
      channel: "web",
      status: "answered",
      received_at: "2026-11-26T10:00:00Z",
      acknowledged_at: "2026-11-26T10:00:00Z",
      answered_at: "2026-11-26T10:00:00Z",
      closed_at: "2026-11-26T10:00:00Z",
      sla_due_at: `${kase!.responseDueAt!.toISOString().slice(0, 19)}Z`,
      sla_met: "true",
      public_answer: ANSWER,
    });
    const js = json((await get("/open-data/cases.json")).body).find((r) => r.id === code.answered)!;
    expect(js).toMatchObject({ sla_met: true, public_answer: ANSWER, latitude: null, reason_code: null });

    // Not answered yet and not yet due: undecided (empty); past due without an answer: not met.
    const pending = (body: string) => csvRows(body).find((r) => r.id === code.located)!;
    expect(pending((await get("/open-data/cases.csv")).body)).toMatchObject({
      status: "submitted",
      answered_at: "",
      closed_at: "",
      sla_met: "",
      public_answer: "",
    });
    const bulk = csvRows((await get("/open-data/cases.csv?year=2024")).body)[0]!;
    expect(bulk.sla_met).toBe("false");

    // Finished without a response: nothing was missed before the due date, and it was after.
    const rows = csvRows((await get("/open-data/cases.csv")).body);
    expect(rows.find((r) => r.id === code.merged)).toMatchObject({
      status: "merged",
      reason_code: "duplicate",
      answered_at: "",
      closed_at: "2026-11-26T10:00:00Z",
      sla_met: "",
    });
    expect(rows.find((r) => r.id === code.mergedLate)).toMatchObject({ status: "merged", sla_met: "false" });
  });

  it("keeps an answer a spreadsheet would run as a formula as text in CSV, and as it is in JSON", async () => {
    const csv = (await get("/open-data/cases.csv")).body;
    expect(csv).toContain(`,"'=HYPERLINK(""http://x"", ""Klikoni"")\nFaleminderit"\r\n`);
    expect(csvRows(csv).find((r) => r.id === code.formula)?.public_answer).toBe(`'${FORMULA}`);
    const js = json((await get("/open-data/cases.json")).body).find((r) => r.id === code.formula)!;
    expect(js.public_answer).toBe(FORMULA);
  });

  it("quotes and guards a code by the same rules, and leaves the rest of its row as it is", async () => {
    const odd = '=x, "y"';
    await db().execute(sql`
      insert into reason_codes (code, applies_to, name, active) values (${odd}, 'closed', '{}'::jsonb, false)`);
    await db().execute(sql`update cases set reason_code = ${odd} where tracking_code = 'GJI-2024-000002'`);
    const csv = (await get("/open-data/cases.csv?municipality=gjilan&year=2024")).body;
    const line = csv.split("\r\n").find((l) => l.startsWith("GJI-2024-000002,"));
    expect(line).toBe(
      'GJI-2024-000002,gjilan,request,information,web,submitted,2024-03-01T10:00:00Z,,,,2024-03-20T08:00:00Z,false,"\'=x, ""y""",,,',
    );
    const js = json((await get("/open-data/cases.json?municipality=gjilan&year=2024")).body);
    expect(js.find((r) => r.id === "GJI-2024-000002")?.reason_code).toBe(odd);
  });

  it("rounds locations to 0.001° and gives none for sensitive categories", async () => {
    const rows = csvRows((await get("/open-data/cases.csv")).body);
    expect(rows.find((r) => r.id === code.located)).toMatchObject({
      latitude: "42.662",
      longitude: "21.166",
    });
    expect(rows.find((r) => r.id === code.sensitive)).toMatchObject({
      latitude: "",
      longitude: "",
      status: "awaiting_citizen",
      public_answer: PARTIAL,
    });
    const js = json((await get("/open-data/cases.json")).body);
    expect(js.find((r) => r.id === code.located)).toMatchObject({ latitude: 42.662, longitude: 21.166 });
    expect(js.find((r) => r.id === code.sensitive)).toMatchObject({ latitude: null, longitude: null });
  });

  it("filters by municipality and by local year, in the file name too", async () => {
    const gjilan = await get("/open-data/cases.csv?municipality=gjilan");
    expect(csvRows(gjilan.body).map((r) => r.id)).toEqual(await publicCodes(sql`tracking_code like 'GJI-%'`));
    expect(gjilan.headers["content-disposition"]).toBe('attachment; filename="ekomuna-cases-gjilan.csv"');

    const year = await get("/open-data/cases.json?municipality=gjilan&year=2025");
    expect(json(year.body).map((r) => r.id)).toEqual([code.old]);
    expect(year.headers["content-disposition"]).toBe('attachment; filename="ekomuna-cases-gjilan-2025.json"');

    // 2024 begins at local midnight (Europe/Belgrade, UTC+1): 23:30Z on 31 December 2023 is 2024 there.
    await db().execute(sql`
      update cases set received_at = '2023-12-31T23:30:00Z' where tracking_code = 'GJI-2024-000001'`);
    const y2024 = csvRows((await get("/open-data/cases.csv?year=2024")).body).map((r) => r.id);
    expect(y2024[0]).toBe("GJI-2024-000001");
    expect(y2024).toHaveLength((await publicCodes(sql`tracking_code like 'GJI-2024-%'`)).length);
    expect(csvRows((await get("/open-data/cases.csv?year=2023")).body)).toEqual([]);
  });

  it("answers a filter that cannot mean anything with 400, a code and a message in the language asked", async () => {
    for (const query of [
      "municipality=atlantis",
      "year=20x6",
      "year=1999",
      "year=99999",
      "municipality=gjilan&municipality=peje",
    ]) {
      for (const format of ["csv", "json"]) {
        const res = await get(`/open-data/cases.${format}?${query}`);
        expect(res.statusCode, query).toBe(400);
        const error = res.json().error;
        expect(error.code).toBe("invalid_filter");
        expect(error.message).toMatch(/^Choose a/);
      }
    }
    const sq = await p.app.inject({ url: "/open-data/cases.csv?year=x", headers: { cookie: "lang=sq" } });
    expect(sq.json().error.message).toMatch(/^Zgjidhni një vit/);
  });

  it("answers a HEAD without running the export, and a held version with 304", async () => {
    const head = await p.app.inject({ method: "HEAD", url: "/open-data/cases.csv" });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers["content-disposition"]).toBe('attachment; filename="ekomuna-cases.csv"');
    const etag = String(head.headers.etag);
    expect(head.headers["last-modified"]).toBeTruthy();
    expect((await get("/open-data/cases.csv", { "if-none-match": etag })).statusCode).toBe(304);
    // Any change to a case is a new version.
    await act(code.located, { kind: "acknowledge" });
    expect((await get("/open-data/cases.csv", { "if-none-match": etag })).statusCode).toBe(200);
  });

  it("stops querying when the reader goes away", async () => {
    let batches = 0;
    async function* counted() {
      for await (const batch of caseText(db(), "csv", {}, { now: p.clock.now(), batchSize: 10 })) {
        batches++;
        yield batch;
      }
    }
    const stream = textStream(csvLines(["id"], counted()));
    const reader = stream[Symbol.asyncIterator]();
    await reader.next();
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const seen = batches;
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A few batches were read ahead at most, of the 200 or more there are, and none after.
    expect(seen).toBeLessThanOrEqual(3);
    expect(batches).toBe(seen);
  });
});

describe("the aggregates", () => {
  beforeAll(async () => {
    const [prishtine] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
    const [potholes] = await db()
      .select()
      .from(categories)
      .where(sql`${categories.code} = 'potholes' and ${categories.municipalityId} is null`);
    const counters = new Array<number>(COUNTER_COUNT).fill(0);
    counters[C.received] = 3;
    counters[C.acknowledged] = 7;
    counters[C.satisfaction_count] = 2;
    counters[C.satisfaction_sum] = 9;
    await db().delete(statsBreakdown);
    await db().delete(statsMonth);
    await db().insert(statsBreakdown).values({
      municipalityId: prishtine!.id,
      month: "2026-11-01",
      type: "issue_report",
      categoryId: potholes!.id,
      channel: "web",
      departmentId: 0,
      counters,
    });
    await db().insert(statsMonth).values({
      municipalityId: prishtine!.id,
      month: "2026-11-01",
      counters,
      finishedInMonth: 2,
      ackHist: [],
      responseHist: [],
      resolutionHist: [],
    });
  });

  it("writes counts from 1 to 4 as <5 in the breakdown, with the rating sum that goes with them", async () => {
    const [row] = csvRows((await get("/open-data/statistics-breakdown.csv")).body);
    expect(row).toMatchObject({
      municipality: "prishtine",
      month: "2026-11",
      type: "issue_report",
      category: "potholes",
      channel: "web",
      department: "",
      received: "<5",
      acknowledged: "7",
      responded: "0",
      satisfaction_ratings: "<5",
      satisfaction_sum: "<5",
    });
    const [js] = json((await get("/open-data/statistics-breakdown.json")).body);
    expect(js).toMatchObject({ received: "<5", acknowledged: 7, responded: 0, department: null });
  });

  it("hides the next smallest row of a month beside a lone <5, so the monthly total cannot give it away", async () => {
    const [prishtine] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
    const national = await db()
      .select()
      .from(categories)
      .where(
        sql`${categories.code} in ('potholes', 'public-lighting', 'waste') and ${categories.municipalityId} is null`,
      );
    expect(national).toHaveLength(3);
    // Three rows of one month, one received 3: the month's total (the monthly file) less the other two
    // would tell it, were they both shown.
    const rows = national.map((category, i) => {
      const counters = new Array<number>(COUNTER_COUNT).fill(0);
      counters[C.received] = [3, 12, 20][i]!;
      counters[C.acknowledged] = [0, 2, 11][i]!;
      counters[C.satisfaction_count] = [2, 6, 8][i]!;
      counters[C.satisfaction_sum] = [9, 24, 30][i]!;
      return {
        municipalityId: prishtine!.id,
        month: "2026-12-01",
        type: "issue_report",
        categoryId: category.id,
        channel: "web",
        departmentId: 0,
        counters,
      };
    });
    await db().insert(statsBreakdown).values(rows);
    try {
      const december = (body: string) => csvRows(body).filter((r) => r.month === "2026-12");
      const got = december((await get("/open-data/statistics-breakdown.csv")).body);
      const byReceived = (v: string) =>
        got.find((r) => r.category === national[[3, 12, 20].indexOf(Number(v))]?.code);
      expect(got.map((r) => r.received).sort()).toEqual(["20", "<5", "…"]);
      expect(byReceived("3")).toMatchObject({ received: "<5", acknowledged: "<5", satisfaction_sum: "<5" });
      expect(byReceived("12")).toMatchObject({ received: "…", acknowledged: "<5", satisfaction_sum: "…" });
      expect(byReceived("20")).toMatchObject({ received: "20", acknowledged: "11", satisfaction_sum: "30" });
      // The same whichever way the rows are read in batches: a month is protected whole.
      const batches: Record<string, unknown>[] = [];
      for await (const batch of breakdownBatches(db(), { now: p.clock.now(), batchSize: 2 }))
        batches.push(...batch);
      const js = json((await get("/open-data/statistics-breakdown.json")).body);
      expect(batches).toEqual(js);
      expect(js.filter((r) => r.month === "2026-12").map((r) => r.received)).toEqual(
        got.map((r) => (Number.isNaN(Number(r.received)) ? r.received : Number(r.received))),
      );
    } finally {
      await db().delete(statsBreakdown).where(eq(statsBreakdown.month, "2026-12-01"));
    }
  });

  it("answers a held version of the aggregates with 304", async () => {
    const first = await get("/open-data/statistics-monthly.csv");
    expect(first.headers["content-disposition"]).toBe(
      'attachment; filename="ekomuna-statistics-monthly.csv"',
    );
    const etag = String(first.headers.etag);
    expect((await get("/open-data/statistics-monthly.csv", { "if-none-match": etag })).statusCode).toBe(304);
  });

  it("writes the monthly totals whole", async () => {
    const [row] = csvRows((await get("/open-data/statistics-monthly.csv")).body);
    expect(row).toMatchObject({
      municipality: "prishtine",
      month: "2026-11",
      received: "3",
      acknowledged: "7",
      satisfaction_sum: "9",
      satisfaction_ratings: "2",
      finished_in_month: "2",
    });
    const [js] = json((await get("/open-data/statistics-monthly.json")).body);
    expect(js).toMatchObject({ received: 3, finished_in_month: 2 });
  });
});

describe("the data package descriptor", () => {
  /** Table Schema's field types (https://specs.frictionlessdata.io/table-schema/#types-and-formats). */
  const TYPES = [
    "string",
    "number",
    "integer",
    "boolean",
    "object",
    "array",
    "date",
    "time",
    "datetime",
    "year",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "any",
  ];

  it("is a data package under CC BY 4.0 whose resources each describe their file exactly", async () => {
    const res = await get("/open-data/datapackage.json", { host: "data.example.org" });
    expect(res.statusCode).toBe(200);
    const descriptor = res.json();
    expect(descriptor.profile).toBe("data-package");
    expect(descriptor.name).toMatch(/^[a-z0-9._-]+$/);
    expect(descriptor.licenses).toEqual([
      {
        name: "CC-BY-4.0",
        path: "https://creativecommons.org/licenses/by/4.0/",
        title: "Creative Commons Attribution 4.0",
      },
    ]);
    const resources = descriptor.resources as {
      name: string;
      path: string;
      format: string;
      mediatype: string;
      schema: { fields: { name: string; type: string; description: string }[]; missingValues: string[] };
    }[];
    expect(resources.map((r) => r.name).sort()).toEqual([
      "cases-csv",
      "cases-json",
      "statistics-breakdown-csv",
      "statistics-breakdown-json",
      "statistics-monthly-csv",
      "statistics-monthly-json",
    ]);
    for (const r of resources) {
      expect(r.path).toMatch(/^http:\/\/data\.example\.org\/open-data\//);
      const names = r.schema.fields.map((f) => f.name);
      for (const f of r.schema.fields) {
        expect(TYPES, `${r.name}.${f.name}`).toContain(f.type);
        expect(f.description, `${r.name}.${f.name}`).not.toMatch(/^openData\./);
      }
      const file = await get(r.path.replace("http://data.example.org", ""));
      expect(file.statusCode).toBe(200);
      expect(file.headers["content-type"]).toContain(r.mediatype);
      if (r.format === "csv") expect(csvHeader(file.body), r.name).toEqual(names);
      else expect(Object.keys(json(file.body)[0]!), r.name).toEqual(names);
    }
    const breakdown = resources.find((r) => r.name === "statistics-breakdown-csv")!;
    expect(breakdown.schema.missingValues).toEqual(["", "<5", "…"]);
  });

  it("takes its addresses from PUBLIC_URL when it is set", async () => {
    const other = await createTestPlatform({ env: { PUBLIC_URL: "https://ekomuna.example.org/" } });
    try {
      const res = await other.app.inject({ url: "/open-data/datapackage.json" });
      expect(res.json().resources[0].path).toBe("https://ekomuna.example.org/open-data/cases.csv");
    } finally {
      await other.close();
    }
  });
});

describe("the page", () => {
  it("lists every dataset with its downloads, licence and fields, in the language asked", async () => {
    const res = await p.app.inject({ url: "/open-data", headers: { cookie: "lang=sq" } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("<h1>Të dhëna të hapura</h1>");
    for (const href of [
      "/open-data/cases.csv",
      "/open-data/cases.json",
      "/open-data/statistics-monthly.csv",
      "/open-data/statistics-breakdown.json",
      "/open-data/datapackage.json",
      "https://creativecommons.org/licenses/by/4.0/",
    ])
      expect(res.body).toContain(`href="${href}"`);
    expect(res.body).toContain("<code>public_answer</code>");
  });

  it("carries the chosen filters into the download links and counts what they select", async () => {
    const res = await get("/open-data?municipality=gjilan&year=2025");
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('href="/open-data/cases.csv?municipality=gjilan&year=2025"');
    expect(res.body).toContain("1 row");
  });

  it("shows a filter that cannot mean anything as an error at its field, with 400", async () => {
    const res = await get("/open-data?year=20x6");
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("<title>Error: Open data");
    expect(res.body).toContain('href="#field-year"');
    expect(res.body).not.toContain('href="/open-data/cases.csv');
  });
});
