// The account page (details, roles, sessions, data export, deletion) and the development mailbox.
import type { LocalizedText } from "../../db/schema.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import type { PageContext } from "../../web/context.ts";
import { Button, ErrorSummary, FieldError, type FieldErrors, formTitle, PostForm } from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";
import { openInboxHref } from "../../workspace/inboxQuery.ts";

/** The participation pages a coordinator runs, linked beside their inbox. */
const PARTICIPATION_PAGES = ["consultations", "proposals", "meetings"] as const;

/** The ministry's pages, linked beside a ministry monitor's role (issue 9). */
const MINISTRY_PAGES = [
  ["dashboard", "/ministry"],
  ["standards", "/ministry/standards"],
  ["reports", "/reports"],
  ["onboarding", "/ministry/onboarding"],
  ["calendar", "/ministry/calendar"],
] as const;

export interface AccountView {
  name: string;
  email: string;
  identityLevel: string;
  language: string;
  roles: {
    role: string;
    municipality: LocalizedText | null;
    /** The municipality's address part: a role in one has a link to its inbox. */
    slug: string | null;
    department: LocalizedText | null;
  }[];
  sessions: {
    id: string;
    createdAt: Date;
    lastSeenAt: Date;
    method: string;
    userAgent: string | null;
    current: boolean;
  }[];
}

function dateTime(ctx: PageContext, d: Date) {
  return new Intl.DateTimeFormat(htmlLang(ctx.lang), {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: ctx.timeZone,
  }).format(d);
}

export function AccountPage({
  ctx,
  account,
  notice,
}: {
  ctx: PageContext;
  account: AccountView;
  notice?: string;
}) {
  const { t, lang } = ctx;
  return (
    <Layout ctx={ctx} title={t("account.title")}>
      {notice ? (
        <div class="notice" role="status" safe>
          {notice}
        </div>
      ) : null}
      <h1 safe>{t("account.title")}</h1>
      <p>
        <a href="/account/cases" safe>
          {t("account.casesLink")}
        </a>
      </p>
      <h2 safe>{t("account.detailsHeading")}</h2>
      <dl class="summary-list">
        <div>
          <dt safe>{t("account.name")}</dt>
          <dd safe>{account.name}</dd>
        </div>
        <div>
          <dt safe>{t("account.email")}</dt>
          <dd safe>{account.email}</dd>
        </div>
        <div>
          <dt safe>{t("account.identity")}</dt>
          <dd safe>
            {account.identityLevel === "verified"
              ? t("account.identityVerified")
              : t("account.identityBasic")}
          </dd>
        </div>
        <div>
          <dt safe>{t("account.language")}</dt>
          <dd safe>{t(`language.name.${account.language}`)}</dd>
        </div>
      </dl>
      {account.roles.length > 0 ? (
        <>
          <h2 safe>{t("account.rolesHeading")}</h2>
          <ul>
            {account.roles.map((r) => (
              <li>
                <span safe>
                  {[
                    t(`role.${r.role}`),
                    r.municipality ? localized(r.municipality, lang) : "",
                    r.department ? localized(r.department, lang) : "",
                  ]
                    .filter(Boolean)
                    .join(", ")}
                </span>
                {r.slug ? (
                  <>
                    {" – "}
                    <a href={openInboxHref(r.slug)} safe>
                      {t("account.inboxLink")}
                    </a>
                    {r.role === "participation_coordinator"
                      ? PARTICIPATION_PAGES.map((part) => (
                          <>
                            {" – "}
                            <a href={`/m/${r.slug}/participation/${part}`} safe>
                              {t(`account.participation.${part}`)}
                            </a>
                          </>
                        ))
                      : null}
                  </>
                ) : null}
                {r.role === "ministry_monitor"
                  ? MINISTRY_PAGES.map(([page, href]) => (
                      <>
                        {" – "}
                        <a href={href} safe>
                          {t(`account.ministry.${page}`)}
                        </a>
                      </>
                    ))
                  : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2 id="sessions-heading" safe>
        {t("account.sessionsHeading")}
      </h2>
      {/* A wide table scrolls within its own region on a narrow screen; the region takes focus so
          keyboard users can scroll it too. */}
      <section class="table-wrap" aria-labelledby="sessions-heading" tabindex="0">
        <table>
          <caption class="visually-hidden" safe>
            {t("account.sessionsCaption")}
          </caption>
          <thead>
            <tr>
              <th scope="col" safe>
                {t("account.opened")}
              </th>
              <th scope="col" safe>
                {t("account.lastSeen")}
              </th>
              <th scope="col" safe>
                {t("account.method")}
              </th>
              <th scope="col" safe>
                {t("account.device")}
              </th>
              <td />
            </tr>
          </thead>
          <tbody>
            {account.sessions.map((s) => (
              <tr>
                <td safe>{dateTime(ctx, s.createdAt)}</td>
                <td safe>{dateTime(ctx, s.lastSeenAt)}</td>
                <td safe>{t(`account.methods.${s.method}`)}</td>
                <td class="device" safe>
                  {s.userAgent ? s.userAgent.slice(0, 80) : t("account.unknownDevice")}
                </td>
                <td>
                  {s.current ? (
                    <strong safe>{t("account.current")}</strong>
                  ) : (
                    <PostForm action={`/account/sessions/${s.id}/revoke`} csrf={ctx.csrf} class="inline-form">
                      <button
                        type="submit"
                        class="button button--secondary button--small"
                        aria-label={t("account.revokeLabel", { opened: dateTime(ctx, s.createdAt) })}
                        safe
                      >
                        {t("account.revoke")}
                      </button>
                    </PostForm>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <h2 safe>{t("account.dataHeading")}</h2>
      <p safe>{t("account.dataBody")}</p>
      <p>
        <a class="button button--secondary" href="/account/export" download="ekomuna-my-data.json" safe>
          {t("account.export")}
        </a>
      </p>
      <h2 safe>{t("account.deleteHeading")}</h2>
      <p safe>{t("account.deleteBody")}</p>
      <p>
        <a href="/account/delete" safe>
          {t("account.deleteLink")}
        </a>
      </p>
    </Layout>
  );
}

export function DeleteAccountPage({ ctx, errors }: { ctx: PageContext; errors: FieldErrors }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={formTitle(t, t("accountDelete.title"), errors)}>
      <div class="narrow">
        <ErrorSummary t={t} errors={errors} order={["confirm"]} />
        <h1 safe>{t("accountDelete.title")}</h1>
        <p class="warning-text" safe>
          {t("accountDelete.body")}
        </p>
        <PostForm action="/account/delete" csrf={ctx.csrf}>
          <div class={errors.confirm ? "form-group form-group--error" : "form-group"}>
            <FieldError ctx={ctx} name="confirm" errors={errors} />
            <div class="checkbox">
              <input
                class="checkbox__input"
                type="checkbox"
                id="field-confirm"
                name="confirm"
                value="yes"
                aria-describedby={errors.confirm ? "field-confirm-error" : undefined}
              />
              <label class="checkbox__label" for="field-confirm" safe>
                {t("accountDelete.confirm")}
              </label>
            </div>
          </div>
          <Button label={t("accountDelete.submit")} variant="warning" />
        </PostForm>
        <p>
          <a href="/account" safe>
            {t("accountDelete.cancel")}
          </a>
        </p>
      </div>
    </Layout>
  );
}

export function DevMailboxPage({
  ctx,
  messages,
}: {
  ctx: PageContext;
  messages: { id: number; to: string; subject: string; text: string; createdAt: Date }[];
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("devMailbox.title")}>
      <h1 safe>{t("devMailbox.title")}</h1>
      <p safe>{t("devMailbox.lead")}</p>
      {messages.length === 0 ? <p safe>{t("devMailbox.empty")}</p> : null}
      {messages.map((m) => (
        <article class="mail" aria-labelledby={`mail-${m.id}`}>
          <h2 id={`mail-${m.id}`} class="mail__subject" safe>
            {m.subject}
          </h2>
          <p class="mail__meta">
            <span safe>{`${t("devMailbox.to")}: ${m.to}`}</span> ·{" "}
            <span safe>{`${t("devMailbox.received")}: ${dateTime(ctx, m.createdAt)}`}</span>
          </p>
          <pre class="mail__body">{safeLinkify(m.text)}</pre>
        </article>
      ))}
    </Layout>
  );
}

/** Escaped text with its http(s) links made clickable, for reading mail in a demo. */
function safeLinkify(text: string): string {
  const esc = (s: string) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return text
    .split(/(https?:\/\/[^\s<>"]+)/g)
    .map((part, i) => (i % 2 === 1 ? `<a href="${esc(part)}">${esc(part)}</a>` : esc(part)))
    .join("");
}
