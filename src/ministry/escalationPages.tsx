// The ministry's queue of escalated cases (/ministry/escalations), oldest escalation first, and one case's
// page (/ministry/escalations/:code) with what the ministry did on it and the two things it can do: remind
// the municipality, or note something for the record.
import { formatDateTime, formatDay } from "../cases/web/casePages.tsx";
import { Timeline } from "../web/components/Timeline.tsx";
import type { PageContext } from "../web/context.ts";
import { Button, ErrorSummary, type FieldErrors, formTitle, PostForm, TextAreaField } from "../web/forms.tsx";
import { Layout } from "../web/layout.tsx";
import { K, MinistryNav, Notice, Pagination } from "./ui.tsx";

/** A queued case as the pages show it: names in the page's language, the public title or none. */
export interface ShownEscalation {
  code: string;
  title: string | undefined;
  municipality: string;
  department: string | undefined;
  category: string;
  status: string;
  open: boolean;
  receivedAt: Date;
  escalatedAt: Date;
  lastActionAt: Date | null;
  /** Working days since the escalation or the municipality's last action after it (undefined: not measurable). */
  untouchedDays: number | undefined;
  lastMinistryAt: Date | null;
  slaState: string;
  slaDueAt: Date | null;
  /** The case in the municipality's staff workspace. */
  workHref: string;
}

export const ACTION_FIELDS = ["message", "text"] as const;

function Untouched({ ctx, e }: { ctx: PageContext; e: ShownEscalation }) {
  const { t } = ctx;
  return (
    <span safe>
      {e.untouchedDays === undefined
        ? t(`${K}.queue.unknownDays`)
        : t(`${K}.queue.days`, { count: e.untouchedDays })}
    </span>
  );
}

export function QueuePage(p: {
  ctx: PageContext;
  rows: ShownEscalation[];
  total: number;
  page: number;
  pageCount: number;
}) {
  const { ctx } = p;
  const { t } = ctx;
  const title = t(`${K}.queue.title`);
  return (
    <Layout
      ctx={ctx}
      title={p.page > 1 ? t(`${K}.queue.titlePage`, { title, page: p.page, pages: p.pageCount }) : title}
    >
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${K}.queue.lead`)}
      </p>
      <MinistryNav ctx={ctx} current="/ministry/escalations" />
      <h2 id="queue-heading" safe>
        {t(`${K}.queue.heading`, { count: p.total })}
      </h2>
      {p.rows.length === 0 ? (
        <p safe>{t(`${K}.queue.empty`)}</p>
      ) : (
        <section class="table-wrap" aria-labelledby="queue-heading" tabindex="0">
          <table>
            <caption safe>{t(`${K}.queue.caption`, { page: p.page, pages: p.pageCount })}</caption>
            <thead>
              <tr>
                {[
                  "code",
                  "title",
                  "municipality",
                  "department",
                  "escalated",
                  "untouched",
                  "sla",
                  "ministry",
                ].map((c) => (
                  <th scope="col" safe>
                    {t(`${K}.queue.col.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {p.rows.map((e) => (
                <tr>
                  <th scope="row">
                    <a href={`/ministry/escalations/${e.code}`} safe>
                      {e.code}
                    </a>
                  </th>
                  <td>
                    {e.title === undefined ? (
                      <em safe>{t(`${K}.cases.private`)}</em>
                    ) : (
                      <span safe>{e.title}</span>
                    )}
                  </td>
                  <td safe>{e.municipality}</td>
                  <td safe>{e.department ?? t("stats.noDepartment")}</td>
                  <td safe>{formatDay(ctx, e.escalatedAt)}</td>
                  <td>
                    <Untouched ctx={ctx} e={e} />
                  </td>
                  <td safe>{t(`inbox.slaState.${e.slaState}`, { defaultValue: e.slaState })}</td>
                  <td safe>
                    {e.lastMinistryAt ? formatDay(ctx, e.lastMinistryAt) : t(`${K}.queue.nothingYet`)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <Pagination
        ctx={ctx}
        page={p.page}
        pageCount={p.pageCount}
        href={(n) => `/ministry/escalations?page=${n}`}
      />
    </Layout>
  );
}

/** A reminder or note the ministry left on the case. */
export interface MinistryEntry {
  type: "ministry_reminder" | "ministry_note";
  at: Date;
  by: string;
  message: string | null;
  notified: number | undefined;
}

export function EscalationPage(p: {
  ctx: PageContext;
  e: ShownEscalation;
  history: MinistryEntry[];
  values: Record<string, string>;
  errors: FieldErrors;
  notice?: string | undefined;
}) {
  const { ctx, e } = p;
  const { t } = ctx;
  const title = t(`${K}.case.title`, { code: e.code });
  const row = (label: string, value: string) => (
    <div>
      <dt safe>{label}</dt>
      <dd safe>{value}</dd>
    </div>
  );
  return (
    <Layout ctx={ctx} title={formTitle(t, title, p.errors)}>
      <Notice text={p.notice} />
      <ErrorSummary t={t} errors={p.errors} order={ACTION_FIELDS} />
      <p>
        <a href="/ministry/escalations" safe>
          {t(`${K}.case.back`)}
        </a>
      </p>
      <h1 safe>{title}</h1>
      {e.title === undefined ? (
        <p class="lead">
          <em safe>{t(`${K}.cases.private`)}</em>
        </p>
      ) : (
        <p class="lead" safe>
          {e.title}
        </p>
      )}
      <dl class="summary-list">
        {row(t(`${K}.queue.col.municipality`), e.municipality)}
        {row(t(`${K}.queue.col.department`), e.department ?? t("stats.noDepartment"))}
        {row(t(`${K}.case.category`), e.category)}
        {row(t(`${K}.cases.status`), t(`status.${e.status}`))}
        {row(t(`${K}.cases.received`), formatDateTime(ctx, e.receivedAt))}
        {row(t(`${K}.queue.col.escalated`), formatDateTime(ctx, e.escalatedAt))}
        {row(
          t(`${K}.case.lastAction`),
          e.lastActionAt ? formatDateTime(ctx, e.lastActionAt) : t(`${K}.case.noAction`),
        )}
        {row(
          t(`${K}.queue.col.untouched`),
          e.untouchedDays === undefined
            ? t(`${K}.queue.unknownDays`)
            : t(`${K}.queue.days`, { count: e.untouchedDays }),
        )}
        {row(t(`${K}.queue.col.sla`), t(`inbox.slaState.${e.slaState}`, { defaultValue: e.slaState }))}
        {row(t(`${K}.cases.due`), e.slaDueAt ? formatDay(ctx, e.slaDueAt, true) : t(`${K}.cases.noDue`))}
      </dl>
      <p>
        <a href={e.workHref} safe>
          {t(`${K}.case.workLink`)}
        </a>
      </p>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading" safe>
          {t(`${K}.case.historyHeading`)}
        </h2>
        <Timeline
          events={p.history.map((h) => ({
            at: h.at,
            when: formatDateTime(ctx, h.at),
            by: h.by,
            what:
              h.type === "ministry_reminder"
                ? t(`${K}.case.reminded`, { count: h.notified ?? 0 })
                : t(`${K}.timeline.ministry_note`),
            messages: h.message ? [{ text: h.message }] : [],
          }))}
          empty={t(`${K}.case.noHistory`)}
        />
      </section>
      {e.open ? (
        <section aria-labelledby="reminder-heading">
          <h2 id="reminder-heading" safe>
            {t(`${K}.case.reminderHeading`)}
          </h2>
          <p safe>{t(`${K}.case.reminderLead`)}</p>
          <PostForm action={`/ministry/escalations/${e.code}/reminder`} csrf={ctx.csrf}>
            <TextAreaField
              t={t}
              name="message"
              label={t(`${K}.case.message`)}
              hint={t(`${K}.case.messageHint`)}
              errors={p.errors}
              value={p.values.message ?? ""}
            />
            <Button label={t(`${K}.case.sendReminder`)} />
          </PostForm>
        </section>
      ) : (
        <p safe>{t(`${K}.case.finished`)}</p>
      )}
      <section aria-labelledby="note-heading">
        <h2 id="note-heading" safe>
          {t(`${K}.case.noteHeading`)}
        </h2>
        <PostForm action={`/ministry/escalations/${e.code}/note`} csrf={ctx.csrf}>
          <TextAreaField
            t={t}
            name="text"
            label={t(`${K}.case.note`)}
            hint={t(`${K}.case.noteHint`)}
            errors={p.errors}
            value={p.values.text ?? ""}
          />
          <Button label={t(`${K}.case.addNote`)} variant="secondary" />
        </PostForm>
      </section>
    </Layout>
  );
}
