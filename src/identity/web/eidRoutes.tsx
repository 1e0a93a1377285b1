// "Log in with e-Kosova": the national eID over OpenID Connect. GET /login/eid sends the browser to the
// provider with a fresh state, nonce and PKCE verifier, kept meanwhile in a short-lived HttpOnly cookie
// scoped to /login/eid; the callback checks the state against that cookie, lets openid-client check the
// rest (issuer, PKCE, ID token signature and nonce) and opens a session. Not configured: no routes (404).
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { baseUrl } from "../../app.ts";
import type { PageContext } from "../../web/context.ts";
import { safeLocalPath, sendPage } from "../../web/context.ts";
import { Layout } from "../../web/layout.tsx";
import { pageContext } from "../../web/pageContext.ts";
import type { IdentityDeps, RequestInfo } from "../commands/deps.ts";
import { type EidLoginResult, logInWithEid } from "../commands/logInWithEid.ts";
import { createEidClient, type OidcChecks } from "../oidc.ts";
import { LoginPage } from "./pages.tsx";
import { setSessionCookie } from "./sessionPlugin.ts";

export const EID_FLOW_COOKIE = "eid_flow";
const FLOW_PATH = "/login/eid";
const FLOW_MINUTES = 10;

/** What the flow cookie holds: the login's checks, where to go afterwards, and when it began. */
const flowSchema = z.object({
  state: z.string().min(1).max(200),
  nonce: z.string().min(1).max(200),
  codeVerifier: z.string().min(43).max(128),
  next: z.string().max(2000),
  startedAt: z.number().int(),
});
type Flow = z.infer<typeof flowSchema>;

const encodeFlow = (flow: Flow) => Buffer.from(JSON.stringify(flow)).toString("base64url");

/** The flow the cookie describes, if it is well-formed and younger than ten minutes (by the app's clock). */
function decodeFlow(value: string | undefined, now: Date): Flow | undefined {
  if (!value || value.length > 4000) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const flow = flowSchema.safeParse(parsed);
  if (!flow.success) return undefined;
  const age = now.getTime() - flow.data.startedAt;
  return age >= -60_000 && age <= FLOW_MINUTES * 60_000 ? flow.data : undefined;
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const withNext = (path: string, next: string) =>
  next !== "/" ? `${path}?next=${encodeURIComponent(next)}` : path;

type Problem = "expired" | "failed" | "refused" | "unavailable" | "noEmail" | "emailInUse" | "accountClosed";

const REFUSAL: Record<Extract<EidLoginResult, { ok: false }>["reason"], Problem> = {
  no_email: "noEmail",
  email_in_use: "emailInUse",
  account_closed: "accountClosed",
};

export function EidProblemPage(p: { ctx: PageContext; name: string; problem: Problem; next: string }) {
  const { t } = p.ctx;
  const title = t("eid.problemTitle", { name: p.name });
  return (
    <Layout ctx={p.ctx} title={title}>
      <div class="narrow">
        <h1 safe>{title}</h1>
        <p safe>{t(`eid.problems.${p.problem}`, { name: p.name })}</p>
        <ul class="link-list">
          <li>
            <a href={withNext(FLOW_PATH, p.next)} safe>
              {t("eid.tryAgain", { name: p.name })}
            </a>
          </li>
          <li>
            <a href={withNext("/login", p.next)} safe>
              {t("eid.otherWays")}
            </a>
          </li>
        </ul>
      </div>
    </Layout>
  );
}

/** Per-IP limits, like the other login routes. */
const limit = (max: number, minutes: number) => ({ rateLimit: { max, timeWindow: minutes * 60_000 } });

export async function eidRoutes(app: FastifyInstance) {
  const { config, database, clock } = app.deps;
  const oidc = config.oidc;
  if (!oidc) return;
  const eid = createEidClient(oidc, `${baseUrl(config)}${FLOW_PATH}/callback`);
  const secure = config.publicUrl?.startsWith("https:") ?? false;
  const deps = (): IdentityDeps => ({
    db: database.db,
    now: clock.now(),
    baseUrl: baseUrl(config),
    session: config.session,
    poke: app.deps.pokeOutbox,
  });
  const info = (req: FastifyRequest): RequestInfo => ({ ip: req.ip, userAgent: req.headers["user-agent"] });
  const problem = (req: FastifyRequest, reply: FastifyReply, kind: Problem, next: string, status: number) =>
    sendPage(
      reply,
      <EidProblemPage ctx={pageContext(req, reply)} name={oidc.name} problem={kind} next={next} />,
      status,
    );

  app.get("/login/eid", { config: limit(30, 5) }, async (req, reply) => {
    const next = safeLocalPath((req.query as { next?: unknown }).next);
    if (req.user) return reply.redirect(next, 303);
    let started: { url: URL; checks: OidcChecks };
    try {
      started = await eid.start();
    } catch (err) {
      req.log.warn({ err }, "eID provider discovery failed");
      return problem(req, reply, "unavailable", next, 503);
    }
    const flow: Flow = { ...started.checks, next, startedAt: clock.now().getTime() };
    reply.setCookie(EID_FLOW_COOKIE, encodeFlow(flow), {
      path: FLOW_PATH,
      httpOnly: true,
      sameSite: "lax",
      secure,
      maxAge: FLOW_MINUTES * 60,
    });
    reply.header("cache-control", "no-store");
    return reply.redirect(started.url.href, 303);
  });

  app.get("/login/eid/callback", { config: limit(30, 5) }, async (req, reply) => {
    const query = req.query as Record<string, unknown>;
    const flow = decodeFlow(req.cookies[EID_FLOW_COOKIE], clock.now());
    // One use only, whatever happens next.
    reply.clearCookie(EID_FLOW_COOKIE, { path: FLOW_PATH, httpOnly: true, sameSite: "lax", secure });
    const next = safeLocalPath(flow?.next);

    if (typeof query.error === "string") {
      req.log.info({ error: query.error.slice(0, 100) }, "eID provider returned an error");
      if (query.error === "access_denied") {
        const errors = { form: ["eid.cancelled", { name: oidc.name }] as [string, Record<string, unknown>] };
        return sendPage(
          reply,
          <LoginPage
            ctx={pageContext(req, reply)}
            values={{}}
            errors={errors}
            next={next}
            eid={{ name: oidc.name }}
          />,
        );
      }
      return problem(req, reply, "refused", next, 400);
    }
    if (!flow) return problem(req, reply, "expired", next, 400);
    if (typeof query.state !== "string" || !sameText(query.state, flow.state)) {
      req.log.warn("eID callback with a state that is not this browser's");
      return problem(req, reply, "failed", next, 400);
    }

    const queryString = req.url.includes("?") ? req.url.slice(req.url.indexOf("?")) : "";
    let claims: Awaited<ReturnType<typeof eid.finish>>;
    try {
      claims = await eid.finish(queryString, flow);
    } catch (err) {
      req.log.warn({ err }, "eID code exchange failed");
      return problem(req, reply, "failed", next, 400);
    }

    const result = await logInWithEid(claims, { language: req.lang }, deps(), info(req));
    if (!result.ok) return problem(req, reply, REFUSAL[result.reason], next, 403);
    setSessionCookie(app, reply, result.token);
    return reply.redirect(next, 303);
  });
}
