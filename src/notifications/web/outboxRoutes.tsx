// The operators' outbox page (/ops/outbox, permission outbox.view_dead): counts per channel, the dead
// messages with their reason, and "retry" for each, which makes it due again with its attempts reset.
// Anyone else is answered as if the page did not exist, as on the other admin pages.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { can } from "../../access/policy.ts";
import { appendAudit } from "../../audit/audit.ts";
import { sendPage } from "../../web/context.ts";
import { notFound } from "../../web/errors.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { deadMessages, outboxCounts, retryAllDead, retryDead } from "../outbox.ts";
import { DEAD_SHOWN, OUTBOX_PATH, OutboxPage } from "./outboxPages.tsx";

const K = "outbox_ops";
/** What a redirect after a retry may announce (`?done=`), each a catalog key under outbox_ops.done. */
const DONE = new Set(["retried", "not_dead", "retried_all"]);

export async function outboxRoutes(app: FastifyInstance): Promise<void> {
  const { database, clock } = app.deps;
  const db = database.db;

  /** True when the actor may see the outbox; otherwise answered: log in first, or not found. */
  async function allowed(req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (!req.user) {
      const next = req.method === "GET" ? req.url : OUTBOX_PATH;
      await reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
      return false;
    }
    if (!can(req.actor, "outbox.view_dead")) {
      await notFound(req, reply);
      return false;
    }
    return true;
  }

  app.get(OUTBOX_PATH, { config: { page: { sample: OUTBOX_PATH, as: "operator" } } }, async (req, reply) => {
    if (!(await allowed(req, reply))) return reply;
    const [counts, dead] = await Promise.all([outboxCounts(db, clock.now()), deadMessages(db, DEAD_SHOWN)]);
    const done = (req.query as { done?: unknown } | undefined)?.done;
    const notice = typeof done === "string" && DONE.has(done) ? req.t(`${K}.done.${done}`) : undefined;
    return sendPage(
      reply,
      <OutboxPage ctx={pageContext(req, reply)} notice={notice} counts={counts} dead={dead} />,
    );
  });

  // After an outage (the mail server down for longer than the retries last), every dead message at once.
  app.post(`${OUTBOX_PATH}/retry-all`, async (req, reply) => {
    if (!(await allowed(req, reply))) return reply;
    const now = clock.now();
    const count = await db.transaction(async (tx) => {
      const n = await retryAllDead(tx, now);
      if (n > 0) {
        await appendAudit(tx, {
          at: now,
          actorId: req.user?.id ?? null,
          action: "outbox.retry_all",
          subjectType: "outbox",
          ip: req.ip,
          data: { count: n },
        });
      }
      return n;
    });
    if (count > 0) app.deps.pokeOutbox();
    return reply.redirect(`${OUTBOX_PATH}?done=${count > 0 ? "retried_all" : "not_dead"}`, 303);
  });

  app.post<{ Params: { id: string } }>(`${OUTBOX_PATH}/:id/retry`, async (req, reply) => {
    if (!(await allowed(req, reply))) return reply;
    const id = /^\d{1,15}$/.test(req.params.id) ? Number(req.params.id) : undefined;
    if (id === undefined) return notFound(req, reply);
    const now = clock.now();
    const retried = await db.transaction(async (tx) => {
      if (!(await retryDead(tx, id, now))) return false;
      await appendAudit(tx, {
        at: now,
        actorId: req.user?.id ?? null,
        action: "outbox.retry",
        subjectType: "outbox",
        subjectId: String(id),
        ip: req.ip,
        data: {},
      });
      return true;
    });
    if (retried) app.deps.pokeOutbox();
    // Retried twice (a double click) or never dead: say so rather than fail.
    return reply.redirect(`${OUTBOX_PATH}?done=${retried ? "retried" : "not_dead"}`, 303);
  });
}
