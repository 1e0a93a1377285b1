// The national standards' history (issue 9): every change with what it changed in words, who, when, why,
// the day it applies from and whether it has applied — for the ministry (with each waiting change's page,
// where it can be withdrawn) and for municipal staff, who see what changed nationally and what is coming.
import { formatDateTime } from "../cases/web/casePages.tsx";
import { Lines } from "../web/components/Lines.tsx";
import { ScrollTable } from "../web/components/ScrollTable.tsx";
import type { PageContext } from "../web/context.ts";
import { Button, type FieldErrors, PostForm, SelectField, TextAreaField } from "../web/forms.tsx";
import { WITHDRAW_FIELDS } from "./forms.ts";
import { KINDS } from "./model.ts";
import { CHANGES_PATH, changePath, Day, K, STANDARDS_PATH, StandardsLayout, type Values } from "./ui.tsx";

export interface HistoryEntry {
  id: number;
  changedAt: Date;
  what: string;
  lines: string[];
  by: string;
  reason: string;
  appliesFrom: string;
  appliedAt: Date | null;
  /** The municipal settings it left looser than the national ones when it applied, in words. */
  conflicts: string[];
}

/** "Details" of a change, named for a screen reader by what it changed. */
function DetailsLink({ ctx, entry, href }: { ctx: PageContext; entry: HistoryEntry; href: string }) {
  return (
    <>
      {" "}
      <a href={href}>
        <span safe>{ctx.t(`${K}.history.details`)}</span>
        <span class="visually-hidden" safe>
          {` ${entry.what}`}
        </span>
      </a>
    </>
  );
}

function State({ ctx, entry, link }: { ctx: PageContext; entry: HistoryEntry; link: boolean }) {
  const { t, lang } = ctx;
  if (entry.appliedAt)
    return (
      <>
        <span safe>{`${t(`${K}.history.applied`)} `}</span>
        <time datetime={entry.appliedAt.toISOString()} safe>
          {formatDateTime(ctx, entry.appliedAt)}
        </time>
        {entry.conflicts.length > 0 ? (
          <>
            {" "}
            <strong class="warning-text" safe>
              {t(`${K}.history.conflicts`, { count: entry.conflicts.length })}
            </strong>
            {link ? <DetailsLink ctx={ctx} entry={entry} href={`${changePath(entry.id)}#conflicts`} /> : null}
          </>
        ) : null}
      </>
    );
  return (
    <>
      <strong safe>{t(`${K}.history.pending`)}</strong>{" "}
      <span safe>{`${t(`${K}.history.pendingFrom`)} `}</span>
      <Day lang={lang} date={entry.appliesFrom} />
      {link ? <DetailsLink ctx={ctx} entry={entry} href={changePath(entry.id)} /> : null}
    </>
  );
}

/** The list of changes; `ministry` links each waiting change to its page (to withdraw it). */
export function HistoryPage(p: {
  ctx: PageContext;
  ministry: boolean;
  path: string;
  kind: string;
  entries: HistoryEntry[];
  truncated: boolean;
  notice?: string | undefined;
}) {
  const { t, lang } = p.ctx;
  const h = `${K}.history`;
  const csv = `${p.path}.csv${p.kind ? `?kind=${encodeURIComponent(p.kind)}` : ""}`;
  return (
    <StandardsLayout
      ctx={p.ctx}
      title={t(p.ministry ? `${h}.title` : `${h}.staffTitle`)}
      notice={p.notice}
      back={p.ministry ? undefined : null}
    >
      <p class="lead" safe>
        {t(p.ministry ? `${h}.lead` : `${h}.staffLead`)}
      </p>
      <p safe>{t(`${K}.index.casesNote`)}</p>
      <form method="get" action={p.path} class="case-filters" aria-labelledby="filter-heading">
        <h2 id="filter-heading" safe>
          {t(`${h}.filterHeading`)}
        </h2>
        <SelectField
          t={t}
          name="kind"
          label={t(`${h}.kindLabel`)}
          none={t(`${h}.allKinds`)}
          options={KINDS.map((k) => ({ value: k, label: t(`${K}.kind.${k}`) }))}
          value={p.kind}
          errors={{}}
        />
        <div class="case-filters__actions">
          <Button label={t(`${h}.show`)} variant="secondary" />
        </div>
      </form>
      <p>
        <a href={csv} download="" safe>
          {t(`${h}.csv`)}
        </a>
      </p>
      <h2 id="changes-heading" safe>
        {t(`${h}.listHeading`)}
      </h2>
      {p.entries.length === 0 ? (
        <p safe>{t(`${h}.empty`)}</p>
      ) : (
        <ScrollTable
          labelledBy="changes-heading"
          caption={t(`${h}.caption`)}
          head={[
            t(`${h}.col.when`),
            t(`${h}.col.what`),
            t(`${h}.col.change`),
            t(`${h}.col.who`),
            t(`${h}.col.why`),
            t(`${h}.col.appliesFrom`),
            t(`${h}.col.state`),
          ]}
        >
          {p.entries.map((e) => (
            <tr>
              <td>
                <time datetime={e.changedAt.toISOString()} safe>
                  {formatDateTime(p.ctx, e.changedAt)}
                </time>
              </td>
              <td safe>{e.what}</td>
              <td>
                <ul>
                  {e.lines.map((line) => (
                    <li>
                      <Lines text={line} />
                    </li>
                  ))}
                </ul>
              </td>
              <td safe>{e.by}</td>
              <td>
                <Lines text={e.reason} />
              </td>
              <td>
                <Day lang={lang} date={e.appliesFrom} />
              </td>
              <td>
                <State ctx={p.ctx} entry={e} link={p.ministry} />
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
      {p.truncated ? <p safe>{t(`${h}.truncated`)}</p> : null}
    </StandardsLayout>
  );
}

/** One change, and — while it waits for its day — the form to withdraw it. */
export function ChangePage(p: {
  ctx: PageContext;
  entry: HistoryEntry;
  values: Values;
  errors: FieldErrors;
  notice?: string | undefined;
}) {
  const { t, lang } = p.ctx;
  const h = `${K}.history`;
  const e = p.entry;
  return (
    <StandardsLayout
      ctx={p.ctx}
      title={e.what}
      notice={p.notice}
      errors={p.errors}
      order={WITHDRAW_FIELDS}
      back={{ href: CHANGES_PATH, label: t(`${h}.back`) }}
    >
      <dl class="summary-list">
        <div>
          <dt safe>{t(`${h}.col.change`)}</dt>
          <dd>
            <ul>
              {e.lines.map((line) => (
                <li>
                  <Lines text={line} />
                </li>
              ))}
            </ul>
          </dd>
        </div>
        <div>
          <dt safe>{t(`${h}.col.who`)}</dt>
          <dd safe>{e.by}</dd>
        </div>
        <div>
          <dt safe>{t(`${h}.col.when`)}</dt>
          <dd>
            <time datetime={e.changedAt.toISOString()} safe>
              {formatDateTime(p.ctx, e.changedAt)}
            </time>
          </dd>
        </div>
        <div>
          <dt safe>{t(`${h}.col.why`)}</dt>
          <dd>
            <Lines text={e.reason} />
          </dd>
        </div>
        <div>
          <dt safe>{t(`${h}.col.appliesFrom`)}</dt>
          <dd>
            <Day lang={lang} date={e.appliesFrom} />
          </dd>
        </div>
        <div>
          <dt safe>{t(`${h}.col.state`)}</dt>
          <dd>
            <State ctx={p.ctx} entry={e} link={false} />
          </dd>
        </div>
      </dl>
      {e.conflicts.length > 0 ? (
        <section aria-labelledby="conflicts" class="notice" role="note">
          <h2 id="conflicts" safe>
            {t(`${h}.conflictsHeading`)}
          </h2>
          <p safe>{t(`${h}.conflictsLead`)}</p>
          <ul>
            {e.conflicts.map((line) => (
              <li safe>{line}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {e.appliedAt ? (
        <p>
          <a href={STANDARDS_PATH} safe>
            {t(`${K}.back`)}
          </a>
        </p>
      ) : (
        <>
          <h2 id="withdraw" safe>
            {t(`${h}.withdrawHeading`)}
          </h2>
          <p safe>{t(`${h}.withdrawLead`)}</p>
          <PostForm action={`${changePath(e.id)}/withdraw`} csrf={p.ctx.csrf}>
            <TextAreaField
              t={t}
              name="reason"
              label={t(`${h}.withdrawReason`)}
              value={p.values.reason ?? ""}
              errors={p.errors}
              rows={3}
            />
            <Button label={t(`${h}.withdraw`)} variant="warning" />
          </PostForm>
        </>
      )}
    </StandardsLayout>
  );
}
