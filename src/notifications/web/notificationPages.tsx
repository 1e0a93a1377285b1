// The signed-in person's notification centre, their email preferences, and the page an email's
// unsubscribe link opens (no sign-in: the link is signed).
import { htmlLang } from "../../kernel/localized.ts";
import { Card } from "../../web/components/Card.tsx";
import { Pagination } from "../../web/components/Pagination.tsx";
import type { PageContext } from "../../web/context.ts";
import {
  Button,
  ErrorMessage,
  ErrorSummary,
  type FieldErrors,
  fieldId,
  formTitle,
  PostForm,
} from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";
import { isLocalPath } from "../digest.ts";
import { choicesOf } from "../preferences.ts";
import { REQUIRED_TOPICS, STAFF_TOPICS, type Topic } from "../topics.ts";

export const PAGE_SIZE = 25;

export interface NotificationRow {
  id: number;
  subject: string;
  body: string;
  link: string | null;
  createdAt: Date;
  readAt: Date | null;
}

export interface CentreList {
  rows: NotificationRow[];
  page: number;
  pageCount: number;
  unread: number;
}

/** What a redirect after marking may announce (`?done=`). */
export const CENTRE_DONE = ["read", "all_read"] as const;

function dateTime(ctx: PageContext, d: Date) {
  return new Intl.DateTimeFormat(htmlLang(ctx.lang), {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: ctx.timeZone,
  }).format(d);
}

const pageHref = (page: number) => (page > 1 ? `/notifications?page=${page}` : "/notifications");

function NotificationItem({ ctx, n, page }: { ctx: PageContext; n: NotificationRow; page: number }) {
  const { t } = ctx;
  return (
    <Card
      level={2}
      id={`notification-${n.id}`}
      title={n.subject}
      href={isLocalPath(n.link) ? n.link : undefined}
      // Unread is said in words, not by colour or weight alone.
      status={
        n.readAt ? undefined : (
          <strong class="status-tag" safe>
            {t("notifications.centre.unread")}
          </strong>
        )
      }
      details={[
        {
          term: t("notifications.centre.received"),
          value: { at: n.createdAt, text: dateTime(ctx, n.createdAt) },
        },
      ]}
      actions={
        n.readAt ? null : (
          <PostForm action={`/notifications/${n.id}/read`} csrf={ctx.csrf} class="inline-form">
            <input type="hidden" name="page" value={String(page)} />
            <button
              type="submit"
              class="button button--secondary button--small"
              aria-label={t("notifications.centre.markReadLabel", { subject: n.subject })}
              safe
            >
              {t("notifications.centre.markRead")}
            </button>
          </PostForm>
        )
      }
    >
      {n.body
        .split(/\n{2,}/)
        .filter((para) => para.trim() !== "")
        .map((para) => (
          <p safe>{para}</p>
        ))}
    </Card>
  );
}

export function NotificationCentrePage({
  ctx,
  list,
  done,
}: {
  ctx: PageContext;
  list: CentreList;
  done?: (typeof CENTRE_DONE)[number] | undefined;
}) {
  const { t } = ctx;
  const heading = t("notifications.centre.title");
  const title =
    list.pageCount > 1
      ? t("notifications.centre.titlePage", { title: heading, page: list.page, pages: list.pageCount })
      : heading;
  return (
    <Layout ctx={ctx} title={title}>
      {done ? (
        <div class="notice" role="status" safe>
          {t(`notifications.centre.done.${done}`)}
        </div>
      ) : null}
      <h1 safe>{heading}</h1>
      {list.rows.length > 0 ? (
        <p safe>
          {list.unread > 0
            ? t("notifications.centre.unreadCount", { count: list.unread })
            : t("notifications.centre.allRead")}
        </p>
      ) : null}
      <p>
        <a href="/notifications/preferences" safe>
          {t("notifications.centre.preferencesLink")}
        </a>
      </p>
      {list.unread > 0 ? (
        <PostForm action="/notifications/read-all" csrf={ctx.csrf}>
          <Button label={t("notifications.centre.markAllRead")} variant="secondary" />
        </PostForm>
      ) : null}
      {list.rows.length === 0 ? (
        <p class="panel" safe>
          {t("notifications.centre.empty")}
        </p>
      ) : (
        <ul class="case-list">
          {list.rows.map((n) => (
            <NotificationItem ctx={ctx} n={n} page={list.page} />
          ))}
        </ul>
      )}
      <Pagination
        ctx={ctx}
        page={list.page}
        pageCount={list.pageCount}
        href={pageHref}
        label={t("notifications.centre.pagination")}
      />
    </Layout>
  );
}

// ── Preferences

export interface PreferencesProps {
  ctx: PageContext;
  /** The topics this person may get, in order. */
  topics: readonly Topic[];
  /** What each radio group shows as chosen (a bad value posted: nothing). */
  values: Partial<Record<string, string>>;
  errors: FieldErrors;
  saved?: boolean;
}

function TopicChoices({
  ctx,
  topic,
  value,
  errors,
}: {
  ctx: PageContext;
  topic: Topic;
  value: string | undefined;
  errors: FieldErrors;
}) {
  const { t } = ctx;
  const id = fieldId(topic);
  const error = errors[topic];
  return (
    <fieldset
      class={error ? "form-group form-group--error" : "form-group"}
      aria-describedby={[`${id}-hint`, error ? `${id}-error` : ""].filter(Boolean).join(" ")}
    >
      <legend class="label" safe>
        {t(`notifications.topics.${topic}.name`)}
      </legend>
      <div class="hint" id={`${id}-hint`} safe>
        {t(`notifications.topics.${topic}.hint`)}
      </div>
      {error ? <ErrorMessage t={t} id={`${id}-error`} error={error} /> : null}
      <div class="choice-list">
        {choicesOf(topic).map((mode, i) => {
          // The first radio carries the field's id: the error summary links to it.
          const radioId = i === 0 ? id : `${id}-${mode}`;
          return (
            <div class="radio">
              <input
                class="radio__input"
                type="radio"
                id={radioId}
                name={topic}
                value={mode}
                checked={value === mode}
              />
              <label class="radio__label" for={radioId} safe>
                {t(`notifications.modes.${mode}`)}
              </label>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

export function PreferencesPage(p: PreferencesProps) {
  const { ctx } = p;
  const { t } = ctx;
  const heading = t("notifications.preferences.title");
  const editable = p.topics.filter((topic) => !REQUIRED_TOPICS.has(topic));
  const groups = [
    { key: "citizen", topics: editable.filter((topic) => !STAFF_TOPICS.has(topic)) },
    { key: "staff", topics: editable.filter((topic) => STAFF_TOPICS.has(topic)) },
  ].filter((g) => g.topics.length > 0);
  const required = p.topics.filter((topic) => REQUIRED_TOPICS.has(topic));
  return (
    <Layout ctx={ctx} title={formTitle(t, heading, p.errors)}>
      {p.saved ? (
        <div class="notice" role="status" safe>
          {t("notifications.preferences.saved")}
        </div>
      ) : null}
      <ErrorSummary t={t} errors={p.errors} order={p.topics} />
      <h1 safe>{heading}</h1>
      <p safe>{t("notifications.preferences.lead")}</p>
      <p>
        <a href="/notifications" safe>
          {t("notifications.preferences.centreLink")}
        </a>
      </p>
      <PostForm action="/notifications/preferences" csrf={ctx.csrf}>
        {groups.map((g) => (
          <>
            <h2 safe>{t(`notifications.preferences.groups.${g.key}`)}</h2>
            {g.topics.map((topic) => (
              <TopicChoices ctx={ctx} topic={topic} value={p.values[topic]} errors={p.errors} />
            ))}
          </>
        ))}
        {required.length > 0 ? (
          <>
            <h2 safe>{t("notifications.preferences.requiredHeading")}</h2>
            <p safe>{t("notifications.preferences.requiredLead")}</p>
            <ul>
              {required.map((topic) => (
                <li>
                  <strong safe>{t(`notifications.topics.${topic}.name`)}</strong>
                  {": "}
                  <span safe>{t(`notifications.topics.${topic}.hint`)}</span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <Button label={t("notifications.preferences.save")} />
      </PostForm>
    </Layout>
  );
}

// ── Unsubscribe

/**
 * What an unsubscribe link's page says: confirm (a button to stop), done (nothing more comes), required
 * (cannot be stopped), invalid (a broken or forged link).
 */
export type UnsubscribeState = "confirm" | "done" | "required" | "invalid";

export function UnsubscribePage({
  ctx,
  state,
  topic,
  account,
  action,
}: {
  ctx: PageContext;
  state: UnsubscribeState;
  topic?: Topic | undefined;
  /** The link is for an account (which has a preferences page) rather than an address alone. */
  account?: boolean;
  /** Where the confirm button posts: the link itself. */
  action?: string;
}) {
  const { t } = ctx;
  const heading = t(`notifications.unsubscribe.${state}.title`);
  const topicName = topic ? t(`notifications.topics.${topic}.name`) : "";
  return (
    <Layout ctx={ctx} title={heading}>
      <h1 safe>{heading}</h1>
      <p safe>{t(`notifications.unsubscribe.${state}.body`, { topic: topicName })}</p>
      {topic && state !== "invalid" ? (
        <p class="hint" safe>
          {t(`notifications.topics.${topic}.hint`)}
        </p>
      ) : null}
      {state === "confirm" && action ? (
        <PostForm action={action} csrf={ctx.csrf}>
          <Button label={t("notifications.unsubscribe.confirm.button")} />
        </PostForm>
      ) : null}
      {account || state === "invalid" ? (
        <p>
          <a href="/notifications/preferences" safe>
            {t("notifications.unsubscribe.preferencesLink")}
          </a>
        </p>
      ) : null}
    </Layout>
  );
}
