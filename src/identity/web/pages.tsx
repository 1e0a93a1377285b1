// The account pages: log in, register, links by email, password reset, the account itself.

import { LANGUAGES, type Language } from "../../kernel/i18n.ts";
import { htmlLang } from "../../kernel/localized.ts";
import type { PageContext } from "../../web/context.ts";
import type { FieldErrors } from "../../web/forms.tsx";
import { Button, ErrorMessage, ErrorSummary, Field, formTitle, PostForm } from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";

type Values = Record<string, string>;
const withNext = (path: string, next: string) =>
  next && next !== "/" ? `${path}?next=${encodeURIComponent(next)}` : path;

export function LoginPage(p: {
  ctx: PageContext;
  values: Values;
  errors: FieldErrors;
  next: string;
  eid?: { name: string } | undefined;
}) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={formTitle(t, t("login.title"), p.errors)}>
      <div class="narrow">
        <ErrorSummary t={t} errors={p.errors} order={["email", "password"]} />
        <h1 safe>{t("login.title")}</h1>
        {p.eid ? (
          <>
            <p>
              <a class="button button--secondary" href={withNext("/login/eid", p.next)} safe>
                {t("login.eid", { name: p.eid.name })}
              </a>
            </p>
            <p class="hint" safe>
              {t("login.eidHint")}
            </p>
            <p class="divider" safe>
              {t("login.or")}
            </p>
          </>
        ) : null}
        <PostForm action={withNext("/login", p.next)} csrf={p.ctx.csrf}>
          <Field
            t={t}
            name="email"
            type="email"
            label={t("login.email")}
            value={p.values.email}
            errors={p.errors}
            autocomplete="email"
            spellcheck={false}
          />
          <Field
            t={t}
            name="password"
            type="password"
            label={t("login.password")}
            errors={p.errors}
            autocomplete="current-password"
            width="medium"
          />
          <Button label={t("login.submit")} />
        </PostForm>
        <ul class="link-list">
          <li>
            <a href="/password/forgot" safe>
              {t("login.forgot")}
            </a>
          </li>
          <li>
            <a href={withNext("/login/email", p.next)} safe>
              {t("login.emailLink")}
            </a>
          </li>
          <li>
            <span safe>{t("login.noAccount")}</span>{" "}
            <a href="/register" safe>
              {t("login.register")}
            </a>
          </li>
        </ul>
      </div>
    </Layout>
  );
}

/** A one-field form asking for an email address (login link, password reset). */
export function EmailOnlyPage(p: {
  ctx: PageContext;
  kind: "loginEmail" | "forgot";
  action: string;
  values: Values;
  errors: FieldErrors;
}) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={formTitle(t, t(`${p.kind}.title`), p.errors)}>
      <div class="narrow">
        <ErrorSummary t={t} errors={p.errors} order={["email"]} />
        <h1 safe>{t(`${p.kind}.title`)}</h1>
        <p safe>{t(`${p.kind}.lead`)}</p>
        <PostForm action={p.action} csrf={p.ctx.csrf}>
          <Field
            t={t}
            name="email"
            type="email"
            label={t("login.email")}
            value={p.values.email}
            errors={p.errors}
            autocomplete="email"
            spellcheck={false}
          />
          <Button label={t(`${p.kind}.submit`)} />
        </PostForm>
      </div>
    </Layout>
  );
}

export function CheckEmailPage(p: {
  ctx: PageContext;
  kind: "login" | "reset_password" | "register";
  email: string;
}) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={t("checkEmail.title")}>
      <div class="narrow">
        <h1 safe>{t("checkEmail.title")}</h1>
        <p class="panel" safe>
          {t(`checkEmail.${p.kind}`, { email: p.email })}
        </p>
        <p safe>{t("checkEmail.spam")}</p>
        <p>
          <a href="/login" safe>
            {t("checkEmail.back")}
          </a>
        </p>
      </div>
    </Layout>
  );
}

export function LinkConfirmPage(p: { ctx: PageContext; kind: "login" | "verify_email"; action: string }) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={t(`linkConfirm.${p.kind}.title`)}>
      <div class="narrow">
        <h1 safe>{t(`linkConfirm.${p.kind}.title`)}</h1>
        <p safe>{t(`linkConfirm.${p.kind}.body`)}</p>
        <PostForm action={p.action} csrf={p.ctx.csrf}>
          <Button label={t(`linkConfirm.${p.kind}.submit`)} />
        </PostForm>
      </div>
    </Layout>
  );
}

export function LinkExpiredPage(p: { ctx: PageContext; kind: "login" | "reset_password" | "verify_email" }) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={t("linkExpired.title")}>
      <div class="narrow">
        <h1 safe>{t("linkExpired.title")}</h1>
        <p safe>{t("linkExpired.body")}</p>
        <p>
          {p.kind === "reset_password" ? (
            <a href="/password/forgot" safe>
              {t("linkExpired.newReset")}
            </a>
          ) : (
            <a href="/login/email" safe>
              {t("linkExpired.newLogin")}
            </a>
          )}
        </p>
      </div>
    </Layout>
  );
}

/**
 * The language messages to the person are written in. Registration (no municipality) offers the languages
 * of every page; a municipality's journeys pass its own (offeredLanguages: with Turkish or Bosnian where
 * it has switched them on), the same list their server check accepts.
 */
export function LanguageRadios(p: {
  ctx: PageContext;
  value: string | undefined;
  errors: FieldErrors;
  languages?: readonly Language[];
}) {
  const { t } = p.ctx;
  const current = p.value || p.ctx.lang;
  const error = p.errors.language;
  return (
    <fieldset
      class={error ? "form-group form-group--error" : "form-group"}
      id="field-language"
      aria-describedby={error ? "field-language-error" : undefined}
    >
      <legend class="label" safe>
        {t("register.language")}
      </legend>
      {error ? <ErrorMessage t={t} id="field-language-error" error={error} /> : null}
      {(p.languages ?? LANGUAGES).map((l) => (
        <div class="radio">
          <input
            type="radio"
            class="radio__input"
            id={`language-${l}`}
            name="language"
            value={l}
            checked={current === l}
          />
          <label class="radio__label" for={`language-${l}`} lang={htmlLang(l)} safe>
            {t(`language.name.${l}`)}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

export function RegisterPage(p: { ctx: PageContext; values: Values; errors: FieldErrors }) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={formTitle(t, t("register.title"), p.errors)}>
      <div class="narrow">
        <ErrorSummary t={t} errors={p.errors} order={["name", "email", "password", "language"]} />
        <h1 safe>{t("register.title")}</h1>
        <p safe>{t("register.lead")}</p>
        <PostForm action="/register" csrf={p.ctx.csrf}>
          <Field
            t={t}
            name="name"
            label={t("register.name")}
            hint={t("register.nameHint")}
            value={p.values.name}
            errors={p.errors}
            autocomplete="name"
          />
          <Field
            t={t}
            name="email"
            type="email"
            label={t("register.email")}
            hint={t("register.emailHint")}
            value={p.values.email}
            errors={p.errors}
            autocomplete="email"
            spellcheck={false}
          />
          <Field
            t={t}
            name="password"
            type="password"
            label={t("register.password")}
            hint={t("register.passwordHint")}
            errors={p.errors}
            autocomplete="new-password"
            width="medium"
          />
          <LanguageRadios ctx={p.ctx} value={p.values.language} errors={p.errors} />
          <Button label={t("register.submit")} />
        </PostForm>
        <p>
          <span safe>{t("register.haveAccount")}</span>{" "}
          <a href="/login" safe>
            {t("header.login")}
          </a>
        </p>
      </div>
    </Layout>
  );
}

export function ResetPasswordPage(p: { ctx: PageContext; action: string; errors: FieldErrors }) {
  const { t } = p.ctx;
  return (
    <Layout ctx={p.ctx} title={formTitle(t, t("reset.title"), p.errors)}>
      <div class="narrow">
        <ErrorSummary t={t} errors={p.errors} order={["password"]} />
        <h1 safe>{t("reset.title")}</h1>
        <p safe>{t("reset.lead")}</p>
        <PostForm action={p.action} csrf={p.ctx.csrf}>
          <Field
            t={t}
            name="password"
            type="password"
            label={t("reset.password")}
            hint={t("register.passwordHint")}
            errors={p.errors}
            autocomplete="new-password"
            width="medium"
          />
          <Button label={t("reset.submit")} />
        </PostForm>
      </div>
    </Layout>
  );
}

export function MessagePage(p: { ctx: PageContext; title: string; body: string }) {
  return (
    <Layout ctx={p.ctx} title={p.title}>
      <div class="narrow">
        <h1 safe>{p.title}</h1>
        <p safe>{p.body}</p>
      </div>
    </Layout>
  );
}
