// Webhooks end to end, with a real HTTP receiver on 127.0.0.1: endpoints registered through the pages
// (the secret shown once), events published in a transaction and delivered by the webhook channel, the
// receiver checking the signature with that secret. A receiver that fails, hangs or redirects is retried
// and every attempt is in the endpoint's log; a loopback URL is refused unless an operator allows it.
// The channel is driven here message by message (deliver(row)), the way the outbox worker drives it.
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { publicCaseView } from "../../src/cases/publicView.ts";
import {
  auditLog,
  cases,
  categories,
  municipalities,
  outbox,
  webhookDeliveries,
  webhookEndpoints,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { PermanentDeliveryError } from "../../src/notifications/channel.ts";
import {
  caseEventData,
  publish,
  type WebhookChannelOptions,
  type WebhookEvent,
  webhookChannel,
} from "../../src/notifications/webhooks.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
const db = () => p.deps.database.db;
const ADMIN = "/m/prishtine/admin/webhooks";

// ── The receiver: records every request and answers from a queue (200 when it is empty).

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Answer = (res: ServerResponse) => void;
const received: Received[] = [];
const answers: Answer[] = [];
const ok: Answer = (res) => res.writeHead(200).end("thanks");
const receiver = createServer((req, res) => {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (c: string) => {
    body += c;
  });
  req.on("end", () => {
    received.push({ path: req.url ?? "", headers: req.headers, body });
    (answers.shift() ?? ok)(res);
  });
});
let hook = "";

beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  receiver.closeAllConnections();
  receiver.close();
  await p.close();
});
beforeEach(() => {
  received.length = 0;
  answers.length = 0;
});

// ── Helpers.

async function client(local?: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  if (local) {
    const res = await web.submit("/login", {
      email: `${local}@demo.ekomuna.example`,
      password: DEMO_PASSWORD,
    });
    expect(res.statusCode).toBe(303);
  }
  return web;
}

/** Posts the register form with several events (a browser sends one `events` field per ticked box). */
async function register(web: WebClient, page: string, fields: Record<string, string>, events: string[]) {
  const form = await web.get(page);
  const csrf = form.body.match(/name="_csrf" value="([^"]+)"/)?.[1];
  if (!csrf) throw new Error(`no form on ${page} (${form.statusCode})`);
  const body = new URLSearchParams({ _csrf: csrf, ...fields });
  for (const e of events) body.append("events", e);
  const res = await p.app.inject({
    method: "POST",
    url: page,
    remoteAddress: web.remoteAddress,
    headers: {
      cookie: [...web.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      "content-type": "application/x-www-form-urlencoded",
    },
    payload: body.toString(),
  });
  // Keep the cookies it sets, as the client (and a browser) would: the one view of the secret is one.
  for (const c of res.cookies as { name: string; value: string }[]) web.cookies.set(c.name, c.value);
  return res;
}

/** The text of a page without its markup, for reading messages. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&#39;/g, "'")
    .replace(/&quot;|&#34;/g, '"')
    .replace(/\s+/g, " ");

const secretIn = (html: string) => html.match(/(whsec_[A-Za-z0-9_-]{43})/)?.[1];
const idFrom = (location: string | undefined) => Number(location?.match(/\/webhooks\/(\d+)/)?.[1]);

async function municipalityId(slug: string) {
  const [m] = await db().select().from(municipalities).where(eq(municipalities.slug, slug));
  return m!.id;
}

/** Publishes a case event for a public demo case of Prishtinë, as the case commands do. */
async function publishCaseEvent(event: WebhookEvent) {
  const m = await municipalityId("prishtine");
  const [row] = await db()
    .select()
    .from(cases)
    .where(and(eq(cases.municipalityId, m), eq(cases.visibility, "public")))
    .orderBy(asc(cases.id))
    .limit(1);
  const [category] = await db().select().from(categories).where(eq(categories.id, row!.categoryId));
  const view = publicCaseView(row!, category!, [])!;
  const data = caseEventData(view, {
    municipality: "prishtine",
    url: `https://ekomuna.example.org/cases/${view.trackingCode}`,
    fromStatus: "in_progress",
    toStatus: "answered",
  });
  const queued = await db().transaction((tx) =>
    publish(tx, { municipalityId: m, event, data, now: p.clock.now() }),
  );
  return { kase: row!, queued };
}

/**
 * Delivers every webhook message that is due, once, as the worker does: the claim counts the attempt,
 * success marks it delivered, a failure leaves it queued (or dead, for a permanent one).
 */
async function deliverAll(options: WebhookChannelOptions = {}) {
  const channel = webhookChannel(db(), { now: () => p.clock.now(), log: () => {}, ...options });
  const rows = await db()
    .update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1` })
    .where(and(eq(outbox.kind, "webhook"), isNull(outbox.deliveredAt), isNull(outbox.deadAt)))
    .returning();
  const outcomes: { id: number; ok: boolean; permanent: boolean; error?: string }[] = [];
  for (const row of rows) {
    try {
      await channel.deliver(row);
      await db().update(outbox).set({ deliveredAt: p.clock.now() }).where(eq(outbox.id, row.id));
      outcomes.push({ id: row.id, ok: true, permanent: false });
    } catch (e) {
      const permanent = e instanceof PermanentDeliveryError;
      await db()
        .update(outbox)
        .set({ lastError: String((e as Error).message), ...(permanent ? { deadAt: p.clock.now() } : {}) })
        .where(eq(outbox.id, row.id));
      outcomes.push({ id: row.id, ok: false, permanent, error: (e as Error).message });
    }
  }
  return outcomes;
}

const logOf = (endpointId: number) =>
  db()
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(asc(webhookDeliveries.id));

/** Checks a signature header the way the documentation tells a receiver to. */
function signatureValid(header: string | string[] | undefined, body: string, secret: string) {
  const parts = Object.fromEntries(
    String(header)
      .split(",")
      .map((kv) => kv.split("=")),
  );
  const expected = createHmac("sha256", secret).update(`${parts.t}.${body}`).digest("hex");
  return parts.v1 === expected;
}

// ── Who may.

describe("who may manage webhooks", () => {
  it("sends a visitor to log in, and answers 404 to staff who may not and to another municipality's admin", async () => {
    const visitor = await client();
    const res = await visitor.get(ADMIN);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(ADMIN)}`);
    for (const local of ["zyrtari.prishtine", "koordinatori.prishtine", "drejtori.prishtine", "ministria"])
      expect((await (await client(local)).get(ADMIN)).statusCode, local).toBe(404);
    const admin = await client("admin.prishtine");
    expect((await admin.get("/m/prizren/admin/webhooks")).statusCode).toBe(404);
    expect((await admin.get("/ops/webhooks")).statusCode).toBe(404);
    expect((await admin.get(ADMIN)).statusCode).toBe(200);
    expect((await (await client("operator")).get("/ops/webhooks")).statusCode).toBe(200);
    // A change posted by an officer with a valid token is refused the same way, and changes nothing.
    const officer = await client("zyrtari.prishtine");
    const before = await db().select().from(webhookEndpoints);
    const posted = await officer.postWithToken(
      ADMIN,
      { url: "https://93.184.215.14/x", events: "case.answered" },
      "/account",
    );
    expect(posted.statusCode).toBe(404);
    expect(await db().select().from(webhookEndpoints)).toEqual(before);
  });
});

// ── Registration.

describe("registering an endpoint", () => {
  it("refuses a loopback, private or plain-http address from a municipal admin with 422 at the URL field", async () => {
    const admin = await client("admin.prishtine");
    const before = (await db().select().from(webhookEndpoints)).length;
    const tries: [string, string][] = [
      [`${hook}/hook`, "must start with https://"],
      ["https://127.0.0.1:8443/hook", "leads into a private network (127.0.0.1)"],
      ["https://[::ffff:169.254.169.254]/latest", "leads into a private network"],
      ["https://10.1.2.3/hook", "leads into a private network (10.1.2.3)"],
      ["ftp://93.184.215.14/", "must start with https://"],
    ];
    for (const [url, message] of tries) {
      // The operators' box, forged into the form, does not help an admin.
      const res = await register(admin, ADMIN, { url, allowPrivate: "1", description: "Our receiver" }, [
        "case.answered",
      ]);
      expect(res.statusCode, url).toBe(422);
      expect(text(res.body)).toContain(message);
      expect(res.body).toContain('aria-invalid="true"');
      expect(res.body).toMatch(/<title>Error: /);
      // The form is kept: the address, the description and the ticked event.
      expect(res.body).toContain(`value="${url.replace(/&/g, "&amp;")}"`);
      expect(res.body).toContain('value="Our receiver"');
      expect(res.body).toMatch(/value="case\.answered"\s+checked/);
    }
    expect((await db().select().from(webhookEndpoints)).length).toBe(before);
  });

  it("asks for at least one event and for an address, keeping what was typed", async () => {
    const admin = await client("admin.prishtine");
    const none = await register(admin, ADMIN, { url: "https://93.184.215.14/hook" }, []);
    expect(none.statusCode).toBe(422);
    expect(text(none.body)).toContain("Choose at least one event");
    expect(none.body).toContain('value="https://93.184.215.14/hook"');
    const empty = await register(admin, ADMIN, { url: "  " }, ["case.answered", "case.nonsense"]);
    expect(empty.statusCode).toBe(422);
    expect(text(empty.body)).toContain("Enter the address the events are sent to");
    expect(text(empty.body)).toContain("Choose events from the list");
    const junk = await register(admin, ADMIN, { url: "not a url" }, ["case.answered"]);
    expect(junk.statusCode).toBe(422);
    expect(text(junk.body)).toContain("Enter a full address");
    // Everything wrong is told at once: a private address and no event, both on the first answer.
    const both = await register(admin, ADMIN, { url: "https://10.0.0.7/hook" }, []);
    expect(both.statusCode).toBe(422);
    expect(text(both.body)).toContain("Choose at least one event");
    expect(text(both.body)).toContain("This address leads into a private network (10.0.0.7)");
  });

  it("registers a public https endpoint and shows its secret once, never in the audit log", async () => {
    const admin = await client("admin.prishtine");
    const res = await register(admin, ADMIN, { url: "https://93.184.215.14/ekomuna" }, [
      "case.submitted",
      "case.answered",
    ]);
    expect(res.statusCode).toBe(303);
    const id = idFrom(res.headers.location as string);
    const [row] = await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(row).toMatchObject({
      municipalityId: await municipalityId("prishtine"),
      url: "https://93.184.215.14/ekomuna",
      events: ["case.submitted", "case.answered"],
      active: true,
      allowPrivate: false,
    });
    const first = await admin.get(res.headers.location as string);
    expect(first.statusCode).toBe(200);
    expect(text(first.body)).toContain("The endpoint is registered.");
    expect(secretIn(first.body)).toBe(row!.secret);
    const again = await admin.get(`${ADMIN}/${id}`);
    expect(again.statusCode).toBe(200);
    expect(secretIn(again.body)).toBeUndefined();
    // Nor does the list.
    const list = await admin.get(ADMIN);
    expect(list.body).toContain("https://93.184.215.14/ekomuna");
    expect(secretIn(list.body)).toBeUndefined();
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "webhook.created"), eq(auditLog.subjectId, String(id))));
    expect(audit).toBeDefined();
    expect(JSON.stringify(audit)).not.toContain(row!.secret);
    // Tidy: the other tests count what is queued.
    await admin.submit(`${ADMIN}/${id}`, {}, `${ADMIN}/${id}/delete`);
  });

  it("lets only an operator allow a private address", async () => {
    const admin = await client("admin.prishtine");
    const made = await register(admin, ADMIN, { url: "https://93.184.215.14/x" }, ["case.answered"]);
    const id = idFrom(made.headers.location as string);
    expect((await admin.get(`${ADMIN}/${id}`)).body).not.toContain("Allow a private address");
    const refused = await admin.postWithToken(`${ADMIN}/${id}/private`, { allowPrivate: "1" }, ADMIN);
    expect(refused.statusCode).toBe(404);
    const operator = await client("operator");
    const allowed = await operator.submit(`${ADMIN}/${id}`, {}, `${ADMIN}/${id}/private`);
    expect(allowed.statusCode).toBe(303);
    const [row] = await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(row!.allowPrivate).toBe(true);
    await operator.submit(`${ADMIN}/${id}`, {}, `${ADMIN}/${id}/delete`);
    expect(await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id))).toEqual([]);
  });
});

// ── Delivery.

describe("delivering events", () => {
  let endpointId: number;
  let secret: string;
  let platformId: number;
  let platformSecret: string;

  beforeAll(async () => {
    // The operator registers the loopback receiver on Prishtinë's page, allowing the private address.
    const operator = await client("operator");
    const res = await register(operator, ADMIN, { url: `${hook}/prishtine`, allowPrivate: "1" }, [
      "case.answered",
      "case.escalated",
    ]);
    expect(res.statusCode).toBe(303);
    endpointId = idFrom(res.headers.location as string);
    secret = secretIn((await operator.get(res.headers.location as string)).body)!;
    expect(secret).toBeDefined();
    // One for every municipality, from the operators' page.
    const all = await register(operator, "/ops/webhooks", { url: `${hook}/all`, allowPrivate: "1" }, [
      "case.answered",
    ]);
    expect(all.statusCode).toBe(303);
    expect(all.headers.location).toMatch(/^\/ops\/webhooks\/\d+\?done=created$/);
    platformId = idFrom(all.headers.location as string);
    platformSecret = secretIn((await operator.get(all.headers.location as string)).body)!;
    // Endpoints that must receive nothing: another municipality's, one not subscribed, one deactivated.
    await db()
      .insert(webhookEndpoints)
      .values([
        {
          municipalityId: await municipalityId("prizren"),
          url: `${hook}/prizren`,
          secret: "whsec_prizren",
          events: ["case.answered"],
          allowPrivate: true,
        },
        {
          municipalityId: await municipalityId("prishtine"),
          url: `${hook}/submitted-only`,
          secret: "whsec_submitted",
          events: ["case.submitted"],
          allowPrivate: true,
        },
        {
          municipalityId: await municipalityId("prishtine"),
          url: `${hook}/off`,
          secret: "whsec_off",
          events: ["case.answered"],
          allowPrivate: true,
          active: false,
        },
      ]);
  });

  it("sends a signed event to the municipality's subscribed endpoints and the platform's, and to no other", async () => {
    const { kase, queued } = await publishCaseEvent("case.answered");
    expect(queued).toBe(2);
    const outcomes = await deliverAll();
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(received.map((r) => r.path).sort()).toEqual(["/all", "/prishtine"]);

    const got = received.find((r) => r.path === "/prishtine")!;
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers["user-agent"]).toBe("E-Komuna-Webhooks/1");
    expect(got.headers["x-ekomuna-event"]).toBe("case.answered");
    expect(signatureValid(got.headers["x-ekomuna-signature"], got.body, secret)).toBe(true);
    expect(signatureValid(got.headers["x-ekomuna-signature"], got.body, platformSecret)).toBe(false);
    expect(got.headers["x-ekomuna-signature"]).toContain(`t=${Math.floor(p.clock.now().getTime() / 1000)},`);
    const all = received.find((r) => r.path === "/all")!;
    expect(signatureValid(all.headers["x-ekomuna-signature"], all.body, platformSecret)).toBe(true);

    const body = JSON.parse(got.body);
    expect(body).toMatchObject({
      id: got.headers["x-ekomuna-delivery"],
      event: "case.answered",
      occurredAt: p.clock.now().toISOString(),
      data: {
        municipality: "prishtine",
        case: { trackingCode: kase.trackingCode, title: kase.title, visibility: "public" },
        change: { fromStatus: "in_progress", toStatus: "answered" },
      },
    });
    // The two endpoints' deliveries are two, each with its own id.
    expect(all.headers["x-ekomuna-delivery"]).not.toBe(got.headers["x-ekomuna-delivery"]);
    // Nothing personal travels: no contact details, no account.
    for (const personal of [kase.contactEmail, kase.contactPhone, kase.submitterId])
      if (personal) expect(got.body).not.toContain(personal);

    const [log] = await logOf(endpointId);
    expect(log).toMatchObject({ event: "case.answered", attempt: 1, statusCode: 200, error: null });
    const page = await (await client("admin.prishtine")).get(`${ADMIN}/${endpointId}`);
    expect(text(page.body)).toContain("Delivered (HTTP 200)");
  });

  it("retries a receiver that answers 500, with the same delivery id, and logs both attempts", async () => {
    answers.push((res) => res.writeHead(500).end("database down"));
    await publishCaseEvent("case.escalated");
    const first = await deliverAll();
    expect(first).toEqual([expect.objectContaining({ ok: false, permanent: false })]);
    expect(first[0]!.error).toContain("HTTP 500");
    const [queuedRow] = await db().select().from(outbox).where(eq(outbox.id, first[0]!.id));
    expect(queuedRow).toMatchObject({ deliveredAt: null, deadAt: null });
    expect(queuedRow!.lastError).toContain("HTTP 500");

    const second = await deliverAll();
    expect(second).toEqual([expect.objectContaining({ ok: true })]);
    expect(received).toHaveLength(2);
    expect(received[0]!.headers["x-ekomuna-delivery"]).toBe(received[1]!.headers["x-ekomuna-delivery"]);

    const log = (await logOf(endpointId)).filter((l) => l.event === "case.escalated");
    expect(log.map((l) => [l.attempt, l.statusCode])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(log[0]!.error).toContain("HTTP 500: database down");
    const page = text((await (await client("admin.prishtine")).get(`${ADMIN}/${endpointId}`)).body);
    expect(page).toContain("Failed: the receiver answered HTTP 500");
    expect(page).toContain("The receiver answered: database down");
  });

  it("times out a receiver that never answers, logs it, and delivers on the retry", async () => {
    answers.push(() => {
      // Never answers.
    });
    await publishCaseEvent("case.escalated");
    const started = Date.now();
    const first = await deliverAll({ timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(first).toEqual([expect.objectContaining({ ok: false, permanent: false })]);
    expect(first[0]!.error).toContain("timed out after 300 ms");
    expect(await deliverAll({ timeoutMs: 300 })).toEqual([expect.objectContaining({ ok: true })]);
    const log = (await logOf(endpointId)).slice(-2);
    expect(log[0]).toMatchObject({ statusCode: null, error: "timed out after 300 ms", attempt: 1 });
    expect(log[0]!.durationMs).toBeGreaterThanOrEqual(250);
    expect(log[1]).toMatchObject({ statusCode: 200, attempt: 2 });
    const page = text((await (await client("admin.prishtine")).get(`${ADMIN}/${endpointId}`)).body);
    expect(page).toContain("No answer within 300 ms");
  });

  it("does not follow a redirect: it is a failure, and the place it points to is not called", async () => {
    answers.push((res) => res.writeHead(302, { location: `${hook}/elsewhere` }).end());
    await publishCaseEvent("case.escalated");
    const [outcome] = await deliverAll();
    expect(outcome).toMatchObject({ ok: false, permanent: false });
    expect(received.map((r) => r.path)).toEqual(["/prishtine"]);
    expect((await logOf(endpointId)).at(-1)).toMatchObject({
      statusCode: 302,
      error: `HTTP 302: redirect to ${hook}/elsewhere not followed`,
    });
    await deliverAll();
  });

  it("sends a test event (ping) to one endpoint from its page", async () => {
    const admin = await client("admin.prishtine");
    const res = await admin.submit(`${ADMIN}/${endpointId}`, {}, `${ADMIN}/${endpointId}/test`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${ADMIN}/${endpointId}?done=test_queued`);
    expect(await deliverAll()).toEqual([expect.objectContaining({ ok: true })]);
    expect(received).toHaveLength(1);
    expect(received[0]!.headers["x-ekomuna-event"]).toBe("ping");
    expect(JSON.parse(received[0]!.body)).toMatchObject({ event: "ping", data: { test: true } });
    expect(signatureValid(received[0]!.headers["x-ekomuna-signature"], received[0]!.body, secret)).toBe(true);
  });

  it("refuses at delivery a private address no operator allows: dead at once, with the reason in the log", async () => {
    const operator = await client("operator");
    await publishCaseEvent("case.escalated");
    // The operator takes the permission back after the message was queued.
    const res = await operator.submit(`${ADMIN}/${endpointId}`, {}, `${ADMIN}/${endpointId}/private`);
    expect(res.headers.location).toBe(`${ADMIN}/${endpointId}?done=private_disallowed`);
    const [outcome] = await deliverAll();
    expect(outcome).toMatchObject({ ok: false, permanent: true });
    expect(received).toEqual([]);
    const [row] = await db().select().from(outbox).where(eq(outbox.id, outcome!.id));
    expect(row!.deadAt).not.toBeNull();
    expect((await logOf(endpointId)).at(-1)!.error).toMatch(/^refused: url_https_required/);
    const page = text((await operator.get(`${ADMIN}/${endpointId}`)).body);
    expect(page).toContain("Not sent");
    expect(page).toContain("Refused: The address must start with https://");
    // Allowed again, for the next test.
    await operator.submit(`${ADMIN}/${endpointId}`, {}, `${ADMIN}/${endpointId}/private`);
  });

  it("drops, without retrying, what was queued for an endpoint deactivated or deleted since", async () => {
    const admin = await client("admin.prishtine");
    await publishCaseEvent("case.escalated");
    const off = await admin.submit(`${ADMIN}/${endpointId}`, {}, `${ADMIN}/${endpointId}/active`);
    expect(off.headers.location).toBe(`${ADMIN}/${endpointId}?done=deactivated`);
    expect(await deliverAll()).toEqual([expect.objectContaining({ ok: true })]);
    expect(received).toEqual([]);
    expect((await logOf(endpointId)).at(-1)).toMatchObject({
      statusCode: null,
      error: "not sent: the endpoint is deactivated",
    });

    const on = await admin.submit(`${ADMIN}/${endpointId}`, {}, `${ADMIN}/${endpointId}/active`);
    expect(on.headers.location).toBe(`${ADMIN}/${endpointId}?done=activated`);
    await publishCaseEvent("case.escalated");
    const gone = await admin.submit(`${ADMIN}/${endpointId}`, {}, `${ADMIN}/${endpointId}/delete`);
    expect(gone.headers.location).toBe(`${ADMIN}?done=deleted`);
    const dropped: string[] = [];
    expect(await deliverAll({ log: (message) => dropped.push(message) })).toEqual([
      expect.objectContaining({ ok: true }),
    ]);
    expect(dropped).toEqual(["webhook dropped: its endpoint was deleted"]);
    expect(received).toEqual([]);
    expect((await admin.get(`${ADMIN}/${endpointId}`)).statusCode).toBe(404);
    // The operators' endpoint is theirs alone: Prishtinë's admin cannot reach it by its id.
    expect((await admin.get(`${ADMIN}/${platformId}`)).statusCode).toBe(404);
  });
});
