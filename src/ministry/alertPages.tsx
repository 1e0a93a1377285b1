// The alerts on systematic lateness (/ministry/alerts): the open ones with their evidence in words and
// numbers, the closed ones below with their notes, and the levels that raise them; one alert's page
// (/ministry/alerts/:id) with the form that closes it.
import { formatDateTime } from "../cases/web/casePages.tsx";
import type { PageContext } from "../web/context.ts";
import {
  Button,
  ErrorSummary,
  Field,
  type FieldErrors,
  formTitle,
  PostForm,
  TextAreaField,
} from "../web/forms.tsx";
import { Layout } from "../web/layout.tsx";
import { LEVEL_LIMITS } from "./alertRules.ts";
import { K, MinistryNav, Notice } from "./ui.tsx";

/** An alert as the pages show it: its words already in the page's language. */
export interface ShownAlert {
  id: number;
  title: string;
  evidence: string[];
  /** The municipality's page on the dashboard (or the department's). */
  placeHref: string;
  raisedAt: Date;
  notifiedAt: Date | null;
  closedAt: Date | null;
  closedBy: string | null;
  closingNote: string | null;
}

export const LEVEL_FIELDS = [
  "onTimeMinPercent",
  "onTimeMonths",
  "backlogMonths",
  "untouchedWorkingDays",
] as const;
export const CLOSE_FIELDS = ["note"] as const;

function Evidence({ ctx, alert }: { ctx: PageContext; alert: ShownAlert }) {
  return (
    <>
      <p safe>{ctx.t(`${K}.alerts.evidenceIntro`)}</p>
      <ul>
        {alert.evidence.map((line) => (
          <li safe>{line}</li>
        ))}
      </ul>
    </>
  );
}

function Raised({ ctx, alert }: { ctx: PageContext; alert: ShownAlert }) {
  const { t } = ctx;
  return (
    <p class="hint" safe>
      {alert.notifiedAt
        ? t(`${K}.alerts.raisedNotified`, {
            raised: formatDateTime(ctx, alert.raisedAt),
            notified: formatDateTime(ctx, alert.notifiedAt),
          })
        : t(`${K}.alerts.raised`, { raised: formatDateTime(ctx, alert.raisedAt) })}
    </p>
  );
}

export interface AlertsPageProps {
  ctx: PageContext;
  open: ShownAlert[];
  closed: ShownAlert[];
  levels: { values: Record<string, string>; errors: FieldErrors; updated?: { at: Date } | undefined };
  notice?: string | undefined;
}

export function AlertsPage(p: AlertsPageProps) {
  const { ctx } = p;
  const { t } = ctx;
  const title = t(`${K}.alerts.title`);
  const errors = p.levels.errors;
  return (
    <Layout ctx={ctx} title={formTitle(t, title, errors)}>
      <Notice text={p.notice} />
      <ErrorSummary t={t} errors={errors} order={LEVEL_FIELDS} />
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${K}.alerts.lead`)}
      </p>
      <MinistryNav ctx={ctx} current="/ministry/alerts" />
      <section aria-labelledby="open-heading">
        <h2 id="open-heading" safe>
          {t(`${K}.alerts.openHeading`, { count: p.open.length })}
        </h2>
        {p.open.length === 0 ? <p safe>{t(`${K}.alerts.noneOpen`)}</p> : null}
        {p.open.map((a) => (
          <article class="panel" aria-labelledby={`alert-${a.id}`}>
            <h3 id={`alert-${a.id}`} safe>
              {a.title}
            </h3>
            <Raised ctx={ctx} alert={a} />
            <Evidence ctx={ctx} alert={a} />
            <ul class="link-list">
              <li>
                <a href={`/ministry/alerts/${a.id}`} safe>
                  {t(`${K}.alerts.closeLink`, { title: a.title })}
                </a>
              </li>
              <li>
                <a href={a.placeHref} safe>
                  {t(`${K}.alerts.placeLink`)}
                </a>
              </li>
            </ul>
          </article>
        ))}
      </section>
      <section aria-labelledby="closed-heading">
        <h2 id="closed-heading" safe>
          {t(`${K}.alerts.closedHeading`)}
        </h2>
        {p.closed.length === 0 ? (
          <p safe>{t(`${K}.alerts.noneClosed`)}</p>
        ) : (
          <ul>
            {p.closed.map((a) => (
              <li>
                <a href={`/ministry/alerts/${a.id}`} safe>
                  {a.title}
                </a>
                <span safe>
                  {` — ${t(`${K}.alerts.closedBy`, { at: formatDateTime(ctx, a.closedAt!), by: a.closedBy ?? t(`${K}.alerts.someone`) })}`}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="levels-heading">
        <h2 id="levels-heading" safe>
          {t(`${K}.levels.heading`)}
        </h2>
        <p safe>{t(`${K}.levels.lead`)}</p>
        {p.levels.updated ? (
          <p class="hint" safe>
            {t(`${K}.levels.updated`, { at: formatDateTime(ctx, p.levels.updated.at) })}
          </p>
        ) : null}
        <PostForm action="/ministry/alerts/levels" csrf={ctx.csrf}>
          {LEVEL_FIELDS.map((name) => (
            <Field
              t={t}
              name={name}
              type="number"
              width="short"
              label={t(`${K}.levels.${name}`)}
              hint={t(`${K}.levels.${name}Hint`, LEVEL_LIMITS[name])}
              errors={errors}
              value={p.levels.values[name] ?? ""}
            />
          ))}
          <Button label={t(`${K}.levels.save`)} />
        </PostForm>
      </section>
    </Layout>
  );
}

export function AlertPage(p: {
  ctx: PageContext;
  alert: ShownAlert;
  values: Record<string, string>;
  errors: FieldErrors;
  notice?: string | undefined;
}) {
  const { ctx, alert } = p;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={formTitle(t, alert.title, p.errors)}>
      <Notice text={p.notice} />
      <ErrorSummary t={t} errors={p.errors} order={CLOSE_FIELDS} />
      <p>
        <a href="/ministry/alerts" safe>
          {t(`${K}.alerts.back`)}
        </a>
      </p>
      <h1 safe>{alert.title}</h1>
      <Raised ctx={ctx} alert={alert} />
      <Evidence ctx={ctx} alert={alert} />
      <p>
        <a href={alert.placeHref} safe>
          {t(`${K}.alerts.placeLink`)}
        </a>
      </p>
      {alert.closedAt ? (
        <section aria-labelledby="closed-heading">
          <h2 id="closed-heading" safe>
            {t(`${K}.alerts.closedTitle`)}
          </h2>
          <p safe>
            {t(`${K}.alerts.closedBy`, {
              at: formatDateTime(ctx, alert.closedAt),
              by: alert.closedBy ?? t(`${K}.alerts.someone`),
            })}
          </p>
          <p class="case-description" safe>
            {alert.closingNote ?? ""}
          </p>
        </section>
      ) : (
        <section aria-labelledby="close-heading">
          <h2 id="close-heading" safe>
            {t(`${K}.alerts.closeHeading`)}
          </h2>
          <PostForm action={`/ministry/alerts/${alert.id}/close`} csrf={ctx.csrf}>
            <TextAreaField
              t={t}
              name="note"
              label={t(`${K}.alerts.note`)}
              hint={t(`${K}.alerts.noteHint`)}
              errors={p.errors}
              value={p.values.note ?? ""}
            />
            <Button label={t(`${K}.alerts.close`)} />
          </PostForm>
        </section>
      )}
    </Layout>
  );
}
