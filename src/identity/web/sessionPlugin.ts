// Who is asking: every request resolves its session cookie to an actor (a visitor when there is none),
// so routes and pages ask the policy table about `req.actor` and never about cookies.
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Actor } from "../../access/policy.ts";
import { loadActor, VISITOR } from "../actor.ts";
import { resumeSession, SESSION_COOKIE } from "../sessions.ts";
import { hashToken } from "../tokens.ts";

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  language: string;
  identityLevel: string;
}

declare module "fastify" {
  interface FastifyRequest {
    actor: Actor;
    user: CurrentUser | undefined;
    /** The id (token hash) of the current session. */
    sessionId: string | undefined;
  }
}

export function registerSessions(app: FastifyInstance) {
  const { database, config, clock } = app.deps;
  app.decorateRequest("actor", null as never);
  app.decorateRequest("user", undefined);
  app.decorateRequest("sessionId", undefined);
  app.addHook("onRequest", async (req, reply) => {
    req.actor = VISITOR;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const found = await resumeSession(database.db, token, clock.now(), config.session);
    if (!found) {
      // An ended or unknown session: forget the cookie, carry on as a visitor.
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return;
    }
    const { user } = found;
    req.user = {
      id: user.id,
      email: user.email,
      name: user.name,
      language: user.language,
      identityLevel: user.identityLevel,
    };
    req.sessionId = hashToken(token);
    req.actor = await loadActor(database.db, user);
  });
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure behind TLS, for the session's life. */
export function setSessionCookie(app: FastifyInstance, reply: FastifyReply, token: string) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: app.deps.config.publicUrl?.startsWith("https:") ?? false,
    maxAge: app.deps.config.session.maxDays * 86_400,
  });
}
