// Account routes: each reads top to bottom — validate, (authenticate), command, then redirect (303) or
// show the form again (422) with what was typed and what is wrong.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { baseUrl } from "../../app.ts";
import { LANGUAGES } from "../../kernel/i18n.ts";
import { safeLocalPath, sendPage } from "../../web/context.ts";
import { type FieldErrors, typed, validate } from "../../web/forms.tsx";
import { pageContext } from "../../web/pageContext.ts";
import type { IdentityDeps, RequestInfo } from "../commands/deps.ts";
import { resetPassword, sendAccountLink, useAccountLink } from "../commands/emailLinkLogin.ts";
import { peekEmailToken } from "../commands/emailTokens.ts";
import { logIn } from "../commands/logIn.ts";
import { registerAccount } from "../commands/registerAccount.ts";
import { PASSWORD_MAX, passwordProblem } from "../passwords.ts";
import { revokeSession, SESSION_COOKIE } from "../sessions.ts";
import { accountRoutes } from "./accountRoutes.tsx";
import { eidRoutes } from "./eidRoutes.tsx";
import {
  CheckEmailPage,
  EmailOnlyPage,
  LinkConfirmPage,
  LinkExpiredPage,
  LoginPage,
  RegisterPage,
  ResetPasswordPage,
} from "./pages.tsx";
import { setSessionCookie } from "./sessionPlugin.ts";

const email = z
  .string({ error: "validation.email.required" })
  .trim()
  .min(1, "validation.email.required")
  .max(254, "validation.email.invalid")
  .pipe(z.email({ error: "validation.email.invalid" }));

const newPassword = z
  .string({ error: "validation.password.required" })
  .min(1, "validation.password.required")
  .superRefine((pw, ctx) => {
    const problem = passwordProblem(pw);
    if (problem) ctx.addIssue({ code: "custom", message: `validation.password.${problem}` });
  });

const loginForm = z.object({
  email,
  password: z
    .string({ error: "validation.password.required" })
    .min(1, "validation.password.required")
    .max(PASSWORD_MAX, "validation.password.too_long"),
});
const emailForm = z.object({ email });
const registerForm = z
  .object({
    name: z
      .string({ error: "validation.name.required" })
      .trim()
      .min(1, "validation.name.required")
      .max(200, "validation.name.too_long"),
    email,
    password: newPassword,
    language: z.enum(LANGUAGES, { error: "validation.language.invalid" }),
  })
  .superRefine((v, ctx) => {
    if (passwordProblem(v.password, v.email) === "same_as_email") {
      ctx.addIssue({ code: "custom", path: ["password"], message: "validation.password.same_as_email" });
    }
  });
const resetForm = z.object({ password: newPassword });

/** Per-IP limits on the forms that send email or check passwords; growing delays per account come on top. */
const limit = (max: number, minutes: number) => ({ rateLimit: { max, timeWindow: minutes * 60_000 } });

export async function identityRoutes(app: FastifyInstance) {
  const { config, database, clock } = app.deps;
  const deps = (): IdentityDeps => ({
    db: database.db,
    now: clock.now(),
    baseUrl: baseUrl(config),
    session: config.session,
    poke: app.deps.pokeOutbox,
  });
  const info = (req: FastifyRequest): RequestInfo => ({ ip: req.ip, userAgent: req.headers["user-agent"] });
  const nextOf = (req: FastifyRequest) => safeLocalPath((req.query as { next?: string }).next);
  const eid = config.oidc ? { name: config.oidc.name } : undefined;

  const signIn = (reply: FastifyReply, token: string, to: string) => {
    setSessionCookie(app, reply, token);
    return reply.redirect(to, 303);
  };

  app.get("/login", { config: { page: { sample: "/login" } } }, async (req, reply) => {
    if (req.user) return reply.redirect(nextOf(req), 303);
    return sendPage(
      reply,
      <LoginPage ctx={pageContext(req, reply)} values={{}} errors={{}} next={nextOf(req)} eid={eid} />,
    );
  });

  app.post("/login", { config: limit(30, 5) }, async (req, reply) => {
    const next = nextOf(req);
    const form = validate(loginForm, req.body);
    const again = (errors: FieldErrors, status = 422) =>
      sendPage(
        reply,
        <LoginPage
          ctx={pageContext(req, reply)}
          values={{ email: typed(req.body, "email") }}
          errors={errors}
          next={next}
          eid={eid}
        />,
        status,
      );
    if (!form.ok) return again(form.errors);
    const result = await logIn(form.value, deps(), info(req));
    if (result.ok) return signIn(reply, result.token, next);
    if (result.reason === "throttled") {
      reply.header("retry-after", String(result.retryAfterSeconds));
      return again({ form: ["auth.throttled", { seconds: result.retryAfterSeconds }] }, 429);
    }
    return again(
      result.reason === "email_not_verified"
        ? { form: "auth.email_not_verified" }
        : { email: "auth.invalid_credentials" },
    );
  });

  for (const kind of ["login", "reset_password"] as const) {
    const path = kind === "login" ? "/login/email" : "/password/forgot";
    const page = kind === "login" ? "loginEmail" : "forgot";
    app.get(path, { config: { page: { sample: path } } }, async (req, reply) =>
      sendPage(
        reply,
        <EmailOnlyPage ctx={pageContext(req, reply)} kind={page} action={path} values={{}} errors={{}} />,
      ),
    );
    app.post(path, { config: limit(10, 15) }, async (req, reply) => {
      const form = validate(emailForm, req.body);
      if (!form.ok) {
        return sendPage(
          reply,
          <EmailOnlyPage
            ctx={pageContext(req, reply)}
            kind={page}
            action={path}
            values={{ email: typed(req.body, "email") }}
            errors={form.errors}
          />,
          422,
        );
      }
      await sendAccountLink(kind, form.value.email, deps());
      return sendPage(
        reply,
        <CheckEmailPage ctx={pageContext(req, reply)} kind={kind} email={form.value.email} />,
      );
    });
  }

  // Links from emails open a page with a button: mail scanners that fetch links must not use them up.
  for (const kind of ["login", "verify_email"] as const) {
    const base = kind === "login" ? "/login/link" : "/verify-email";
    const sample = `${base}/${"x".repeat(43)}`;
    app.get<{ Params: { token: string } }>(
      `${base}/:token`,
      { config: { page: { sample } } },
      async (req, reply) => {
        const ctx = pageContext(req, reply);
        const live = await peekEmailToken(database.db, req.params.token, kind, clock.now());
        return live
          ? sendPage(reply, <LinkConfirmPage ctx={ctx} kind={kind} action={`${base}/${req.params.token}`} />)
          : sendPage(reply, <LinkExpiredPage ctx={ctx} kind={kind} />);
      },
    );
    app.post<{ Params: { token: string } }>(
      `${base}/:token`,
      { config: limit(30, 15) },
      async (req, reply) => {
        const result = await useAccountLink(kind, req.params.token, deps(), info(req));
        if (result.ok) return signIn(reply, result.token, kind === "login" ? "/" : "/account");
        return sendPage(reply, <LinkExpiredPage ctx={pageContext(req, reply)} kind={kind} />, 410);
      },
    );
  }

  app.get("/register", { config: { page: { sample: "/register" } } }, async (req, reply) =>
    sendPage(reply, <RegisterPage ctx={pageContext(req, reply)} values={{}} errors={{}} />),
  );

  app.post("/register", { config: limit(10, 15) }, async (req, reply) => {
    const form = validate(registerForm, req.body);
    if (!form.ok) {
      const values = {
        name: typed(req.body, "name"),
        email: typed(req.body, "email"),
        language: typed(req.body, "language"),
      };
      return sendPage(
        reply,
        <RegisterPage ctx={pageContext(req, reply)} values={values} errors={form.errors} />,
        422,
      );
    }
    await registerAccount(form.value, deps(), info(req));
    return sendPage(
      reply,
      <CheckEmailPage ctx={pageContext(req, reply)} kind="register" email={form.value.email} />,
    );
  });

  app.get<{ Params: { token: string } }>(
    "/password/reset/:token",
    { config: { page: { sample: `/password/reset/${"x".repeat(43)}` } } },
    async (req, reply) => {
      const ctx = pageContext(req, reply);
      const live = await peekEmailToken(database.db, req.params.token, "reset_password", clock.now());
      return live
        ? sendPage(
            reply,
            <ResetPasswordPage ctx={ctx} action={`/password/reset/${req.params.token}`} errors={{}} />,
          )
        : sendPage(reply, <LinkExpiredPage ctx={ctx} kind="reset_password" />);
    },
  );

  app.post<{ Params: { token: string } }>(
    "/password/reset/:token",
    { config: limit(30, 15) },
    async (req, reply) => {
      const action = `/password/reset/${req.params.token}`;
      const form = validate(resetForm, req.body);
      if (!form.ok)
        return sendPage(
          reply,
          <ResetPasswordPage ctx={pageContext(req, reply)} action={action} errors={form.errors} />,
          422,
        );
      const result = await resetPassword(req.params.token, form.value.password, deps(), info(req));
      if (result.ok) return signIn(reply, result.token, "/account");
      return sendPage(reply, <LinkExpiredPage ctx={pageContext(req, reply)} kind="reset_password" />, 410);
    },
  );

  app.post("/logout", async (req, reply) => {
    if (req.sessionId) await revokeSession(database.db, req.sessionId, clock.now());
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return reply.redirect("/", 303);
  });

  await app.register(accountRoutes);
  await app.register(eidRoutes);
}
