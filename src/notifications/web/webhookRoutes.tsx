// The webhook pages (issue 6): a municipal admin registers its endpoints under /m/:slug/admin/webhooks,
// an operator those for every municipality under /ops/webhooks (and may allow an endpoint private
// addresses). Each route reads top to bottom: who is asking (the policy table), validate (the SSRF guard
// included), change with its audit entry in one transaction, then 303 with a notice, or the form again
// (422) with what was typed and the problems at the fields. The secret is shown once, on the first view
// of the endpoint after it was made.
import { and, count, desc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../access/policy.ts";
import { type AuditWriter, appendAudit } from "../../audit/audit.ts";
import { municipalities, webhookDeliveries, webhookEndpoints } from "../../db/schema.ts";
import { localized } from "../../kernel/localized.ts";
import { sendPage } from "../../web/context.ts";
import { notFound, sendError } from "../../web/errors.tsx";
import { type FieldErrors, typed, validate } from "../../web/forms.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { textField } from "../../web/textField.ts";
import { platformKey, sign, verify } from "../keys.ts";
import { checkWebhookUrl, MAX_URL_LENGTH } from "../ssrf.ts";
import { isWebhookEvent, newWebhookSecret, queuePing, WEBHOOK_EVENTS } from "../webhooks.ts";
import {
  type EndpointRow,
  type LastDelivery,
  type Place,
  WebhookPage,
  WebhooksPage,
  webhooksPath,
} from "./webhookPages.tsx";

const K = "webhooks";
/** Enough for every integrator a municipality has; a bound on how many requests one event can cause. */
export const MAX_ENDPOINTS = 20;
const LOG_LENGTH = 100;
/** The one view of a new secret must happen soon after the endpoint was made. */
const SECRET_VIEW_MS = 10 * 60_000;
const SECRET_COOKIE = "webhook_secret";

/** What a redirect after a change may announce (`?done=`), each a catalog key under webhooks.done. */
const DONE = new Set([
  "created",
  "activated",
  "deactivated",
  "deleted",
  "test_queued",
  "private_allowed",
  "private_disallowed",
]);

/** A place with the municipality's id (null: every municipality), as the endpoints are stored. */
type Scope = Place & { municipalityId: number | null };
type Values = Record<string, string | string[]>;
type Form = { values: Values; errors: FieldErrors };
const EMPTY: Form = { values: {}, errors: {} };

const registerForm = z.object({
  url: z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .superRefine((s, ctx) => {
      if (s === "") ctx.addIssue({ code: "custom", message: `${K}.errors.url_required` });
      else if (s.length > MAX_URL_LENGTH)
        ctx.addIssue({ code: "custom", message: `${K}.errors.url_too_long` });
    }),
  events: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => [...new Set([v ?? []].flat())])
    .superRefine((list, ctx) => {
      if (list.length === 0) ctx.addIssue({ code: "custom", message: `${K}.errors.events_required` });
      else if (!list.every(isWebhookEvent))
        ctx.addIssue({ code: "custom", message: `${K}.errors.events_unknown` });
    }),
  description: textField(200, undefined, `${K}.errors.description_too_long`),
  allowPrivate: z
    .unknown()
    .optional()
    .transform((v) => v === "1"),
});

const parseId = (v: string) => (/^\d{1,9}$/.test(v) ? Number(v) : undefined);

/** What was typed, to show it again: text fields as strings, the ticked events as a list. */
function typedValues(body: unknown): Values {
  const events = body && typeof body === "object" ? (body as Record<string, unknown>).events : undefined;
  return {
    url: typed(body, "url"),
    description: typed(body, "description"),
    allowPrivate: typed(body, "allowPrivate"),
    events: [events ?? []]
      .flat()
      .filter((e): e is string => typeof e === "string")
      .slice(0, 50),
  };
}

export async function webhookRoutes(app: FastifyInstance): Promise<void> {
  const { database, clock, config } = app.deps;
  const db = database.db;
  const secure = config.publicUrl?.startsWith("https:") ?? false;

  // ── Who is asking.

  /** The municipality of the page when the actor may manage its webhooks; otherwise answered (login, 404). */
  async function municipalScope(
    req: FastifyRequest<{ Params: { slug: string } }>,
    reply: FastifyReply,
  ): Promise<Scope | undefined> {
    const [m] = await db
      .select({
        id: municipalities.id,
        slug: municipalities.slug,
        name: municipalities.name,
        active: municipalities.active,
      })
      .from(municipalities)
      .where(eq(municipalities.slug, req.params.slug))
      .limit(1);
    if (!m?.active) return void (await notFound(req, reply));
    const place: Scope = {
      kind: "municipality",
      name: localized(m.name, req.lang),
      slug: m.slug,
      municipalityId: m.id,
    };
    if (!req.user) return void (await toLogin(req, reply, place));
    // A refusal looks like an unknown page, as on the other admin pages.
    if (!can(req.actor, "webhook.manage", { municipalityId: m.id })) return void (await notFound(req, reply));
    return place;
  }

  /** The operators' place: endpoints for every municipality. */
  async function platformScope(req: FastifyRequest, reply: FastifyReply): Promise<Scope | undefined> {
    const place: Scope = { kind: "platform", municipalityId: null };
    if (!req.user) return void (await toLogin(req, reply, place));
    if (!can(req.actor, "platform.settings") || !can(req.actor, "webhook.manage"))
      return void (await notFound(req, reply));
    return place;
  }

  const toLogin = (req: FastifyRequest, reply: FastifyReply, place: Place) => {
    const next = req.method === "GET" ? req.url : webhooksPath(place);
    return reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
  };

  const canAllowPrivate = (req: FastifyRequest) => can(req.actor, "platform.settings");

  const noticeOf = (req: FastifyRequest) => {
    const done = (req.query as { done?: unknown } | undefined)?.done;
    return typeof done === "string" && DONE.has(done) ? req.t(`${K}.done.${done}`) : undefined;
  };

  const inScope = (scope: Scope) =>
    scope.municipalityId === null
      ? isNull(webhookEndpoints.municipalityId)
      : eq(webhookEndpoints.municipalityId, scope.municipalityId);

  const audit = (
    tx: AuditWriter,
    req: FastifyRequest,
    scope: Scope,
    action: string,
    id: number,
    data: Record<string, unknown>,
  ) =>
    appendAudit(tx, {
      at: clock.now(),
      actorId: req.user?.id ?? null,
      action,
      subjectType: "webhook_endpoint",
      subjectId: String(id),
      municipalityId: scope.municipalityId,
      ip: req.ip,
      data,
    });

  // ── Reading.

  async function lastDeliveries(ids: number[]): Promise<Map<number, LastDelivery>> {
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectDistinctOn([webhookDeliveries.endpointId], {
        endpointId: webhookDeliveries.endpointId,
        at: webhookDeliveries.at,
        statusCode: webhookDeliveries.statusCode,
        error: webhookDeliveries.error,
      })
      .from(webhookDeliveries)
      .where(inArray(webhookDeliveries.endpointId, ids))
      .orderBy(webhookDeliveries.endpointId, desc(webhookDeliveries.at), desc(webhookDeliveries.id));
    return new Map(rows.map((r) => [r.endpointId, r]));
  }

  const rowOf = (e: typeof webhookEndpoints.$inferSelect, last: LastDelivery | undefined): EndpointRow => ({
    id: e.id,
    url: e.url,
    events: e.events,
    description: e.description,
    active: e.active,
    allowPrivate: e.allowPrivate,
    createdAt: e.createdAt,
    last,
  });

  async function endpointsOf(scope: Scope): Promise<EndpointRow[]> {
    const rows = await db.select().from(webhookEndpoints).where(inScope(scope)).orderBy(webhookEndpoints.id);
    const last = await lastDeliveries(rows.map((r) => r.id));
    return rows.map((r) => rowOf(r, last.get(r.id)));
  }

  async function endpointIn(scope: Scope, idText: string) {
    const id = parseId(idText);
    if (id === undefined) return undefined;
    const [row] = await db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, id), inScope(scope)));
    return row;
  }

  async function sendList(req: FastifyRequest, reply: FastifyReply, scope: Scope, form: Form, status = 200) {
    const endpoints = await endpointsOf(scope);
    const municipal =
      scope.kind === "platform"
        ? (
            await db
              .select({
                id: webhookEndpoints.id,
                url: webhookEndpoints.url,
                active: webhookEndpoints.active,
                allowPrivate: webhookEndpoints.allowPrivate,
                slug: municipalities.slug,
                name: municipalities.name,
              })
              .from(webhookEndpoints)
              .innerJoin(municipalities, eq(municipalities.id, webhookEndpoints.municipalityId))
              .where(isNotNull(webhookEndpoints.municipalityId))
              .orderBy(municipalities.slug, webhookEndpoints.id)
          ).map((r) => ({ ...r, municipality: { slug: r.slug, name: localized(r.name, req.lang) } }))
        : undefined;
    const back =
      scope.kind === "municipality" &&
      can(req.actor, "municipality.configure", { municipalityId: scope.municipalityId! })
        ? { href: `/m/${encodeURIComponent(scope.slug)}/admin`, label: req.t(`${K}.backToAdmin`) }
        : null;
    return sendPage(
      reply,
      <WebhooksPage
        ctx={pageContext(req, reply)}
        place={scope}
        notice={status === 200 ? noticeOf(req) : undefined}
        endpoints={endpoints}
        {...(municipal ? { municipal } : {})}
        canAllowPrivate={canAllowPrivate(req)}
        values={form.values}
        errors={form.errors}
        back={back}
      />,
      status,
    );
  }

  // ── The secret, once: a short-lived cookie, signed, naming the endpoint and the person who made it.

  const secretCookiePath = (scope: Scope) => webhooksPath(scope);

  async function rememberSecretView(reply: FastifyReply, scope: Scope, endpointId: number, userId: string) {
    const key = await platformKey(db, "webhook_secret_view");
    const until = clock.now().getTime() + SECRET_VIEW_MS;
    reply.setCookie(SECRET_COOKIE, sign(key, `${endpointId}|${userId}|${until}`), {
      path: secretCookiePath(scope),
      httpOnly: true,
      sameSite: "strict",
      secure,
      maxAge: SECRET_VIEW_MS / 1000,
    });
  }

  /** Whether this request is the one view of the new endpoint's secret (the cookie is spent either way). */
  async function takeSecretView(req: FastifyRequest, reply: FastifyReply, scope: Scope, endpointId: number) {
    const cookie = req.cookies[SECRET_COOKIE];
    if (!cookie) return false;
    reply.clearCookie(SECRET_COOKIE, { path: secretCookiePath(scope) });
    const value = verify(await platformKey(db, "webhook_secret_view"), cookie);
    const [id, userId, until] = (value ?? "").split("|");
    return (
      value !== undefined &&
      Number(id) === endpointId &&
      userId === req.user?.id &&
      Number(until) >= clock.now().getTime()
    );
  }

  // ── The routes, once for a municipality and once for the operators.

  type SlugParams = { Params: { slug: string } };
  type IdParams = { Params: { slug?: string; id: string } };
  const places = [
    {
      prefix: "/m/:slug/admin/webhooks",
      scope: (req: FastifyRequest, reply: FastifyReply) =>
        municipalScope(req as FastifyRequest<SlugParams>, reply),
      sample: { sample: "/m/prishtine/admin/webhooks", as: "admin.prishtine" },
    },
    {
      prefix: "/ops/webhooks",
      scope: platformScope,
      sample: { sample: "/ops/webhooks", as: "operator" },
    },
  ];

  for (const place of places) {
    app.get(place.prefix, { config: { page: place.sample } }, async (req, reply) => {
      const scope = await place.scope(req, reply);
      if (!scope) return reply;
      return sendList(req, reply, scope, EMPTY);
    });

    app.post(place.prefix, async (req, reply) => {
      const scope = await place.scope(req, reply);
      if (!scope) return reply;
      const values = typedValues(req.body);
      // Only an operator may let an endpoint reach inside a network; from anyone else the box is ignored.
      const allowPrivate = values.allowPrivate === "1" && canAllowPrivate(req);
      /** What is wrong with the address itself (not HTTPS, a private address…): told with the other errors. */
      const urlProblem = async (url: string) => {
        const checked = await checkWebhookUrl(url, { allowPrivate });
        if (checked.ok) return { checked };
        const error: FieldErrors[string] = [
          `${K}.errors.${checked.problem}`,
          { address: checked.address ?? "" },
        ];
        return { error };
      };
      const form = validate(registerForm, req.body);
      if (!form.ok) {
        const typedUrl = typeof values.url === "string" ? values.url.trim() : "";
        const url = form.errors.url || !typedUrl ? undefined : (await urlProblem(typedUrl)).error;
        return sendList(
          req,
          reply,
          scope,
          { values, errors: { ...(url ? { url } : {}), ...form.errors } },
          422,
        );
      }
      const v = form.value;
      const { checked, error } = await urlProblem(v.url);
      if (!checked) return sendList(req, reply, scope, { values, errors: { url: error } }, 422);
      const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(webhookEndpoints).where(inScope(scope));
      if (n >= MAX_ENDPOINTS)
        return sendList(
          req,
          reply,
          scope,
          { values, errors: { url: [`${K}.errors.too_many`, { max: String(MAX_ENDPOINTS) }] } },
          422,
        );
      const events = WEBHOOK_EVENTS.filter((e) => v.events.includes(e));
      const created = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(webhookEndpoints)
          .values({
            municipalityId: scope.municipalityId,
            url: checked.url.href,
            secret: newWebhookSecret(),
            events,
            description: v.description || null,
            allowPrivate,
            createdBy: req.user?.id ?? null,
            createdAt: clock.now(),
          })
          .returning({ id: webhookEndpoints.id });
        // Never the secret in the audit log: it would be readable by everyone who reads the log.
        await audit(tx, req, scope, "webhook.created", row!.id, {
          url: checked.url.href,
          events,
          allowPrivate,
        });
        return row!;
      });
      await rememberSecretView(reply, scope, created.id, req.user!.id);
      return reply.redirect(webhooksPath(scope, `/${created.id}?done=created`), 303);
    });

    app.get<IdParams>(`${place.prefix}/:id`, async (req, reply) => {
      const scope = await place.scope(req, reply);
      if (!scope) return reply;
      const endpoint = await endpointIn(scope, req.params.id);
      if (!endpoint) return notFound(req, reply);
      const [deliveries, last, showSecret] = await Promise.all([
        db
          .select()
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.endpointId, endpoint.id))
          .orderBy(desc(webhookDeliveries.at), desc(webhookDeliveries.id))
          .limit(LOG_LENGTH),
        lastDeliveries([endpoint.id]),
        takeSecretView(req, reply, scope, endpoint.id),
      ]);
      return sendPage(
        reply,
        <WebhookPage
          ctx={pageContext(req, reply)}
          place={scope}
          notice={noticeOf(req)}
          endpoint={rowOf(endpoint, last.get(endpoint.id))}
          deliveries={deliveries}
          secret={showSecret ? endpoint.secret : undefined}
          canAllowPrivate={canAllowPrivate(req)}
        />,
      );
    });

    /** A change to one endpoint: found in the place, or 404; `apply` writes it and its audit entry. */
    const change =
      (
        apply: (
          req: FastifyRequest<IdParams>,
          reply: FastifyReply,
          scope: Scope,
          endpoint: typeof webhookEndpoints.$inferSelect,
        ) => Promise<unknown>,
      ) =>
      async (req: FastifyRequest<IdParams>, reply: FastifyReply) => {
        const scope = await place.scope(req, reply);
        if (!scope) return reply;
        const endpoint = await endpointIn(scope, req.params.id);
        if (!endpoint) return notFound(req, reply);
        return apply(req, reply, scope, endpoint);
      };
    const doneAt = (reply: FastifyReply, scope: Scope, rest: string, done: string) =>
      reply.redirect(webhooksPath(scope, `${rest}?done=${done}`), 303);

    app.post<IdParams>(
      `${place.prefix}/:id/active`,
      change(async (req, reply, scope, endpoint) => {
        const wanted = typed(req.body, "active");
        if (wanted !== "0" && wanted !== "1") return sendError(req, reply, 400, "bad_request");
        const active = wanted === "1";
        if (active !== endpoint.active)
          await db.transaction(async (tx) => {
            await tx.update(webhookEndpoints).set({ active }).where(eq(webhookEndpoints.id, endpoint.id));
            await audit(tx, req, scope, active ? "webhook.activated" : "webhook.deactivated", endpoint.id, {
              url: endpoint.url,
            });
          });
        return doneAt(reply, scope, `/${endpoint.id}`, active ? "activated" : "deactivated");
      }),
    );

    app.post<IdParams>(
      `${place.prefix}/:id/private`,
      change(async (req, reply, scope, endpoint) => {
        if (!canAllowPrivate(req)) return notFound(req, reply);
        const wanted = typed(req.body, "allowPrivate");
        if (wanted !== "0" && wanted !== "1") return sendError(req, reply, 400, "bad_request");
        const allowPrivate = wanted === "1";
        if (allowPrivate !== endpoint.allowPrivate)
          await db.transaction(async (tx) => {
            await tx
              .update(webhookEndpoints)
              .set({ allowPrivate })
              .where(eq(webhookEndpoints.id, endpoint.id));
            await audit(
              tx,
              req,
              scope,
              allowPrivate ? "webhook.private_allowed" : "webhook.private_disallowed",
              endpoint.id,
              { url: endpoint.url },
            );
          });
        return doneAt(
          reply,
          scope,
          `/${endpoint.id}`,
          allowPrivate ? "private_allowed" : "private_disallowed",
        );
      }),
    );

    app.post<IdParams>(
      `${place.prefix}/:id/test`,
      change(async (_req, reply, scope, endpoint) => {
        await queuePing(
          db,
          { id: endpoint.id, municipality: scope.kind === "municipality" ? scope.slug : null },
          clock.now(),
        );
        app.deps.pokeOutbox();
        return doneAt(reply, scope, `/${endpoint.id}`, "test_queued");
      }),
    );

    app.post<IdParams>(
      `${place.prefix}/:id/delete`,
      change(async (req, reply, scope, endpoint) => {
        // Its log goes with it (cascade); messages still queued for it are dropped at delivery.
        await db.transaction(async (tx) => {
          await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
          await audit(tx, req, scope, "webhook.deleted", endpoint.id, {
            url: endpoint.url,
            events: endpoint.events,
          });
        });
        return doneAt(reply, scope, "", "deleted");
      }),
    );

    // The forms' addresses that are no page (the language switch on a page after an error) lead to the endpoint.
    for (const action of ["active", "private", "test", "delete"])
      app.get<IdParams>(`${place.prefix}/:id/${action}`, async (req, reply) => {
        const base = req.url.split("?")[0]!.replace(new RegExp(`/${action}$`), "");
        return reply.redirect(base, 303);
      });
  }
}
