// The in-app notification centre (/notifications: newest first, mark read, mark all read), the email
// preferences (/notifications/preferences) and the page of an email's unsubscribe link
// (/notifications/unsubscribe?t=…), which works without signing in because the link is signed; its POST
// also takes the one-click unsubscribe of RFC 8058 from a mail client, without a CSRF cookie.
import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { authorize } from "../../access/policy.ts";
import { emailOptOuts, notifications, users } from "../../db/schema.ts";
import { isStaff } from "../../identity/actor.ts";
import type { CurrentUser } from "../../identity/web/sessionPlugin.ts";
import { sendPage } from "../../web/context.ts";
import { notFound } from "../../web/errors.tsx";
import { type FieldErrors, validate } from "../../web/forms.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { platformKey, verify } from "../keys.ts";
import {
  editableTopics,
  isOff,
  loadPreferences,
  preferencesSchema,
  readUnsubscribeToken,
  savePreferences,
  topicsFor,
  turnOff,
  type UnsubscribeTarget,
} from "../preferences.ts";
import { REQUIRED_TOPICS } from "../topics.ts";
import {
  CENTRE_DONE,
  NotificationCentrePage,
  PAGE_SIZE,
  PreferencesPage,
  UnsubscribePage,
  type UnsubscribeState,
} from "./notificationPages.tsx";

const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  done: z.enum(CENTRE_DONE).optional().catch(undefined),
});
const ID = /^[1-9][0-9]{0,17}$/;
/** The page and notice a query (or the mark-read form) asks for; anything unreadable is the first page. */
const pageOf = (v: unknown) => {
  const parsed = pageQuery.safeParse(v && typeof v === "object" ? v : {});
  return parsed.success ? parsed.data : { page: 1, done: undefined };
};

export async function notificationRoutes(app: FastifyInstance) {
  const { database, clock } = app.deps;
  const db = database.db;

  // RFC 8058 lets a mail client send its one-click POST as multipart/form-data too; its body says nothing
  // the link does not (the token is in the address), so it is read (a little of it) and set aside.
  app.addContentTypeParser(
    "multipart/form-data",
    { parseAs: "buffer", bodyLimit: 16_384 },
    (_req, _body, done) => done(null, {}),
  );

  /** The signed-in person, or a redirect to log in and come back (GET pages; a POST comes back to the list). */
  const signedIn = (req: FastifyRequest, reply: FastifyReply, back = req.url): CurrentUser | undefined => {
    if (req.user) {
      authorize(req.actor, "account.manage_own", { ownerId: req.user.id });
      return req.user;
    }
    void reply.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
    return undefined;
  };

  // ── The centre

  app.get(
    "/notifications",
    { config: { page: { sample: "/notifications", as: "lirije.shala" } } },
    async (req, reply) => {
      const user = signedIn(req, reply);
      if (!user) return reply;
      const query = pageOf(req.query);
      const [totals] = await db
        .select({
          total: count(),
          unread: sql<number>`count(*) filter (where ${notifications.readAt} is null)::int`,
        })
        .from(notifications)
        .where(eq(notifications.userId, user.id));
      const total = Number(totals?.total ?? 0);
      const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
      // A page past the end (the list shrank, or a typed address) shows the last one.
      const page = Math.min(query.page, pageCount);
      const rows = await db
        .select({
          id: notifications.id,
          subject: notifications.subject,
          body: notifications.body,
          link: notifications.link,
          createdAt: notifications.createdAt,
          readAt: notifications.readAt,
        })
        .from(notifications)
        .where(eq(notifications.userId, user.id))
        .orderBy(desc(notifications.createdAt), desc(notifications.id))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE);
      return sendPage(
        reply,
        <NotificationCentrePage
          ctx={pageContext(req, reply)}
          list={{ rows, page, pageCount, unread: Number(totals?.unread ?? 0) }}
          done={query.done}
        />,
      );
    },
  );

  app.post<{ Params: { id: string } }>("/notifications/:id/read", async (req, reply) => {
    const user = signedIn(req, reply, "/notifications");
    if (!user) return reply;
    // Only one's own: another person's id matches nothing, and answers as if it did not exist.
    const marked = ID.test(req.params.id)
      ? await db
          .update(notifications)
          .set({ readAt: sql`coalesce(${notifications.readAt}, ${clock.now().toISOString()}::timestamptz)` })
          .where(and(eq(notifications.id, Number(req.params.id)), eq(notifications.userId, user.id)))
          .returning({ id: notifications.id })
      : [];
    if (marked.length === 0) return notFound(req, reply);
    const { page } = pageOf(req.body);
    return reply.redirect(`/notifications?${page > 1 ? `page=${page}&` : ""}done=read`, 303);
  });

  app.post("/notifications/read-all", async (req, reply) => {
    const user = signedIn(req, reply, "/notifications");
    if (!user) return reply;
    await db
      .update(notifications)
      .set({ readAt: clock.now() })
      .where(and(eq(notifications.userId, user.id), isNull(notifications.readAt)));
    return reply.redirect("/notifications?done=all_read", 303);
  });

  // ── Preferences

  app.get(
    "/notifications/preferences",
    { config: { page: { sample: "/notifications/preferences", as: "zyrtari.prishtine" } } },
    async (req, reply) => {
      const user = signedIn(req, reply);
      if (!user) return reply;
      const topics = topicsFor(isStaff(req.actor));
      const values = await loadPreferences(db, user.id, topics);
      const saved = (req.query as { saved?: unknown } | undefined)?.saved === "1";
      return sendPage(
        reply,
        <PreferencesPage
          ctx={pageContext(req, reply)}
          topics={topics}
          values={values}
          errors={{}}
          saved={saved}
        />,
      );
    },
  );

  app.post("/notifications/preferences", async (req, reply) => {
    const user = signedIn(req, reply, "/notifications/preferences");
    if (!user) return reply;
    const topics = topicsFor(isStaff(req.actor));
    const form = validate(preferencesSchema(topics), req.body);
    if (!form.ok) {
      // The form again with what was chosen where it was a choice the topic offers; nothing where not.
      const body = (req.body ?? {}) as Record<string, unknown>;
      const stored = await loadPreferences(db, user.id, topics);
      const values = Object.fromEntries(
        editableTopics(topics).map((topic) => [
          topic,
          form.errors[topic] ? undefined : typeof body[topic] === "string" ? body[topic] : stored[topic],
        ]),
      );
      return sendPage(
        reply,
        <PreferencesPage
          ctx={pageContext(req, reply)}
          topics={topics}
          values={values}
          errors={form.errors as FieldErrors}
        />,
        400,
      );
    }
    await savePreferences(db, user.id, form.value, clock.now());
    return reply.redirect("/notifications/preferences?saved=1", 303);
  });

  // ── Unsubscribe links

  const unsubscribeQuery = z.object({ t: z.string().max(1000) });

  /** The link's target, or undefined for a broken or forged one, or an account that no longer exists. */
  async function targetOf(req: FastifyRequest): Promise<UnsubscribeTarget | undefined> {
    const query = unsubscribeQuery.safeParse(req.query ?? {});
    if (!query.success) return undefined;
    const key = await platformKey(db, "unsubscribe");
    const target = readUnsubscribeToken(query.data.t, (signed) => verify(key, signed));
    if (target?.kind === "user") {
      const [account] = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, target.userId), isNull(users.deletedAt)));
      if (!account) return undefined;
    }
    return target;
  }

  /** Whether nothing of the topic goes to the link's person any more. */
  async function stopped(target: UnsubscribeTarget): Promise<boolean> {
    if (target.kind === "user") return isOff(db, target.userId, target.topic);
    const [row] = await db
      .select({ email: emailOptOuts.email })
      .from(emailOptOuts)
      .where(and(eq(emailOptOuts.email, target.email), eq(emailOptOuts.topic, target.topic)));
    return !!row;
  }

  const unsubscribePage = (
    req: FastifyRequest,
    reply: FastifyReply,
    state: UnsubscribeState,
    target: UnsubscribeTarget | undefined,
    status: number,
  ) =>
    sendPage(
      reply,
      <UnsubscribePage
        ctx={pageContext(req, reply)}
        state={state}
        topic={target?.topic}
        account={target?.kind === "user"}
        action={req.url}
      />,
      status,
    );

  app.get(
    "/notifications/unsubscribe",
    // A real link's token is made per installation; the sample shows what a broken one answers.
    { config: { page: { sample: "/notifications/unsubscribe?t=broken", status: 400 } } },
    async (req, reply) => {
      const target = await targetOf(req);
      if (!target) return unsubscribePage(req, reply, "invalid", undefined, 400);
      if (REQUIRED_TOPICS.has(target.topic)) return unsubscribePage(req, reply, "required", target, 200);
      const state = (await stopped(target)) ? "done" : "confirm";
      return unsubscribePage(req, reply, state, target, 200);
    },
  );

  // The button of the page above, and a mail client's one-click POST ("List-Unsubscribe=One-Click"),
  // which carries no CSRF cookie: the signed link is what proves the request, so CSRF is not asked.
  app.post("/notifications/unsubscribe", { config: { csrf: false } }, async (req, reply) => {
    const target = await targetOf(req);
    if (!target) return unsubscribePage(req, reply, "invalid", undefined, 400);
    if (REQUIRED_TOPICS.has(target.topic)) return unsubscribePage(req, reply, "required", target, 409);
    if (target.kind === "user") await turnOff(db, target.userId, target.topic, clock.now());
    else
      await db
        .insert(emailOptOuts)
        .values({ email: target.email, topic: target.topic, createdAt: clock.now() })
        .onConflictDoNothing();
    return reply.redirect(req.url, 303);
  });
}
