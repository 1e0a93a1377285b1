// Open311 GeoReport v2 conformance, written from the specification (/work/shared/reference and
// open311.github.io GeoReport_v2, Service_Discovery): every method in both formats, every error the spec
// names with its HTTP status and error document, the W3C dates, the defaults of GET requests (90 days,
// 1,000) and the page/page_size extension. Every XML answer is read by a strict little XML reader below
// (declaration, well-formedness, no attributes or namespaces) and must say exactly what the JSON answer
// says under the Spark convention, so the two formats cannot drift apart.
import { and, eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, revokeApiClient } from "../../src/api/apiKeys.ts";
import { caseEvents, cases, categories, categoryQuestions, departments } from "../../src/db/schema.ts";
import { forgetReferenceData } from "../../src/reference/referenceCache.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
const NOW = "2026-11-26T10:00:00Z";
const BASE = "http://127.0.0.1:3000";
const db = () => p.deps.database.db;

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are explored by the assertions themselves
type Json = any;

// ── A strict, tiny XML reader: what a conforming client's parser must be able to read.

interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, e: string) => {
    if (e.startsWith("#x")) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(Number(e.slice(1)));
    const known = ENTITIES[e];
    if (known === undefined) throw new Error(`unknown entity ${whole}`);
    return known;
  });
}

/** Parses a whole document; throws on anything a strict XML 1.0 parser would refuse (and on attributes). */
function readXml(doc: string): XmlNode {
  const declaration = /^<\?xml version="1\.0" encoding="utf-8"\?>\s*/i.exec(doc);
  if (!declaration) throw new Error("no XML declaration with encoding utf-8 before the root element");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a document must not contain them
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(doc))
    throw new Error("character not allowed in XML");
  let at = declaration[0].length;
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  while (at < doc.length) {
    if (doc.startsWith("<", at)) {
      const end = doc.indexOf(">", at);
      if (end < 0) throw new Error("unclosed tag");
      const tag = doc.slice(at + 1, end);
      at = end + 1;
      if (tag.startsWith("/")) {
        const open = stack.pop();
        if (!open || open.name !== tag.slice(1)) throw new Error(`mismatched </${tag.slice(1)}>`);
        if (open.children.length > 0 && open.text.trim() !== "")
          throw new Error(`mixed content in ${open.name}`);
        if (stack.length === 0) root = open;
        continue;
      }
      const selfClosing = tag.endsWith("/");
      const name = selfClosing ? tag.slice(0, -1) : tag;
      if (!/^[A-Za-z_][\w.-]*$/.test(name))
        throw new Error(`not a plain element name (attributes?): <${tag}>`);
      const parent = stack.at(-1);
      if (!parent && root) throw new Error("a second root element");
      const node: XmlNode = { name, children: [], text: "" };
      if (parent) parent.children.push(node);
      if (selfClosing) {
        if (!parent) root = node;
      } else stack.push(node);
    } else {
      const next = doc.indexOf("<", at);
      const text = doc.slice(at, next < 0 ? doc.length : next);
      at = next < 0 ? doc.length : next;
      const open = stack.at(-1);
      if (!open) {
        if (text.trim() !== "") throw new Error("text outside the root element");
        continue;
      }
      if (text.includes(">") && text.includes("]]>")) throw new Error("]]> in text");
      open.text += decodeEntities(text);
    }
  }
  if (stack.length > 0 || !root) throw new Error("unclosed element");
  return root;
}

/** The containers of GeoReport v2 whose children share one name: arrays under the Spark convention. */
const LISTS = new Set([
  "services",
  "service_requests",
  "errors",
  "attributes",
  "values",
  "endpoints",
  "formats",
]);

/** The JSON the Spark convention makes of an element, with every scalar as the text XML carries. */
function spark(node: XmlNode): unknown {
  if (LISTS.has(node.name)) return node.children.map(spark);
  if (node.children.length === 0) return node.text;
  const out: Record<string, unknown> = {};
  for (const child of node.children) {
    if (child.name in out) throw new Error(`repeated <${child.name}> in <${node.name}>`);
    out[child.name] = spark(child);
  }
  return out;
}

/** A JSON answer with its scalars as XML text (null: empty). */
function asText(v: unknown): unknown {
  if (v === null) return "";
  if (Array.isArray(v)) return v.map(asText);
  if (typeof v === "object")
    return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, asText(x)]));
  return String(v);
}

// ── Calling the endpoint.

interface Call {
  query?: Record<string, string | string[]>;
  form?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  raw?: { payload: string; type: string };
  /** The client's address (default: one of many). */
  from?: string;
}

/** Calls come from many addresses, as from many clients: reads are limited per address (tested below). */
let calls = 0;

async function o311(method: "GET" | "POST", path: string, call: Call = {}) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(call.query ?? {})) for (const x of [v].flat()) qs.append(k, x);
  const headers: Record<string, string> = { ...call.headers };
  let payload: string | undefined;
  if (call.raw) {
    payload = call.raw.payload;
    headers["content-type"] = call.raw.type;
  } else if (call.form) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(call.form)) for (const x of [v].flat()) body.append(k, x);
    payload = body.toString();
    headers["content-type"] ??= "application/x-www-form-urlencoded; charset=utf-8";
  }
  const res = await p.app.inject({
    method,
    url: `/open311/v2/${path}${qs.size > 0 ? `?${qs}` : ""}`,
    headers,
    remoteAddress: call.from ?? `198.51.100.${++calls % 250}`,
    ...(payload !== undefined ? { payload } : {}),
  });
  const type = String(res.headers["content-type"] ?? "");
  const data: Json = type.startsWith("application/json") ? res.json() : undefined;
  const xml = type.startsWith("text/xml") ? readXml(res.body) : undefined;
  return Object.assign(res, { data, xml });
}

/** The same call in both formats: they must agree (Spark), and each must carry its content type. */
async function both(method: "GET" | "POST", path: string, call: Call = {}) {
  const json = await o311(method, `${path}.json`, call);
  const xml = await o311(method, `${path}.xml`, call);
  expect(json.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(xml.headers["content-type"]).toBe("text/xml; charset=utf-8");
  expect(xml.statusCode).toBe(json.statusCode);
  return { json, xml };
}

function expectSame(json: Json, xml: XmlNode | undefined) {
  expect(xml).toBeDefined();
  expect(spark(xml!)).toEqual(asText(json));
}

/** An error answer in both formats: the status, and `errors ⇊ error ↴ {code, description}`. */
async function expectError(
  status: number,
  method: "GET" | "POST",
  path: string,
  call: Call = {},
  description?: RegExp,
) {
  const { json, xml } = method === "GET" ? await both(method, path, call) : await bothPost(path, call);
  expect(json.statusCode, json.body).toBe(status);
  expect(Array.isArray(json.data)).toBe(true);
  expect(json.data.length).toBeGreaterThan(0);
  for (const e of json.data) {
    expect(Object.keys(e).sort()).toEqual(["code", "description"]);
    expect(typeof e.description).toBe("string");
    expect(e.description.length).toBeGreaterThan(0);
  }
  expect(json.data[0].code).toBe(status);
  if (description) expect(json.data.map((e: Json) => e.description).join(" | ")).toMatch(description);
  expect(xml.xml!.name).toBe("errors");
  expect(xml.xml!.children.every((c) => c.name === "error")).toBe(true);
  expectSame(json.data, xml.xml);
  return json.data as { code: number; description: string }[];
}

/** POST is not idempotent: the two formats are sent with their own idempotency key when one is given. */
async function bothPost(path: string, call: Call) {
  const json = await o311("POST", `${path}.json`, call);
  const xml = await o311("POST", `${path}.xml`, call);
  expect(json.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(xml.headers["content-type"]).toBe("text/xml; charset=utf-8");
  expect(xml.statusCode).toBe(json.statusCode);
  return { json, xml };
}

// ── The platform: demo data, an API key, a category with questions.

let key: string;
let keyId: string;
let prizrenOnlyKey: string;
let revokedKey: string;

const W3C_OUT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
const PRISHTINE = { lat: "42.6629", long: "21.1655" };

async function newKey(options: { municipality?: string; rateLimit?: number } = {}) {
  const made = await createApiClient(db(), {
    name: `Open311 test ${Math.random().toString(36).slice(2, 8)}`,
    ...options,
    now: p.clock.now(),
    via: "test",
  });
  if (!made.ok) throw new Error(made.reason);
  return made;
}

const categoryId = async (code: string) => {
  const [c] = await db()
    .select({ id: categories.id })
    .from(categories)
    .where(and(eq(categories.code, code), sql`${categories.municipalityId} is null`));
  return c!.id;
};

/** `n` public cases (or as `over` says) made directly, received one minute apart going back from `newest`. */
async function insertCases(
  n: number,
  o: { slug: string; prefix: string; category: string; newest: Date; status?: string; visibility?: string },
) {
  const category = await categoryId(o.category);
  await db().execute(sql`
    insert into cases (tracking_code, municipality_id, type, category_id, status, visibility, title, description,
      latitude, longitude, received_at, resolution_due_at)
    select ${o.prefix} || lpad(g::text, 6, '0'), m.id, 'issue_report', ${category}, ${o.status ?? "submitted"},
      ${o.visibility ?? "public"}, 'Generated ' || g, 'Generated case ' || g, 42.37, 21.15,
      ${o.newest.toISOString()}::timestamptz - g * interval '1 minute',
      ${o.newest.toISOString()}::timestamptz + interval '20 days'
    from generate_series(1, ${n}) g, municipalities m where m.slug = ${o.slug}`);
}

beforeAll(async () => {
  p = await createTestPlatform({ demo: true, now: NOW });
  const made = await newKey();
  key = made.key;
  keyId = made.client.id;
  prizrenOnlyKey = (await newKey({ municipality: "prizren" })).key;
  const revoked = await newKey();
  revokedKey = revoked.key;
  await revokeApiClient(db(), { which: revoked.client.id, now: p.clock.now(), via: "test" });
  await db()
    .insert(categoryQuestions)
    .values({
      categoryId: await categoryId("potholes"),
      questions: [
        {
          code: "hazards",
          datatype: "multivaluelist",
          required: false,
          order: 5,
          description: { sq: "Çfarë rreziku ka?", sr: "Kakva je opasnost?", en: "What is the hazard?" },
          values: [
            { key: "cars", name: { sq: "Për makinat", sr: "Za automobile", en: "For cars" } },
            { key: "bikes", name: { sq: "Për biçikletat", sr: "Za bicikle", en: "For bicycles" } },
          ],
        },
        {
          code: "depth",
          datatype: "singlevaluelist",
          required: true,
          order: 2,
          description: { sq: "Sa e thellë është?", sr: "Koliko je duboka?", en: "How deep is it?" },
          values: [
            { key: "shallow", name: { sq: "E cekët", sr: "Plitka", en: "Shallow" } },
            { key: "deep", name: { sq: "E thellë", sr: "Duboka", en: "Deep" } },
          ],
        },
        {
          code: "width",
          datatype: "number",
          required: false,
          order: 3,
          description: { sq: "Gjerësia në cm", sr: "Širina u cm", en: "Width in cm" },
        },
      ],
    });
  forgetReferenceData(db());
});
afterAll(async () => {
  await p?.close();
});

/** A valid POST for a pothole in Prishtinë, with what a test changes. */
const pothole = (over: Record<string, string | string[] | undefined> = {}) => {
  const form: Record<string, string | string[]> = {
    api_key: key,
    jurisdiction_id: "prishtine",
    service_code: "potholes",
    ...PRISHTINE,
    address_string: "Rruga B 12, Prishtinë",
    email: "arta.krasniqi@example.org",
    first_name: "Arta",
    last_name: "Krasniqi",
    phone: "044 123 456",
    description: "Një gropë e thellë para shkollës.\nRreth 40 cm e gjerë.",
    "attribute[depth]": "deep",
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete form[k];
    else form[k] = v;
  }
  return form;
};

// ── Discovery

describe("service discovery", () => {
  it("is served as XML and JSON with every required field, the endpoint and both formats", async () => {
    const { json, xml } = await both("GET", "discovery");
    expect(json.statusCode).toBe(200);
    expect(xml.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(xml.xml!.name).toBe("discovery");
    const d = json.data;
    expect(Object.keys(d).sort()).toEqual(["changeset", "contact", "endpoints", "key_service"]);
    expect(d.changeset).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(d.contact).toContain(BASE);
    expect(d.key_service.length).toBeGreaterThan(10);
    expect(d.endpoints).toEqual([
      {
        specification: "http://wiki.open311.org/GeoReport_v2",
        url: `${BASE}/open311/v2`,
        changeset: d.changeset,
        type: p.deps.config.demo ? "test" : "production",
        formats: ["text/xml", "application/json"],
      },
    ]);
    expectSame(d, xml.xml);
  });
});

// ── GET Service List

describe("GET service list", () => {
  it("lists the categories Prishtinë offers through Open311, with the spec's fields", async () => {
    const { json, xml } = await both("GET", "services", { query: { jurisdiction_id: "prishtine" } });
    expect(json.statusCode).toBe(200);
    expect(xml.xml!.name).toBe("services");
    const services: Json[] = json.data;
    expect(Array.isArray(services)).toBe(true);
    const potholes = services.find((s) => s.service_code === "potholes");
    expect(potholes).toEqual({
      service_code: "potholes",
      service_name: "Gropa në rrugë",
      description: expect.any(String),
      metadata: true,
      type: "realtime",
      keywords: expect.stringContaining("Potholes and road damage"),
      group: expect.any(String),
    });
    // A category without extra questions (the demo's ministry gave "waste" one: docs/MINISTRY.md).
    const graffiti = services.find((s) => s.service_code === "graffiti");
    expect(graffiti.metadata).toBe(false);
    for (const s of services) {
      expect(typeof s.service_code).toBe("string");
      expect(["realtime", "batch", "blackbox"]).toContain(s.type);
    }
    // What an API key cannot send is not a service: proposals, and categories that need an account.
    const codes = services.map((s) => s.service_code);
    expect(codes).not.toContain("infrastructure-proposal");
    expect(codes).not.toContain("municipal-service");
    expect(codes).toContain("information");
    expectSame(services, xml.xml);
  });

  it("names services in the language asked for, else in the jurisdiction's majority language", async () => {
    const en = await o311("GET", "services.json", {
      query: { jurisdiction_id: "prishtine" },
      headers: { "accept-language": "en" },
    });
    expect(en.data.find((s: Json) => s.service_code === "potholes").service_name).toBe(
      "Potholes and road damage",
    );
    const gracanica = await o311("GET", "services.json", { query: { jurisdiction_id: "gracanice" } });
    expect(gracanica.data.find((s: Json) => s.service_code === "potholes").service_name).toBe(
      "Udarne rupe na putu",
    );
  });

  it("answers 400 without a jurisdiction_id (empty is not given) and 404 for an unknown one", async () => {
    await expectError(400, "GET", "services", {}, /jurisdiction_id/);
    await expectError(400, "GET", "services", { query: { jurisdiction_id: "" } }, /jurisdiction_id/);
    await expectError(404, "GET", "services", { query: { jurisdiction_id: "sfgov.org" } }, /sfgov\.org/);
  });
});

// ── GET Service Definition

describe("GET service definition", () => {
  it("gives the category's questions as attributes, in order from 1, with their values", async () => {
    const { json, xml } = await both("GET", "services/potholes", {
      query: { jurisdiction_id: "prishtine" },
      headers: { "accept-language": "en" },
    });
    expect(json.statusCode).toBe(200);
    expect(xml.xml!.name).toBe("service_definition");
    expect(json.data.service_code).toBe("potholes");
    const attributes: Json[] = json.data.attributes;
    expect(attributes.map((a) => [a.code, a.order])).toEqual([
      ["depth", 1],
      ["width", 2],
      ["hazards", 3],
    ]);
    expect(attributes[0]).toEqual({
      variable: true,
      code: "depth",
      datatype: "singlevaluelist",
      required: true,
      datatype_description: expect.stringContaining("attribute[depth]"),
      order: 1,
      description: "How deep is it?",
      values: [
        { key: "shallow", name: "Shallow" },
        { key: "deep", name: "Deep" },
      ],
    });
    expect(attributes[1]).not.toHaveProperty("values");
    expect(attributes[2].datatype).toBe("multivaluelist");
    expectSame(json.data, xml.xml);
  });

  it("has an empty attribute list for a service without questions (an array in JSON)", async () => {
    const { json, xml } = await both("GET", "services/graffiti", { query: { jurisdiction_id: "prishtine" } });
    expect(json.data).toEqual({ service_code: "graffiti", attributes: [] });
    expectSame(json.data, xml.xml);
  });

  it("answers 404 for an unknown service_code or jurisdiction, 400 without a jurisdiction_id", async () => {
    await expectError(404, "GET", "services/no-such-service", { query: { jurisdiction_id: "prishtine" } });
    await expectError(404, "GET", "services/infrastructure-proposal", {
      query: { jurisdiction_id: "prishtine" },
    });
    await expectError(404, "GET", "services/potholes", { query: { jurisdiction_id: "atlantis" } });
    await expectError(400, "GET", "services/potholes", {}, /jurisdiction_id/);
  });
});

// ── POST Service Request

describe("POST service request", () => {
  it("creates a case through the submission command and answers service_request_id, token and a notice", async () => {
    const res = await o311("POST", "requests.json", {
      form: pothole({ "attribute[hazards][]": ["cars", "bikes"] }),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(Array.isArray(res.data)).toBe(true);
    expect(res.data).toHaveLength(1);
    const [r] = res.data;
    expect(Object.keys(r).sort()).toEqual(["account_id", "service_notice", "service_request_id", "token"]);
    expect(r.service_request_id).toMatch(/^PRI-2026-\d{6}$/);
    expect(r.account_id).toBeNull();
    expect(r.service_notice).toContain(r.service_request_id);
    const [row] = await db().select().from(cases).where(eq(cases.trackingCode, r.service_request_id));
    expect(row).toMatchObject({
      channel: "api",
      type: "issue_report",
      status: "submitted",
      latitude: 42.6629,
      longitude: 21.1655,
      address: "Rruga B 12, Prishtinë",
      contactName: "Arta Krasniqi",
      contactEmail: "arta.krasniqi@example.org",
      contactPhone: "044 123 456",
      showName: false,
      title: "Një gropë e thellë para shkollës.",
      description: "Një gropë e thellë para shkollës.\nRreth 40 cm e gjerë.",
      attributes: { depth: "deep", hazards: ["cars", "bikes"] },
    });
    expect(row!.idempotencyKey?.startsWith(`api:${keyId}:`)).toBe(true);

    // The token names the request: GET tokens/{token} gives its id back.
    const { json, xml } = await both("GET", `tokens/${r.token}`, { query: { jurisdiction_id: "prishtine" } });
    expect(json.statusCode).toBe(200);
    expect(json.data).toEqual([{ service_request_id: r.service_request_id, token: r.token }]);
    expectSame(json.data, xml.xml);

    // What was sent about the person is stored for staff, never shown by GET.
    const one = await o311("GET", `requests/${r.service_request_id}.json`, {
      query: { jurisdiction_id: "prishtine" },
    });
    expect(one.statusCode).toBe(200);
    for (const secret of ["arta.krasniqi", "Krasniqi", "044 123 456", "ek_live_"])
      expect(one.body).not.toContain(secret);
  });

  it("answers in XML with the declaration, and the same fields", async () => {
    const res = await o311("POST", "requests.xml", { form: pothole() });
    expect(res.statusCode).toBe(201);
    expect(res.headers["content-type"]).toBe("text/xml; charset=utf-8");
    expect(res.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(res.xml!.name).toBe("service_requests");
    const r = spark(res.xml!) as Record<string, string>[];
    expect(r).toHaveLength(1);
    expect(r[0]!.service_request_id).toMatch(/^PRI-2026-\d{6}$/);
    expect(r[0]!.account_id).toBe("");
  });

  it("takes address_string alone as the location, and the title from the service without a description", async () => {
    const res = await o311("POST", "requests.json", {
      form: pothole({ lat: undefined, long: undefined, description: undefined }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const [row] = await db()
      .select()
      .from(cases)
      .where(eq(cases.trackingCode, res.data[0].service_request_id));
    expect(row).toMatchObject({ latitude: null, address: "Rruga B 12, Prishtinë", title: "Gropa në rrugë" });
  });

  it("also reads api_key and jurisdiction_id from the query string, as some clients send them", async () => {
    const res = await p.app.inject({
      method: "POST",
      url: `/open311/v2/requests.json?jurisdiction_id=prishtine&api_key=${key}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams(
        pothole({ api_key: undefined, jurisdiction_id: undefined }) as Record<string, string>,
      ).toString(),
    });
    expect(res.statusCode, res.body).toBe(201);
  });

  it("honours an Idempotency-Key as the REST API does: the same request again is the same case", async () => {
    const headers = { "idempotency-key": `open311-${Date.now()}` };
    const first = await o311("POST", "requests.json", { form: pothole(), headers });
    const again = await o311("POST", "requests.json", { form: pothole(), headers });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.data[0].service_request_id).toBe(first.data[0].service_request_id);
    const other = await o311("POST", "requests.json", { form: pothole({ description: "Another" }), headers });
    expect(other.statusCode).toBe(400);
    expect(other.data[0].description).toMatch(/Idempotency-Key/);
    const bad = await o311("POST", "requests.json", {
      form: pothole(),
      headers: { "idempotency-key": "a b" },
    });
    expect(bad.statusCode).toBe(400);
  });

  it("answers 403 for a missing, unknown, revoked or other municipality's api_key", async () => {
    await expectError(403, "POST", "requests", { form: pothole({ api_key: undefined }) }, /api_key/);
    await expectError(403, "POST", "requests", { form: pothole({ api_key: "xyz" }) }, /api_key/);
    await expectError(403, "POST", "requests", { form: pothole({ api_key: `ek_live_${"a".repeat(43)}` }) });
    await expectError(403, "POST", "requests", { form: pothole({ api_key: revokedKey }) });
    await expectError(403, "POST", "requests", { form: pothole({ api_key: prizrenOnlyKey }) }, /prizren/);
  });

  it("answers 400 without jurisdiction_id or service_code, 404 for unknown ones", async () => {
    await expectError(
      400,
      "POST",
      "requests",
      { form: pothole({ jurisdiction_id: undefined }) },
      /jurisdiction_id/,
    );
    await expectError(404, "POST", "requests", { form: pothole({ jurisdiction_id: "city.gov" }) });
    await expectError(
      400,
      "POST",
      "requests",
      { form: pothole({ service_code: undefined }) },
      /service_code/,
    );
    await expectError(404, "POST", "requests", { form: pothole({ service_code: "001" }) }, /001/);
    // A category that needs a signed-in account cannot come from a key.
    await expectError(400, "POST", "requests", {
      form: pothole({ service_code: "infrastructure-proposal", "attribute[depth]": undefined }),
    });
  });

  it("answers 400 for a missing required attribute or a value not in the list, naming the attribute", async () => {
    await expectError(
      400,
      "POST",
      "requests",
      { form: pothole({ "attribute[depth]": undefined }) },
      /attribute\[depth\]/,
    );
    const errors = await expectError(400, "POST", "requests", {
      form: pothole({ "attribute[depth]": "bottomless", "attribute[width]": "wide" }),
    });
    expect(errors.map((e) => e.description).join("\n")).toMatch(
      /attribute\[depth\][\s\S]*attribute\[width\]|attribute\[width\][\s\S]*attribute\[depth\]/,
    );
  });

  it("needs a full location: lat and long together, as decimal degrees, inside the country", async () => {
    await expectError(400, "POST", "requests", {
      form: pothole({ lat: undefined, long: undefined, address_string: undefined }),
    });
    await expectError(
      400,
      "POST",
      "requests",
      { form: pothole({ lat: undefined, long: undefined, address_string: undefined, address_id: "545483" }) },
      /address_id/,
    );
    await expectError(400, "POST", "requests", { form: pothole({ long: undefined }) }, /lat/);
    await expectError(400, "POST", "requests", { form: pothole({ lat: "north" }) }, /lat/);
    await expectError(400, "POST", "requests", { form: pothole({ lat: "91", long: "21" }) });
    await expectError(400, "POST", "requests", { form: pothole({ lat: "48.8566", long: "2.3522" }) });
  });

  it("refuses what is not the spec's form: a JSON body, a description over 4,000 characters, bad contacts", async () => {
    await expectError(400, "POST", "requests", {
      raw: { payload: JSON.stringify(pothole()), type: "application/json" },
    });
    await expectError(400, "POST", "requests", { form: pothole({ description: "x".repeat(4001) }) }, /4000/);
    await expectError(400, "POST", "requests", { form: pothole({ email: "not-an-address" }) }, /email/);
    await expectError(400, "POST", "requests", { form: pothole({ phone: "call me" }) }, /phone/);
    await expectError(
      400,
      "POST",
      "requests",
      { form: pothole({ service_code: ["potholes", "waste"] }) },
      /service_code/,
    );
  });

  it("limits reads that reach the database per address (300 a minute), or per key when one is sent", async () => {
    const from = "203.0.113.77";
    const query = { jurisdiction_id: "prishtine", page_size: "1" };
    for (let i = 0; i < 300; i++)
      expect((await o311("GET", "requests.json", { query, from })).statusCode).toBe(200);
    const limited = await o311("GET", "requests.json", { query, from });
    expect(limited.statusCode).toBe(429);
    expect(limited.data).toEqual([{ code: 429, description: expect.any(String) }]);
    const withKey = await o311("GET", "requests.json", { query, from, headers: { "x-api-key": key } });
    expect(withKey.statusCode).toBe(200);
  });

  it("limits writes per key as the REST API does, answering 429 in the spec's error shape", async () => {
    const limited = await newKey({ rateLimit: 2 });
    const form = pothole({ api_key: limited.key });
    expect((await o311("POST", "requests.json", { form })).statusCode).toBe(201);
    expect((await o311("POST", "requests.json", { form })).statusCode).toBe(201);
    const third = await o311("POST", "requests.json", { form });
    expect(third.statusCode).toBe(429);
    expect(third.data[0].code).toBe(429);
    expect(third.headers["retry-after"]).toBeDefined();
  });
});

// ── GET Service Requests, GET Service Request, tokens

describe("GET service requests", () => {
  // Ferizaj has no demo cases: what it lists is what these tests make.
  const now = new Date(NOW);
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

  beforeAll(async () => {
    // 1,005 recent reports (more than the default limit), a few older ones, a private one, and one closed.
    await insertCases(1005, { slug: "ferizaj", prefix: "FER-2019-", category: "waste", newest: daysAgo(1) });
    await insertCases(3, {
      slug: "ferizaj",
      prefix: "FER-2018-",
      category: "potholes",
      newest: daysAgo(100),
    });
    await insertCases(1, {
      slug: "ferizaj",
      prefix: "FER-2017-",
      category: "potholes",
      newest: daysAgo(2),
      visibility: "private",
    });
    await insertCases(2, {
      slug: "ferizaj",
      prefix: "FER-2016-",
      category: "potholes",
      newest: daysAgo(3),
      status: "resolved",
    });
  });

  it("defaults to the most recent 90 days and the first 1,000 requests, newest first", async () => {
    const { json, xml } = await both("GET", "requests", { query: { jurisdiction_id: "ferizaj" } });
    expect(json.statusCode).toBe(200);
    expect(xml.xml!.name).toBe("service_requests");
    const list: Json[] = json.data;
    expect(list).toHaveLength(1000);
    // Public data: a script on any site may read it.
    expect(json.headers["access-control-allow-origin"]).toBe("*");
    expect(list[0].service_request_id).toBe("FER-2019-000001");
    const times = list.map((r) => Date.parse(r.requested_datetime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(list.some((r) => r.service_request_id.startsWith("FER-2018-"))).toBe(false);
    expect(list.some((r) => r.service_request_id.startsWith("FER-2017-"))).toBe(false);
    expectSame(list, xml.xml);
  });

  it("pages with the page/page_size extension, and refuses pages that cannot be", async () => {
    const page2 = await o311("GET", "requests.json", { query: { jurisdiction_id: "ferizaj", page: "2" } });
    // 1,005 + 2 closed ones in the window: 7 on the second page of 1,000.
    expect(page2.data).toHaveLength(7);
    const small = await o311("GET", "requests.json", {
      query: { jurisdiction_id: "ferizaj", page: "3", page_size: "10" },
    });
    expect(small.data.map((r: Json) => r.service_request_id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `FER-2019-${String(21 + i).padStart(6, "0")}`),
    );
    const badPages: Record<string, string>[] = [
      { page: "0" },
      { page: "x" },
      { page_size: "1001" },
      { page_size: "0" },
      { page_size: "99999999999" },
    ];
    for (const bad of badPages)
      await expectError(400, "GET", "requests", { query: { jurisdiction_id: "ferizaj", ...bad } });
  });

  it("filters by dates (a span of at most 90 days), status and service_code; lists are comma-delimited", async () => {
    const old = await o311("GET", "requests.json", {
      query: {
        jurisdiction_id: "ferizaj",
        start_date: "2026-08-01T00:00:00Z",
        end_date: "2026-08-20T00:00:00+02:00",
      },
    });
    expect(old.data.map((r: Json) => r.service_request_id)).toEqual([
      "FER-2018-000001",
      "FER-2018-000002",
      "FER-2018-000003",
    ]);
    // Only a start: the 90 days from it. Only an end: the 90 days up to it.
    const fromStart = await o311("GET", "requests.json", {
      query: { jurisdiction_id: "ferizaj", start_date: "2026-08-01T00:00:00Z" },
    });
    expect(fromStart.data.some((r: Json) => r.service_request_id.startsWith("FER-2018-"))).toBe(true);
    const closed = await o311("GET", "requests.json", {
      query: { jurisdiction_id: "ferizaj", status: "closed" },
    });
    expect(closed.data.map((r: Json) => [r.service_request_id, r.status])).toEqual([
      ["FER-2016-000001", "closed"],
      ["FER-2016-000002", "closed"],
    ]);
    const open = await o311("GET", "requests.json", {
      query: { jurisdiction_id: "ferizaj", status: "open", page_size: "5" },
    });
    expect(open.data.every((r: Json) => r.status === "open")).toBe(true);
    const both_ = await o311("GET", "requests.json", {
      query: { jurisdiction_id: "ferizaj", status: "open,closed", service_code: "potholes,no-such-code" },
    });
    expect(both_.data.map((r: Json) => r.service_request_id)).toEqual(["FER-2016-000001", "FER-2016-000002"]);
    const repeated = await o311("GET", "requests.json", {
      query: { jurisdiction_id: "ferizaj", service_code: ["potholes", "waste"], page_size: "1" },
    });
    expect(repeated.data).toHaveLength(1);
  });

  it("lets service_request_id override every other argument, and never lists a private case", async () => {
    const res = await o311("GET", "requests.json", {
      query: {
        jurisdiction_id: "ferizaj",
        service_request_id: "FER-2018-000002, FER-2019-000005,FER-2017-000001,not-an-id",
        status: "closed",
        start_date: "2026-11-01T00:00:00Z",
      },
    });
    expect(res.data.map((r: Json) => r.service_request_id)).toEqual(["FER-2019-000005", "FER-2018-000002"]);
  });

  it("refuses malformed dates, a reversed or too long span and unknown statuses with 400", async () => {
    const bad: Record<string, string | string[]>[] = [
      { start_date: "yesterday" },
      { start_date: "2026-11-01" },
      { start_date: "2026-11-01T00:00:00" },
      { end_date: "2026-02-30T00:00:00Z" },
      { end_date: "2026-11-01T25:00:00Z" },
      { start_date: "2026-11-01T00:00:00Z", end_date: "2026-10-01T00:00:00Z" },
      { start_date: "2026-01-01T00:00:00Z", end_date: "2026-06-01T00:00:00Z" },
      { status: "pending" },
      { start_date: ["2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"] },
    ];
    for (const query of bad)
      await expectError(400, "GET", "requests", { query: { jurisdiction_id: "ferizaj", ...query } });
    // A date (given, or 90 days from one) that no database holds is the caller's mistake, said as such.
    for (const query of [
      { start_date: "9999-12-31T23:59:59Z" } as Record<string, string>,
      { end_date: "0000-02-01T00:00:00Z" },
      { end_date: "0000-01-01T00:00:00+14:00" },
    ])
      await expectError(
        400,
        "GET",
        "requests",
        { query: { jurisdiction_id: "ferizaj", ...query } },
        /^(start|end)_date /,
      );
    // An unencoded "+" of an offset arrives as a space, and is read as the "+" it was.
    const plus = await p.app.inject({
      method: "GET",
      url: "/open311/v2/requests.json?jurisdiction_id=ferizaj&start_date=2026-08-01T00:00:00+02:00&page_size=1",
    });
    expect(plus.statusCode).toBe(200);
  });

  it("answers 400 without a jurisdiction_id and 404 for an unknown one", async () => {
    await expectError(400, "GET", "requests", {});
    await expectError(404, "GET", "requests", { query: { jurisdiction_id: "nowhere" } });
  });
});

describe("a request as GET shows it", () => {
  let code: string;
  beforeAll(async () => {
    const res = await o311("POST", "requests.json", {
      form: pothole({ description: "Gropë <e thellë> & e rrezikshme \u0001 para shkollës" }),
    });
    code = res.data[0].service_request_id;
    const [row] = await db().select().from(cases).where(eq(cases.trackingCode, code));
    const [dept] = await db().select().from(departments).where(eq(departments.code, "public-services"));
    await db().update(cases).set({ departmentId: dept!.id }).where(eq(cases.id, row!.id));
    const later = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000);
    await db()
      .insert(caseEvents)
      .values([
        {
          caseId: row!.id,
          municipalityId: row!.municipalityId,
          type: "answer_published",
          isPublic: true,
          message: "Ekipi do të dalë nesër.",
          at: later(30),
        },
        {
          caseId: row!.id,
          municipalityId: row!.municipalityId,
          type: "internal_note",
          isPublic: false,
          message: "Vetëm për stafin.",
          at: later(60),
        },
      ]);
  });

  it("has every field of the spec, dates in W3C format with the local offset, and the SLA as expected_datetime", async () => {
    const { json, xml } = await both("GET", `requests/${code}`, {
      query: { jurisdiction_id: "prishtine" },
      headers: { "accept-language": "en" },
    });
    expect(json.statusCode).toBe(200);
    expect(json.data).toHaveLength(1);
    const r = json.data[0];
    expect(Object.keys(r)).toEqual([
      "service_request_id",
      "status",
      "status_notes",
      "service_name",
      "service_code",
      "description",
      "agency_responsible",
      "service_notice",
      "requested_datetime",
      "updated_datetime",
      "expected_datetime",
      "address",
      "address_id",
      "zipcode",
      "lat",
      "long",
      "media_url",
    ]);
    const [row] = await db().select().from(cases).where(eq(cases.trackingCode, code));
    expect(r).toMatchObject({
      service_request_id: code,
      status: "open",
      status_notes: "Ekipi do të dalë nesër.",
      service_name: "Potholes and road damage",
      service_code: "potholes",
      description: "Gropë <e thellë> & e rrezikshme \u0001 para shkollës",
      agency_responsible: "Public Services",
      requested_datetime: "2026-11-26T11:00:00+01:00",
      updated_datetime: "2026-11-26T11:30:00+01:00",
      address: "Rruga B 12, Prishtinë",
      lat: 42.6629,
      long: 21.1655,
      media_url: null,
    });
    for (const field of ["requested_datetime", "updated_datetime", "expected_datetime"])
      expect(r[field]).toMatch(W3C_OUT);
    expect(Date.parse(r.expected_datetime)).toBe(row!.resolutionDueAt!.getTime());
    expect(json.body).not.toContain("Vetëm për stafin");
    // XML drops what XML cannot carry (U+0001) and escapes the rest; otherwise it says the same.
    const x = spark(xml.xml!) as Record<string, string>[];
    expect(x[0]!.description).toBe("Gropë <e thellë> & e rrezikshme  para shkollës");
    expectSame([{ ...r, description: x[0]!.description }], xml.xml);
  });

  it("is closed once answered, with the time it was closed as updated_datetime", async () => {
    const [row] = await db().select().from(cases).where(eq(cases.trackingCode, code));
    await db().update(cases).set({ status: "resolved" }).where(eq(cases.id, row!.id));
    await db()
      .insert(caseEvents)
      .values({
        caseId: row!.id,
        municipalityId: row!.municipalityId,
        type: "status_changed",
        fromStatus: "submitted",
        toStatus: "resolved",
        isPublic: true,
        message: "U rregullua.",
        at: new Date("2026-11-27T08:00:00Z"),
      });
    await db()
      .insert(caseEvents)
      .values({
        caseId: row!.id,
        municipalityId: row!.municipalityId,
        type: "rated",
        isPublic: true,
        at: new Date("2026-11-28T08:00:00Z"),
      });
    const res = await o311("GET", `requests/${code}.json`, { query: { jurisdiction_id: "prishtine" } });
    expect(res.data[0]).toMatchObject({
      status: "closed",
      status_notes: "U rregullua.",
      updated_datetime: "2026-11-27T09:00:00+01:00",
    });
  });

  it("shows a sensitive category's location only roughly and without an address", async () => {
    const res = await o311("POST", "requests.json", {
      form: pothole({
        service_code: "noise",
        lat: "42.66291",
        long: "21.16553",
        "attribute[depth]": undefined,
      }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const one = await o311("GET", `requests/${res.data[0].service_request_id}.json`, {
      query: { jurisdiction_id: "prishtine" },
    });
    const r = one.data[0];
    expect(r.address).toBeNull();
    expect(r.lat).not.toBe(42.66291);
    expect(Math.abs(r.lat - 42.66291)).toBeLessThan(0.01);
    expect(one.body).not.toContain("Rruga B 12");
  });

  it("answers 404 for an unknown, private or other jurisdiction's request, and 400/404 for the jurisdiction", async () => {
    await expectError(404, "GET", "requests/PRI-2026-999999", { query: { jurisdiction_id: "prishtine" } });
    await expectError(404, "GET", "requests/not-a-code", { query: { jurisdiction_id: "prishtine" } });
    await expectError(404, "GET", `requests/${code}`, { query: { jurisdiction_id: "prizren" } });
    await expectError(404, "GET", "requests/FER-2017-000001", { query: { jurisdiction_id: "ferizaj" } });
    await expectError(400, "GET", `requests/${code}`, {});
    await expectError(404, "GET", `requests/${code}`, { query: { jurisdiction_id: "nowhere" } });
  });
});

describe("tokens", () => {
  it("answer 404 for a token that is not ours or not of the jurisdiction, 400 without a jurisdiction", async () => {
    const res = await o311("POST", "requests.json", { form: pothole() });
    const token: string = res.data[0].token;
    await expectError(404, "GET", `tokens/${token.slice(0, -2)}xx`, {
      query: { jurisdiction_id: "prishtine" },
    });
    await expectError(404, "GET", "tokens/123456", { query: { jurisdiction_id: "prishtine" } });
    await expectError(404, "GET", `tokens/${token}`, { query: { jurisdiction_id: "prizren" } });
    await expectError(400, "GET", `tokens/${token}`, {});
  });
});

describe("the URL itself", () => {
  it("answers the spec's errors for an unknown format, resource or method", async () => {
    const html = await p.app.inject({
      method: "GET",
      url: "/open311/v2/services.html?jurisdiction_id=prishtine",
    });
    expect(html.statusCode).toBe(400);
    expect(html.headers["content-type"]).toBe("text/xml; charset=utf-8");
    expect(readXml(html.body).name).toBe("errors");
    const bare = await p.app.inject({ method: "GET", url: "/open311/v2/services?jurisdiction_id=prishtine" });
    expect(bare.statusCode).toBe(400);
    await expectError(404, "GET", "nothing-here", { query: { jurisdiction_id: "prishtine" } });
    await expectError(404, "GET", "services/potholes/extra", { query: { jurisdiction_id: "prishtine" } });
    await expectError(404, "POST", "services", { form: pothole() });
    await expectError(404, "POST", "services/potholes", { form: pothole() });
    const put = await p.app.inject({ method: "PUT", url: "/open311/v2/requests.json", payload: "" });
    expect(put.statusCode).toBe(404);
    expect(put.json()[0].code).toBe(404);
    const deep = await p.app.inject({ method: "GET", url: "/open311/v3/services.json" });
    expect(deep.statusCode).toBe(404);
    expect(deep.json()).toEqual([{ code: 404, description: expect.any(String) }]);
  });

  it("never answers 500, whatever the query string says", async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom("2026-11-01T00:00:00Z", "-1", "1e309", "open,closed", "%", "\u0000", "9".repeat(30)),
    );
    const names = fc.constantFrom(
      "jurisdiction_id",
      "service_request_id",
      "service_code",
      "start_date",
      "end_date",
      "status",
      "page",
      "page_size",
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(names, value), { maxLength: 6 }),
        fc.constantFrom(
          "requests.json",
          "requests.xml",
          "services.json",
          "services/potholes.xml",
          "tokens/x.json",
        ),
        async (pairs, path) => {
          const qs = new URLSearchParams([["jurisdiction_id", "ferizaj"], ...pairs]);
          const res = await p.app.inject({ method: "GET", url: `/open311/v2/${path}?${qs}` });
          expect([200, 400, 404]).toContain(res.statusCode);
          if (res.headers["content-type"]?.toString().startsWith("text/xml")) readXml(res.body);
          else JSON.parse(res.body);
        },
      ),
      { numRuns: 60 },
    );
  });
});
