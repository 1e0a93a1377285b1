// The operators' API clients page (/ops/api-clients, permission api_client.manage): what
// `ekomuna api-key create|list|revoke` does, from a browser, with the same functions and the same audit
// entries (via "web"). Anyone else is answered as if the page did not exist, as on the other admin pages.
//
// A new key is shown in the answer to the POST that made it, not after a redirect: only its hash is
// stored, so that answer is the one place it can be read (no-store; a reload asks to post again).
import { asc, eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../access/policy.ts";
import { municipalities } from "../../db/schema.ts";
import { localized } from "../../kernel/localized.ts";
import { sendPage } from "../../web/context.ts";
import { notFound } from "../../web/errors.tsx";
import { type FieldErrors, typed, validate } from "../../web/forms.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { textField } from "../../web/textField.ts";
import { createApiClient, listApiClients, revokeApiClient } from "../apiKeys.ts";
import {
  API_CLIENTS_PATH,
  ApiClientCreatedPage,
  ApiClientsPage,
  type ClientRow,
  type MunicipalityChoice,
} from "./apiClientPages.tsx";

const K = "apiClients";
/** What a redirect after a revocation may announce (`?done=`), each a catalog key under apiClients.done. */
const DONE = new Set(["revoked", "already_revoked"]);
/** The command line's bounds (src/main.ts): a name of up to 200 characters, up to 7 digits a minute. */
const MAX_RATE = 9_999_999;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const createForm = z.object({
  name: textField(200, `${K}.errors.name_required`, `${K}.errors.name_too_long`),
  municipality: z
    .string()
    .optional()
    .transform((s) => s?.trim() ?? "")
    .refine((s) => s === "" || /^[a-z0-9-]{1,100}$/.test(s), { message: `${K}.errors.municipality_unknown` }),
  rateLimit: z
    .string()
    .optional()
    .transform((s) => s?.trim() ?? "")
    .refine((s) => s === "" || (/^\d{1,7}$/.test(s) && Number(s) >= 1 && Number(s) <= MAX_RATE), {
      message: `${K}.errors.rate_limit`,
    })
    .transform((s) => (s === "" ? undefined : Number(s))),
});

export async function apiClientRoutes(app: FastifyInstance): Promise<void> {
  const { database, clock } = app.deps;
  const db = database.db;

  /** True when the actor may manage API clients; otherwise answered: log in first, or not found. */
  async function allowed(req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (!req.user) {
      const next = req.method === "GET" ? req.url : API_CLIENTS_PATH;
      await reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
      return false;
    }
    if (!can(req.actor, "api_client.manage")) {
      await notFound(req, reply);
      return false;
    }
    return true;
  }

  /** Active municipalities in the page's language, in its alphabetical order. */
  async function choices(req: FastifyRequest): Promise<MunicipalityChoice[]> {
    const rows = await db
      .select({ slug: municipalities.slug, name: municipalities.name })
      .from(municipalities)
      .where(eq(municipalities.active, true))
      .orderBy(asc(municipalities.slug));
    return rows
      .map((m) => ({ slug: m.slug, name: localized(m.name, req.lang) }))
      .sort((a, b) => a.name.localeCompare(b.name, req.lang));
  }

  async function sendList(
    req: FastifyRequest,
    reply: FastifyReply,
    form: { values: Record<string, string>; errors: FieldErrors },
    status = 200,
  ) {
    const [listed, known] = await Promise.all([
      listApiClients(db, { actorId: req.user?.id ?? null, now: clock.now(), via: "web" }),
      choices(req),
    ]);
    const nameOf = new Map(known.map((m) => [m.slug, m.name]));
    const clients: ClientRow[] = listed.map((c) => ({
      ...c,
      municipality: c.municipality === null ? null : (nameOf.get(c.municipality) ?? c.municipality),
    }));
    const done = (req.query as { done?: unknown } | undefined)?.done;
    const notice =
      status === 200 && typeof done === "string" && DONE.has(done) ? req.t(`${K}.done.${done}`) : undefined;
    return sendPage(
      reply,
      <ApiClientsPage
        ctx={pageContext(req, reply)}
        notice={notice}
        clients={clients}
        choices={known}
        values={form.values}
        errors={form.errors}
      />,
      status,
    );
  }

  app.get(
    API_CLIENTS_PATH,
    { config: { page: { sample: API_CLIENTS_PATH, as: "operator" } } },
    async (req, reply) => {
      if (!(await allowed(req, reply))) return reply;
      return sendList(req, reply, { values: {}, errors: {} });
    },
  );

  app.post(API_CLIENTS_PATH, async (req, reply) => {
    if (!(await allowed(req, reply))) return reply;
    const values = {
      name: typed(req.body, "name"),
      municipality: typed(req.body, "municipality"),
      rateLimit: typed(req.body, "rateLimit"),
    };
    const form = validate(createForm, req.body);
    if (!form.ok) return sendList(req, reply, { values, errors: form.errors }, 422);
    const v = form.value;
    const made = await createApiClient(db, {
      name: v.name,
      municipality: v.municipality || undefined,
      rateLimit: v.rateLimit,
      createdBy: req.user?.id ?? null,
      now: clock.now(),
      via: "web",
    });
    if (!made.ok)
      return sendList(
        req,
        reply,
        { values, errors: { municipality: `${K}.errors.municipality_unknown` } },
        422,
      );
    const municipality = made.client.municipality
      ? ((await choices(req)).find((m) => m.slug === made.client.municipality?.slug)?.name ??
        made.client.municipality.slug)
      : null;
    return sendPage(
      reply,
      <ApiClientCreatedPage
        ctx={pageContext(req, reply)}
        apiKey={made.key}
        client={{
          id: made.client.id,
          name: made.client.name,
          municipality,
          keyPrefix: made.client.keyPrefix,
          rateLimit: made.client.rateLimit,
          createdAt: clock.now(),
          lastUsedAt: null,
          revokedAt: null,
        }}
      />,
      201,
    );
  });

  app.post<{ Params: { id: string } }>(`${API_CLIENTS_PATH}/:id/revoke`, async (req, reply) => {
    if (!(await allowed(req, reply))) return reply;
    // Only by id here: the page names each client by it (the command line also takes prefixes and keys).
    if (!UUID.test(req.params.id)) return notFound(req, reply);
    const result = await revokeApiClient(db, {
      which: req.params.id,
      actorId: req.user?.id ?? null,
      now: clock.now(),
      via: "web",
    });
    if (!result.ok) return notFound(req, reply);
    return reply.redirect(`${API_CLIENTS_PATH}?done=${result.already ? "already_revoked" : "revoked"}`, 303);
  });
}
