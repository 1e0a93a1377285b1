// The signed-in person's own account: details, sessions, a copy of their data, deleting it all.
import { desc, eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { authorize } from "../../access/policy.ts";
import { departments, devMailbox, municipalities, roleAssignments } from "../../db/schema.ts";
import { sendPage } from "../../web/context.ts";
import { notFound } from "../../web/errors.tsx";
import { validate } from "../../web/forms.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { deleteAccount, exportPersonalData } from "../commands/personalData.ts";
import { listSessions, revokeSession, SESSION_COOKIE } from "../sessions.ts";
import { AccountPage, DeleteAccountPage, DevMailboxPage } from "./accountPages.tsx";
import { MessagePage } from "./pages.tsx";
import type { CurrentUser } from "./sessionPlugin.ts";

const deleteForm = z.object({ confirm: z.literal("yes", { error: "validation.confirm.required" }) });

export async function accountRoutes(app: FastifyInstance) {
  const { database, clock, config } = app.deps;
  const db = database.db;

  /** The signed-in user, or a redirect to log in and come back. */
  const signedIn = (req: FastifyRequest, reply: FastifyReply): CurrentUser | undefined => {
    if (req.user) {
      authorize(req.actor, "account.manage_own", { ownerId: req.user.id });
      return req.user;
    }
    void reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    return undefined;
  };

  app.get(
    "/account",
    { config: { page: { sample: "/account", as: "lirije.shala" } } },
    async (req, reply) => {
      const user = signedIn(req, reply);
      if (!user) return reply;
      const roles = await db
        .select({
          role: roleAssignments.role,
          municipality: municipalities.name,
          slug: municipalities.slug,
          department: departments.name,
        })
        .from(roleAssignments)
        .leftJoin(municipalities, eq(municipalities.id, roleAssignments.municipalityId))
        .leftJoin(departments, eq(departments.id, roleAssignments.departmentId))
        .where(eq(roleAssignments.userId, user.id));
      const sessions = (await listSessions(db, user.id, clock.now())).map((s) => ({
        ...s,
        current: s.id === req.sessionId,
      }));
      const notice =
        (req.query as { revoked?: string }).revoked === "1" ? req.t("account.revoked") : undefined;
      return sendPage(
        reply,
        <AccountPage
          ctx={pageContext(req, reply)}
          account={{ ...user, roles, sessions }}
          {...(notice ? { notice } : {})}
        />,
      );
    },
  );

  app.post<{ Params: { id: string } }>("/account/sessions/:id/revoke", async (req, reply) => {
    const user = signedIn(req, reply);
    if (!user) return reply;
    // Only one's own sessions: another's id simply matches nothing (and says nothing).
    const done =
      /^[0-9a-f]{64}$/.test(req.params.id) && (await revokeSession(db, req.params.id, clock.now(), user.id));
    if (!done) return notFound(req, reply);
    return reply.redirect("/account?revoked=1", 303);
  });

  app.get("/account/export", async (req, reply) => {
    const user = signedIn(req, reply);
    if (!user) return reply;
    const data = await exportPersonalData(db, user.id, clock.now(), req.ip);
    return reply
      .type("application/json; charset=utf-8")
      .header("content-disposition", 'attachment; filename="ekomuna-my-data.json"')
      .header("cache-control", "no-store")
      .send(JSON.stringify(data, null, 2));
  });

  app.get(
    "/account/delete",
    { config: { page: { sample: "/account/delete", as: "stefan.ilic" } } },
    async (req, reply) => {
      if (!signedIn(req, reply)) return reply;
      return sendPage(reply, <DeleteAccountPage ctx={pageContext(req, reply)} errors={{}} />);
    },
  );

  app.post("/account/delete", async (req, reply) => {
    const user = signedIn(req, reply);
    if (!user) return reply;
    const form = validate(deleteForm, req.body);
    if (!form.ok)
      return sendPage(reply, <DeleteAccountPage ctx={pageContext(req, reply)} errors={form.errors} />, 422);
    await deleteAccount(db, user.id, clock.now(), req.ip);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return reply.redirect("/account/deleted", 303);
  });

  app.get("/account/deleted", { config: { page: { sample: "/account/deleted" } } }, async (req, reply) =>
    sendPage(
      reply,
      <MessagePage
        ctx={pageContext(req, reply)}
        title={req.t("accountDeleted.title")}
        body={req.t("accountDeleted.body")}
      />,
    ),
  );

  // Demo mode without SMTP: the mail that would have been sent, so every emailed link can be followed.
  if (config.demo && !config.smtpUrl) {
    app.get("/dev/mailbox", { config: { page: { sample: "/dev/mailbox" } } }, async (req, reply) => {
      const messages = await db.select().from(devMailbox).orderBy(desc(devMailbox.id)).limit(50);
      return sendPage(reply, <DevMailboxPage ctx={pageContext(req, reply)} messages={messages} />);
    });
  }
}
