// Hostile text in every field a person or a program can type into: the Big List of Naughty Strings
// (blns) and our own XSS, SQL-injection, path-traversal and oversized inputs. Whatever arrives, the
// platform answers without a 5xx, renders nothing a browser would take for markup, and either stores
// the string as typed (line breaks as "\n", no spaces at the ends: the documented normalisation) or
// refuses it with a message: a 4xx with a machine-readable code on the APIs, the form again with its
// error summary on the web.
//
// The fields are derived, not listed: the REST API's from its OpenAPI description, Open311's extra
// attributes from its service definition, the web forms' from the pages the app declares (each opened
// as the account its sample names, every form on it parsed, every text field filled in turn).
//
// Batched to stay within CI's time: all of blns (485 strings) goes through the main case-submission
// fields of the API (title, description, address, contact name — one case per string, read back from
// the database, one in four through the API too). Every other field gets WORST, a sample of 40 of the
// worst: one request per string on the APIs; on the web forms four strings joined in one value, ten
// requests a form with the groups in rotation over its fields (so each field meets each string), plus
// one oversized value, and the page an accepted post leads to looked at once. The journey's fields are
// read back from the database and the case page. A NUL is kept as U+FFFD by the web forms and Open311
// (src/web/formValues.ts) and refused by the REST API.
import { createRequire } from "node:module";
import { escapeHtml } from "@kitajs/html";
import { and, desc, eq, isNull, like } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/api/apiKeys.ts";
import { LIMITS } from "../../src/api/schemas.ts";
import { redactPersonalData } from "../../src/cases/personalData.ts";
import { caseEvents, cases, categories, categoryQuestions, users } from "../../src/db/schema.ts";
import { DEMO_EMAIL_DOMAIN, DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { createSession } from "../../src/identity/sessions.ts";
import { xmlText } from "../../src/open311/wire.ts";
import { forgetReferenceData } from "../../src/reference/referenceCache.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

const BLNS: string[] = createRequire(import.meta.url)("blns");

/** A marker element: if it ever comes back as a tag, something was rendered unescaped. */
const MARK = "ek-x";

/** The sample every field meets: markup that breaks out of each context, SQL, paths, odd text. */
const WORST: string[] = [
  "<script>alert(1)</script>",
  `"><${MARK} data-x=1>`,
  `'><${MARK}>`,
  `</textarea><${MARK}>`,
  `</title><${MARK}>`,
  `--><${MARK}>`,
  `<img src=x onerror=alert(1)>`,
  `<svg onload=alert(1)>`,
  `<a href="javascript:alert(1)">x</a>`,
  "javascript:alert(1)",
  `" autofocus onfocus="alert(1)`,
  `&lt;${MARK}&gt; &amp;amp; &#60;${MARK}&#62;`,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is the payload
  "{{constructor.constructor('alert(1)')()}} ${7*7} <%= 7*7 %>",
  "' OR '1'='1",
  "'; DROP TABLE cases; --",
  "1); SELECT pg_sleep(10); --",
  `" OR ""="`,
  "%' OR 1=1 --",
  "\\'; --",
  "$1 $$ $$; select 1; $$",
  "../../../../etc/passwd",
  "..\\..\\..\\windows\\win.ini",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "/etc/passwd\u0000.jpg",
  "file:///etc/passwd",
  "",
  " ",
  "\u0000",
  "null",
  "undefined",
  "__proto__",
  "-1",
  "1e308",
  "x\r\nSet-Cookie: sid=stolen",
  "%s%s%s%n%d",
  "\u202etxt.exe\u202c ‮test‬ \ufeff\u200b",
  "👩🏽‍🚒 🇽🇰 𠜎𠜱",
  "Ṱ̺̺̕o͞ ̷i̲̬͇̪͙n̝̗͕v̟̜̘̦͟o̶̙̰̠kè͚̮̺̪̹̱̤",
  "ثم نفس سقطت وبالتحديد",
  "But now...\u001b[20Cfor my greatest trick...\u001b[8m",
];

/** WORST in ten requests' worth: request k gives field f the group (k + f) mod 10. */
const GROUPS = Array.from({ length: 10 }, (_, g) => WORST.slice(g * 4, g * 4 + 4));
/** Too long for any field, yet inside the 1 MiB body limit for a form of a dozen fields. */
const OVERSIZED = `<${MARK}>`.repeat(5000);

/** How every text field stores what it is given: one kind of line break, no spaces at the ends. */
const normalise = (s: string) => s.replace(/\r\n?/g, "\n").trim();
/** What the web forms keep: the NUL (which PostgreSQL cannot store) as U+FFFD (src/web/formValues.ts). */
const asFormKeeps = (s: string) => normalise(s.replaceAll("\u0000", "\uFFFD"));
const chars = (s: string) => [...s].length;

// ── Reading HTML as a browser would, to find what it would take for markup that nobody wrote.

/** Elements whose content is text up to their end tag, for a browser too. */
const RAW_TEXT = new Set(["script", "style", "textarea", "title"]);
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"]);
/** The elements the pages are made of (HTML and the SVG of the charts); any other is someone's input. */
const KNOWN = new Set(
  (
    "html head body meta link title script style main header footer nav section article aside h1 h2 h3 h4 " +
    "h5 h6 p a span div ul ol li dl dt dd table thead tbody tfoot tr th td caption colgroup col form input " +
    "textarea select option optgroup button label fieldset legend details summary img picture source " +
    "figure figcaption time strong em b i small br hr abbr code pre blockquote mark output progress meter " +
    "noscript template data address cite q s sub sup u wbr svg g path rect circle ellipse line polyline " +
    "polygon text tspan defs clippath lineargradient stop title desc use symbol mask pattern"
  ).split(" "),
);

/**
 * What in an HTML answer would run or was injected: an unknown element (our marker, blns's <foo>), an
 * inline script, an event handler or style attribute (the CSP allows neither and the pages use neither),
 * a javascript: URL, a frame. Attribute values and raw-text elements are skipped as a browser skips them,
 * so a payload kept as the value of a field (value="<script>…") is text, as it should be.
 */
function injectedMarkup(html: string): string[] {
  const found: string[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    if (lt < 0) break;
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    const open = /^<(\/?)([a-zA-Z][^\s/>]*)/.exec(html.slice(lt, lt + 100));
    if (!open) {
      i = lt + 1;
      continue;
    }
    const name = open[2]!.toLowerCase();
    let j = lt + open[0].length;
    const attributes: [string, string][] = [];
    for (;;) {
      while (j < html.length && /[\s/]/.test(html[j]!)) j++;
      if (j >= html.length || html[j] === ">") break;
      const attr = /^[^\s/>=]+/.exec(html.slice(j, j + 200))?.[0] ?? html[j]!;
      j += attr.length;
      let value = "";
      const eqAt = /^\s*=\s*/.exec(html.slice(j, j + 20));
      if (eqAt) {
        j += eqAt[0].length;
        const quote = html[j];
        if (quote === '"' || quote === "'") {
          const end = html.indexOf(quote, j + 1);
          value = html.slice(j + 1, end < 0 ? html.length : end);
          j = end < 0 ? html.length : end + 1;
        } else {
          value = /^[^\s>]*/.exec(html.slice(j))![0];
          j += value.length;
        }
      }
      attributes.push([attr.toLowerCase(), value]);
    }
    i = j + 1;
    if (open[1]) continue;
    const tag = html.slice(lt, Math.min(j + 1, lt + 120));
    if (!KNOWN.has(name)) found.push(`unknown element: ${tag}`);
    if (name === "script" && !attributes.some(([a]) => a === "src")) found.push(`inline script: ${tag}`);
    for (const [attr, value] of attributes) {
      if (attr.startsWith("on") || attr === "style") found.push(`${attr} attribute: ${tag}`);
      // Browsers ignore spaces and control characters in a URL's scheme.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters is the point
      if (URL_ATTRIBUTES.has(attr) && /javascript:/i.test(value.replace(/[\s\u0000-\u001f]/g, "")))
        found.push(`javascript: URL: ${tag}`);
    }
    if (RAW_TEXT.has(name)) {
      const close = html.toLowerCase().indexOf(`</${name}`, i);
      i = close < 0 ? html.length : close;
    }
  }
  return found;
}

describe("the markup checker", () => {
  it("finds injected markup and leaves text, attribute values and raw-text elements alone", () => {
    expect(
      injectedMarkup(`<p>x</p><input value="<script>alert(1)</script>"><textarea><${MARK}></textarea>`),
    ).toEqual([]);
    expect(injectedMarkup('<script src="/a.js"></script><a href="/cases?q=javascript%3A">x</a>')).toEqual([]);
    for (const bad of [
      `<p><${MARK}></p>`,
      "<script>alert(1)</script>",
      "<textarea></textarea><img src=x onerror=alert(1)></textarea>",
      `<input value="" autofocus onfocus="alert(1)">`,
      '<a href=" java\tscript:alert(1)">x</a>',
      '<div style="x:expression(alert(1))">',
      "<foo val=“bar” />",
    ])
      expect(injectedMarkup(bad), bad).not.toEqual([]);
  });
});

/** A parsed JSON answer: its shape is what the assertions check. */
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are explored by the assertions themselves
type Json = any;

let p: TestPlatform;
let key: string;
const db = () => p.deps.database.db;
let addresses = 0;

beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
  const made = await createApiClient(db(), {
    name: "Hostile client",
    rateLimit: 1_000_000,
    now: p.clock.now(),
    via: "test",
  });
  if (!made.ok) throw new Error(made.reason);
  key = made.key;
  // A free-text question on potholes, so that answers are text fields of every channel too.
  const [potholes] = await db()
    .select({ id: categories.id })
    .from(categories)
    .where(and(eq(categories.code, "potholes"), isNull(categories.municipalityId)));
  const [had] = await db()
    .select()
    .from(categoryQuestions)
    .where(eq(categoryQuestions.categoryId, potholes!.id));
  const landmark = {
    code: "landmark",
    datatype: "text" as const,
    required: false,
    order: 9,
    description: { sq: "Çka ka afër?", sr: "Šta je u blizini?", en: "What is nearby?" },
  };
  await db()
    .insert(categoryQuestions)
    .values({ categoryId: potholes!.id, questions: [...(had?.questions ?? []), landmark] })
    .onConflictDoUpdate({
      target: categoryQuestions.categoryId,
      set: { questions: [...(had?.questions ?? []), landmark] },
    });
  forgetReferenceData(db());
});
afterAll(() => p?.close());

async function api(
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await p.app.inject({
    method,
    url: `/api/v1${path}`,
    headers: {
      authorization: `Bearer ${key}`,
      "accept-language": "en",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  expect(res.statusCode, `${method} ${path}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  return Object.assign(res, { data: res.json() as Json });
}

/** A category of Prishtinë with a free-text question, and that question's code. */
async function textQuestion(): Promise<{ category: string; question: string }> {
  const { data } = await api("GET", "/categories?municipality=prishtine");
  for (const c of data.categories as Json[])
    for (const q of c.questions as Json[])
      if (
        c.type === "issue_report" &&
        !c.accountRequired &&
        (q.datatype === "string" || q.datatype === "text")
      )
        return { category: c.code, question: q.code };
  throw new Error("no category of Prishtinë asks a free-text question");
}

const pothole = (over: Record<string, unknown> = {}) => ({
  municipality: "prishtine",
  type: "issue_report",
  category: "potholes",
  title: "Gropë para shkollës",
  description: "Në korsinë e djathtë.",
  location: { latitude: 42.6629, longitude: 21.1655 },
  language: "sq",
  ...over,
});

/** The JSON body's string fields, as dotted paths ("contact.name"; a record's values as "answers.*"). */
function textFieldsOf(schema: Json, prefix = ""): string[] {
  if (!schema || typeof schema !== "object") return [];
  const branches = [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  const out = new Set<string>();
  for (const b of branches) {
    if (b.type === "string" && !b.enum && b.const === undefined && prefix) out.add(prefix);
    for (const [name, sub] of Object.entries(b.properties ?? {}))
      for (const f of textFieldsOf(sub, prefix ? `${prefix}.${name}` : name)) out.add(f);
    if (b.additionalProperties && typeof b.additionalProperties === "object")
      for (const f of textFieldsOf(b.additionalProperties, `${prefix}.*`)) out.add(f);
  }
  return [...out];
}

/** A copy of `body` with the field at a dotted path set to `value`. */
function withField(body: Record<string, unknown>, path: string, value: string) {
  const copy = structuredClone(body) as Record<string, Json>;
  const parts = path.split(".");
  let at = copy;
  for (const part of parts.slice(0, -1)) at = at[part] ??= {};
  at[parts.at(-1)!] = value;
  return copy;
}

describe("the REST API", () => {
  it("takes every blns string in a case's title, description, address and name: stored as typed, or refused field by field", async () => {
    // Which fields must refuse a string: NUL (PostgreSQL cannot store it), empty where required, too long.
    const limits = {
      title: [LIMITS.title, true],
      description: [LIMITS.description, true],
      address: [LIMITS.address, false],
      "contact.name": [LIMITS.name, false],
    } as const;
    const mustRefuse = (s: string) =>
      Object.entries(limits)
        .filter(
          ([, [max, required]]) =>
            s.includes("\u0000") || (required && normalise(s) === "") || chars(normalise(s)) > max,
        )
        .map(([field]) => field)
        .sort();
    const created = new Map<string, string>();
    for (const [i, s] of BLNS.entries()) {
      const res = await api(
        "POST",
        "/cases",
        pothole({ title: s, description: s, address: s, contact: { name: s } }),
        { "idempotency-key": `blns-${i}` },
      );
      const label = `blns[${i}] ${JSON.stringify(s).slice(0, 60)}`;
      if (res.statusCode === 422) {
        expect(res.data.error.code, label).toBe("validation_failed");
        expect(Object.keys(res.data.error.fields).sort(), label).toEqual(mustRefuse(s));
        for (const message of Object.values(res.data.error.fields)) expect(message, label).toMatch(/\w/);
        continue;
      }
      expect(res.statusCode, label).toBe(201);
      expect(mustRefuse(s), label).toEqual([]);
      const code = res.data.trackingCode as string;
      created.set(code, s);
      // The API shows it through the public view, which hides what looks like an email or a phone number.
      // One in four read back through the API as well: every answer is the same function's (publicCaseView).
      if (created.size % 4 !== 1) continue;
      const read = await api("GET", `/cases/${code}`);
      const shown = redactPersonalData(normalise(s));
      expect([read.data.title, read.data.description, read.data.address ?? ""], label).toEqual([
        shown,
        shown,
        shown,
      ]);
    }
    const rows = await db().select().from(cases).where(like(cases.idempotencyKey, "%:blns-%"));
    expect(rows).toHaveLength(created.size);
    for (const row of rows) {
      const typed = normalise(created.get(row.trackingCode)!);
      expect(
        [row.title, row.description, row.address ?? "", row.contactName ?? ""],
        row.trackingCode,
      ).toEqual([typed, typed, typed, typed]);
    }
    const stored = created.size;
    expect(stored).toBeGreaterThan(400);
  }, 120_000);

  it("takes WORST in every other text field its OpenAPI description names, and in its query parameters", async () => {
    const doc = (await api("GET", "/openapi.json")).data;
    const { category, question } = await textQuestion();
    const base = pothole({ category });
    const made = await api("POST", "/cases", base, { "idempotency-key": "worst-base" });
    expect(made.statusCode).toBe(201);
    const tracking = { "x-tracking-token": made.data.trackingToken as string };
    const main = new Set(["title", "description", "address", "contact.name"]);
    const tried: string[] = [];
    let n = 0;
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(operations)) {
        const url = path.replace(/^\/api\/v1/, "").replace("{code}", made.data.trackingCode);
        // Query parameters (the list's search): answered, or refused naming the parameter.
        for (const param of (op.parameters ?? []) as Json[]) {
          if (param.in !== "query" || param.schema?.type !== "string" || param.schema.enum) continue;
          tried.push(`${method.toUpperCase()} ${path}?${param.name}`);
          for (const w of WORST) {
            const res = await api("GET", `${url}?${new URLSearchParams({ [param.name]: w })}`);
            if (res.statusCode !== 200)
              expect(res.data.error.fields?.[param.name], `${param.name}=${w}`).toMatch(/\w/);
          }
        }
        const schema = op.requestBody?.content?.["application/json"]?.schema;
        if (method !== "post" || !schema) continue;
        const creating = url === "/cases";
        const valid: Record<string, unknown> = creating ? base : { text: "Më shumë të dhëna." };
        for (const field of textFieldsOf(schema).map((f) => f.replace("*", question))) {
          if (creating && main.has(field)) continue;
          tried.push(`POST ${path} ${field}`);
          for (const w of WORST) {
            const label = `${url} ${field}=${JSON.stringify(w)}`;
            const res = await api("POST", url, withField(valid, field, w), {
              "idempotency-key": `worst-${++n}`,
              ...(creating ? {} : tracking),
            });
            if (res.statusCode >= 400) {
              expect(typeof res.data.error.code, label).toBe("string");
              expect(res.data.error.fields?.[field], label).toMatch(/\w/);
              continue;
            }
            // Stored as typed (identifiers exactly, text normalised): read back where it went.
            let kept: unknown;
            if (creating) {
              const [row] = await db()
                .select()
                .from(cases)
                .where(eq(cases.trackingCode, res.data.trackingCode));
              kept =
                field === `answers.${question}`
                  ? (row!.attributes as Record<string, unknown>)[question]
                  : field === "contact.email"
                    ? row!.contactEmail
                    : field === "contact.phone"
                      ? row!.contactPhone
                      : undefined;
            } else {
              const [event] = await db()
                .select()
                .from(caseEvents)
                .where(and(eq(caseEvents.type, "information_added")))
                .orderBy(desc(caseEvents.id))
                .limit(1);
              kept = (event!.data as { text: string }).text;
            }
            // An empty optional answer is no answer.
            expect([w, normalise(w)], label).toContain(kept ?? "");
          }
        }
      }
    }
    // The description names them all: the derivation is not silently empty.
    for (const expected of [
      "POST /api/v1/cases municipality",
      `POST /api/v1/cases answers.${question}`,
      "POST /api/v1/cases contact.email",
      "POST /api/v1/cases/{code}/information text",
      "GET /api/v1/cases?q",
    ])
      expect(tried).toContain(expected);
  }, 120_000);
});

describe("Open311", () => {
  it("takes WORST in every field of a POST: stored as typed and escaped in JSON and XML, or refused with a description", async () => {
    const { category, question } = await textQuestion();
    // The GeoReport v2 POST's text fields (docs/OPEN311.md), and the service definition's attributes.
    const definition = await p.app.inject({
      url: `/open311/v2/services/${category}.json?jurisdiction_id=prishtine`,
    });
    const attributes = (definition.json().attributes as Json[])
      .filter((a) => a.datatype === "string" || a.datatype === "text")
      .map((a) => `attribute[${a.code}]`);
    expect(attributes).toContain(`attribute[${question}]`);
    // Two rotations: the free text (stored), then the checked and the ignored fields.
    const rotations = [
      ["description", "address_string", "first_name", "last_name", ...attributes],
      ["email", "phone", "device_id", "account_id", "media_url"],
    ];
    for (const fields of rotations)
      for (let k = 0; k < WORST.length; k++) {
        const values = Object.fromEntries(fields.map((f, i) => [f, WORST[(k + i) % WORST.length]!]));
        const res = await p.app.inject({
          method: "POST",
          url: "/open311/v2/requests.json",
          headers: { "content-type": "application/x-www-form-urlencoded", "accept-language": "en" },
          payload: new URLSearchParams({
            api_key: key,
            jurisdiction_id: "prishtine",
            service_code: category,
            lat: "42.6629",
            long: "21.1655",
            description: "Gropë",
            ...values,
          }).toString(),
        });
        const label = JSON.stringify(values).slice(0, 200);
        expect(res.statusCode, label).toBeLessThan(500);
        const answer = res.json() as Json[];
        if (res.statusCode >= 400) {
          expect(answer.length, label).toBeGreaterThan(0);
          for (const e of answer) expect(e.description, label).toMatch(/\w/);
          continue;
        }
        expect(res.statusCode, label).toBe(201);
        const code = answer[0].service_request_id as string;
        const [row] = await db().select().from(cases).where(eq(cases.trackingCode, code));
        if (values.description !== undefined) {
          const typed = asFormKeeps(values.description);
          expect(row!.description, label).toBe(typed);
          const json = await p.app.inject({
            url: `/open311/v2/requests/${code}.json?jurisdiction_id=prishtine`,
          });
          // Open311 writes an absent value as null (JSON) or an empty element (XML).
          expect((json.json() as Json[])[0].description, label).toBe(redactPersonalData(typed) || null);
          // XML: the same text, escaped, and nothing XML cannot carry.
          const xml = await p.app.inject({
            url: `/open311/v2/requests/${code}.xml?jurisdiction_id=prishtine`,
          });
          expect(xml.body, label).toContain(
            `<description>${xmlText(redactPersonalData(typed))}</description>`,
          );
          expect(row!.address ?? "", label).toBe(asFormKeeps(values.address_string!));
          expect(row!.contactName ?? "", label).toBe(
            [values.first_name, values.last_name]
              .map((s) => s!.trim())
              .filter(Boolean)
              .join(" ")
              .replaceAll("\u0000", "\uFFFD"),
          );
          // Answers keep their line breaks as sent, unlike the other text fields.
          const answer = values[`attribute[${question}]`]!.replaceAll("\u0000", "\uFFFD");
          expect([answer.trim(), normalise(answer)], label).toContain(
            (row!.attributes as Record<string, unknown>)[question] ?? "",
          );
        }
      }
  }, 120_000);
});

// ── The web forms.

/**
 * An HTML answer: no 5xx, nothing injected; a refusal (422) shows the form again with its error summary,
 * each message linking to its field — when the form is still there to show (`action`): one whose case
 * was meanwhile rated, or proposal rejected, by an earlier post of this test is not.
 */
function checkPage(label: string, res: LightMyRequestResponse, problems: string[], action?: string) {
  if (res.statusCode >= 500) problems.push(`${label}: ${res.statusCode}`);
  if (String(res.headers["content-type"] ?? "").startsWith("text/html"))
    for (const found of injectedMarkup(res.body)) problems.push(`${label}: ${found}`);
  if (res.statusCode !== 422) return;
  const summary = /<div\s+class="error-summary"[\s\S]*?<\/ul>/.exec(res.body)?.[0];
  if (!summary) problems.push(`${label}: 422 without an error summary`);
  if (action === undefined || !res.body.includes(`action="${action}"`)) return;
  for (const [, id] of summary?.matchAll(/href="#([^"]+)"/g) ?? [])
    if (!res.body.includes(`id="${id}"`))
      problems.push(`${label}: the summary links to #${id}, which is not there`);
}

const entity = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e[0] === "#"
      ? String.fromCodePoint(
          e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)),
        )
      : ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[e.toLowerCase()]!,
  );
const attributesOf = (tag: string) =>
  Object.fromEntries(
    [...tag.matchAll(/([^\s=/>]+)(?:="([^"]*)")?/g)].slice(1).map((m) => [m[1]!, entity(m[2] ?? "")]),
  );

interface Form {
  page: string;
  as: string | undefined;
  method: "get" | "post";
  action: string;
  /** Every field a browser would send, with the value a person would leave or choose. */
  fields: [string, string][];
  /** The text fields (inputs a person types into, and textareas). */
  text: { name: string; multiline: boolean }[];
}

const TEXT_INPUTS = new Set(["text", "email", "tel", "url", "search", "password"]);

/** A value a person would type into an empty field, guessed from its name and type. */
function plausible(name: string, type: string, n: number) {
  if (type === "email" || /email/i.test(name)) return `hostile.${n}@example.org`;
  if (type === "tel" || /phone/i.test(name)) return "044 123 456";
  if (type === "url" || /url/i.test(name)) return "https://hooks.example.org/ekomuna";
  if (type === "date" || /(^|_)(date|day|from|to)$/i.test(name)) return "2026-12-15";
  if (type === "time") return "10:00";
  return "Provë";
}

/** The forms of a page: their controls, as a browser would send them untouched. */
function formsOf(html: string, page: string, as: string | undefined): Form[] {
  const forms: Form[] = [];
  let n = 0;
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const a = attributesOf(`<form ${m[1]}`);
    const inner = m[2]!;
    const fields: [string, string][] = [];
    const text: Form["text"] = [];
    const radios = new Map<string, string>();
    for (const input of inner.matchAll(/<input\b[^>]*>/g)) {
      const i = attributesOf(input[0]);
      const type = (i.type ?? "text").toLowerCase();
      if (!i.name) continue;
      if (type === "radio") {
        if (!radios.has(i.name) || "checked" in i) radios.set(i.name, i.value ?? "on");
      } else if (type === "checkbox") {
        if ("checked" in i) fields.push([i.name, i.value ?? "on"]);
      } else if (type === "hidden") fields.push([i.name, i.value ?? ""]);
      else if (type !== "submit" && type !== "file" && type !== "button") {
        fields.push([i.name, i.value || plausible(i.name, type, ++n)]);
        if (TEXT_INPUTS.has(type)) text.push({ name: i.name, multiline: false });
      }
    }
    for (const [name, value] of radios) fields.push([name, value]);
    for (const t of inner.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
      const name = attributesOf(`<textarea ${t[1]}`).name;
      if (!name) continue;
      fields.push([name, entity(t[2]!) || plausible(name, "textarea", ++n)]);
      text.push({ name, multiline: true });
    }
    for (const s of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const name = attributesOf(`<select ${s[1]}`).name;
      const options = [...s[2]!.matchAll(/<option\b[^>]*>/g)].map((o) => attributesOf(o[0]));
      const chosen = options.find((o) => "selected" in o && o.value) ?? options.find((o) => o.value);
      if (name && chosen) fields.push([name, chosen.value!]);
    }
    const button = /<button\b[^>]*\bname="[^"]*"[^>]*>/.exec(inner);
    if (button) {
      const b = attributesOf(button[0]);
      fields.push([b.name!, b.value ?? ""]);
    }
    forms.push({
      page,
      as,
      method: (a.method ?? "get").toLowerCase() === "post" ? "post" : "get",
      action: a.action || page.split("?")[0]!,
      fields,
      text,
    });
  }
  return forms;
}

/** A client for a demo account (a session made directly: no password hashing per account). */
const clients = new Map<string, WebClient>();
async function clientFor(as: string | undefined) {
  const k = as ?? "";
  if (!clients.has(k)) {
    const web = new WebClient(p.app);
    web.cookies.set("lang", "en");
    if (as) {
      const [u] = await db()
        .select()
        .from(users)
        .where(eq(users.email, `${as}@${DEMO_EMAIL_DOMAIN}`));
      const session = await createSession(
        db(),
        { userId: u!.id, method: "password", now: p.clock.now() },
        p.deps.config.session,
      );
      web.cookies.set("sid", session.token);
    }
    clients.set(k, web);
  }
  return clients.get(k)!;
}

/** Sends a form as `web` would, each time from a new address (forms that send email are limited per address). */
async function send(web: WebClient, form: Form, fields: [string, string][]) {
  const body = new URLSearchParams(fields).toString();
  const remoteAddress = `198.18.${(++addresses >> 8) & 255}.${addresses & 255}`;
  const cookie = [...web.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  return form.method === "get"
    ? p.app.inject({ method: "GET", url: `${form.action}?${body}`, headers: { cookie }, remoteAddress })
    : p.app.inject({
        method: "POST",
        url: form.action,
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        payload: body,
        remoteAddress,
      });
}

/** A submission journey for potholes in Prishtinë, through the given steps; answers the draft's path. */
async function journey(web: WebClient, steps: Record<string, Record<string, string>>) {
  const started = await web.submit("/m/prishtine/submit", { type: "issue_report" });
  const draft = String(started.headers.location).replace(/\/category$/, "");
  expect((await web.submit(`${draft}/category`, { category: "potholes" })).statusCode).toBe(303);
  for (const [step, fields] of Object.entries(steps)) {
    const res = await web.submit(`${draft}/${step}`, fields);
    expect(res.statusCode, `${step}: ${res.body.slice(0, 300)}`).toBe(303);
  }
  return draft;
}

describe("a page to come back to (`next`)", () => {
  it("is a local path in visible ASCII whatever it carries: control characters, NUL, any Unicode", async () => {
    // Each of these answered 500: a Location header cannot carry them as sent.
    const hostile = [
      "/x\r\nSet-Cookie: sid=stolen",
      "/\u0000",
      "/cases?q=€",
      "/👩🏽‍🚒",
      "/a b",
      "//evil.example",
      "/\\evil",
    ];
    const web = new WebClient(p.app);
    for (const next of hostile) {
      const res = await web.get(`/language/en?${new URLSearchParams({ next })}`);
      expect(res.statusCode, JSON.stringify(next)).toBe(303);
      expect(String(res.headers.location), JSON.stringify(next)).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
    }
    const login = await web.submit(`/login?${new URLSearchParams({ next: "/cases?q=€" })}`, {
      email: `lirije.shala@${DEMO_EMAIL_DOMAIN}`,
      password: DEMO_PASSWORD,
    });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe("/cases?q=%E2%82%AC");
  });
});

describe("the web forms", () => {
  it("refuse a body over the 1 MiB limit with 413 and a page that says so", async () => {
    const web = await clientFor(undefined);
    const page = await web.get("/m/prishtine/submit");
    const csrf = page.body.match(/name="_csrf" value="([^"]+)"/)![1]!;
    const res = await web.post("/m/prishtine/submit", { _csrf: csrf, type: "x".repeat(2 * 1024 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<h1[^>]*>[^<]*\w/);
  });

  it("keep WORST as typed through the submission journey, shown escaped on the case page", async () => {
    const group = (k: number, sep = " ") => GROUPS[k % GROUPS.length]!.join(sep);
    for (let k = 0; k < GROUPS.length; k++) {
      const web = new WebClient(p.app);
      web.cookies.set("lang", "en");
      const typed = {
        title: group(k),
        description: group(k + 1, "\n"),
        address: group(k + 2),
        landmark: group(k + 3),
        name: group(k + 4),
      };
      const draft = await journey(web, {
        questions: { "answer-landmark": typed.landmark },
        details: { title: typed.title, description: typed.description },
        location: { address: typed.address },
        photos: {},
        contact: { name: typed.name, email: "", phone: "", language: "en" },
        check: {},
      });
      const done = await web.get(`${draft}/done`);
      const code = done.body.match(/class="confirmation-panel__code">([A-Z]{3}-\d{4}-\d{6})</)![1]!;
      const [row] = await db().select().from(cases).where(eq(cases.trackingCode, code));
      expect(row, code).toMatchObject({
        title: asFormKeeps(typed.title),
        description: asFormKeeps(typed.description),
        address: asFormKeeps(typed.address),
        contactName: asFormKeeps(typed.name),
      });
      expect((row!.attributes as Record<string, string>).landmark).toBe(asFormKeeps(typed.landmark));
      const page = await new WebClient(p.app).get(`/cases/${code}`);
      expect(page.statusCode).toBe(200);
      expect(injectedMarkup(page.body), code).toEqual([]);
      expect(page.body).toContain(escapeHtml(redactPersonalData(row!.title)));
      for (const line of redactPersonalData(row!.description).split("\n"))
        expect(page.body).toContain(escapeHtml(line));
    }
  }, 120_000);

  it("answer WORST and an oversized value in every text field of every form without a 5xx or anything unescaped", async () => {
    // A journey under way, so that its steps' forms are pages too.
    const draft = await journey(await clientFor(undefined), {
      questions: { "answer-landmark": "Shkolla" },
      details: { title: "Gropë", description: "E thellë." },
      location: { address: "Rruga B" },
      photos: {},
    });
    const pages = [
      ...p.app.pages.filter((page) => page.status === 200),
      ...["questions", "details", "location", "contact"].map((step) => ({
        sample: `${draft}/${step}`,
        as: undefined,
      })),
    ];
    const forms = new Map<string, Form>();
    for (const page of pages) {
      const web = await clientFor(page.as);
      const res = await web.get(page.sample);
      expect(res.statusCode, page.sample).toBe(200);
      expect(injectedMarkup(res.body), page.sample).toEqual([]);
      for (const form of formsOf(res.body, page.sample, page.as)) {
        // Logging out would end the session the next forms are sent in.
        if (form.text.length === 0 || form.action === "/logout") continue;
        // One form per address pattern: another case's or item's copy of a form tries nothing new.
        const pattern = form.action.replace(/[A-Z]{3}-\d{4}-\d{6,}|\/\d+(?=\/|$)|\/submit\/[^/]+/g, ":x");
        forms.set(`${form.method} ${pattern} ${form.text.map((t) => t.name).join(",")}`, form);
      }
    }
    const problems: string[] = [];
    for (const form of forms.values()) {
      const web = await clientFor(form.as);
      const tries = [
        ...GROUPS.map(
          (_, k) => (f: number, multiline: boolean) =>
            GROUPS[(k + f) % GROUPS.length]!.join(multiline ? "\n" : " "),
        ),
        () => OVERSIZED,
      ];
      let followed = false;
      for (const value of tries) {
        const fields = form.fields.map(([name, v]): [string, string] => {
          const f = form.text.findIndex((t) => t.name === name);
          return f < 0 ? [name, v] : [name, value(f, form.text[f]!.multiline)];
        });
        const label = `${form.method.toUpperCase()} ${form.action} (from ${form.page} as ${form.as ?? "a visitor"})`;
        const res = await send(web, form, fields);
        checkPage(label, res, problems, form.action);
        // Where an accepted form leads shows what was stored: looked at once a form (the first values
        // accepted, markup in most fields).
        const to = res.headers.location;
        if (!followed && res.statusCode === 303 && typeof to === "string" && to.startsWith("/")) {
          followed = true;
          checkPage(`${label} → ${to}`, await web.get(to), problems);
        }
      }
    }
    expect(forms.size).toBeGreaterThan(30);
    expect(problems).toEqual([]);
  }, 240_000);
});
