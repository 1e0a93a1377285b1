// The public consultation pages: a municipality's consultations with their stage and this year's figures,
// one consultation (summary, documents, linked meetings, sections, comments, the comment form), the reply
// and abuse-report forms, and the published report.
import { formatDateTime, formatDay } from "../../cases/web/casePages.tsx";
import type { consultationDocuments, LocalizedText } from "../../db/schema.ts";
import { formatNumber } from "../../kernel/i18n.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import { Card } from "../../web/components/Card.tsx";
import { Lines } from "../../web/components/Lines.tsx";
import { Loc } from "../../web/components/Loc.tsx";
import { ScrollTable } from "../../web/components/ScrollTable.tsx";
import type { PageContext } from "../../web/context.ts";
import {
  Button,
  CheckboxField,
  ErrorSummary,
  type FieldErrors,
  formTitle,
  PostForm,
  SelectField,
  TextAreaField,
} from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";
import type { ConsultationFigures } from "./figures.ts";
import {
  type ConsultationRow,
  consultationPath,
  DISPOSITIONS,
  type Disposition,
  MAX_COMMENT_CHARS,
  publicListPath,
  reportPath,
  type Stage,
  staffPath,
} from "./model.ts";
import type { CommentView, ListRow, ReportComment } from "./queries.ts";
import { Day, K, StageTag, type Values } from "./ui.tsx";

type Municipality = { name: string; slug: string };
type Section = { id: number; heading: LocalizedText; body: LocalizedText };
type Doc = typeof consultationDocuments.$inferSelect;

export const documentPath = (id: number, docId: string) => `/consultations/${id}/documents/${docId}`;

export function PublicListPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  rows: (ListRow & { stage: Stage })[];
  today: string;
  figures: ConsultationFigures;
  year: number;
}) {
  const { t, lang } = p.ctx;
  const title = t(`${K}.list.title`);
  return (
    <Layout ctx={p.ctx} title={title} municipality={p.municipality}>
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${K}.list.lead`)}
      </p>
      {p.rows.length === 0 ? (
        <p safe>{t(`${K}.list.none`)}</p>
      ) : (
        <ul class="case-list">
          {p.rows.map((c) => (
            <Card
              level={2}
              title={{ markup: <Loc text={c.title} lang={lang} /> }}
              href={consultationPath(c.id)}
              status={<StageTag ctx={p.ctx} stage={c.stage} c={c} today={p.today} />}
              summary={
                <>
                  <span safe>{t(`${K}.kind.${c.kind}`)}</span>
                  {" · "}
                  <Day lang={lang} date={c.opensOn} />
                  {" – "}
                  <Day lang={lang} date={c.closesOn} />
                  {" · "}
                  <span safe>{t(`${K}.list.comments`, { count: c.comments })}</span>
                </>
              }
            />
          ))}
        </ul>
      )}
      <h2 safe>{t(`${K}.figures.title`, { year: p.year })}</h2>
      <dl class="summary-list">
        {(["held", "comments", "withDisposition", "reportsPublished", "reportsOverdue"] as const).map((f) => (
          <div>
            <dt safe>{t(`${K}.figures.${f}`)}</dt>
            <dd class="summary-list__value" safe>
              {formatNumber(lang, p.figures[f])}
            </dd>
          </div>
        ))}
      </dl>
    </Layout>
  );
}

function Comment(p: {
  ctx: PageContext;
  c: ConsultationRow;
  k: CommentView;
  replies: CommentView[];
  canAct: boolean;
  open: boolean;
}) {
  const { t } = p.ctx;
  const { k } = p;
  return (
    <li id={`comment-${k.id}`}>
      <article class="panel">
        {k.hidden && !k.own ? (
          <p safe>{t(`${K}.comment.removed`)}</p>
        ) : (
          <>
            <p>
              <strong safe>{k.authorName}</strong>
              {" · "}
              <time datetime={k.createdAt.toISOString()} safe>
                {formatDateTime(p.ctx, k.createdAt)}
              </time>
            </p>
            {k.hidden ? (
              <p class="warning-text" safe>
                {t(`${K}.comment.hiddenOwn`, { reason: k.hiddenReason ?? "" })}
              </p>
            ) : null}
            <p lang={htmlLang(k.language as "sq")}>
              <Lines text={k.body} />
            </p>
            <p safe>{t(`${K}.comment.supports`, { count: k.supportCount })}</p>
            {!k.hidden && p.canAct ? (
              <ul class="link-list">
                {p.open && !k.supported ? (
                  <li>
                    <PostForm
                      action={`${consultationPath(p.c.id)}/comments/${k.id}/support`}
                      csrf={p.ctx.csrf}
                      class="inline-form"
                    >
                      <button type="submit" class="link-button" safe>
                        {t(`${K}.comment.support`)}
                      </button>
                    </PostForm>
                  </li>
                ) : null}
                {k.supported ? <li safe>{t(`${K}.comment.supported`)}</li> : null}
                {p.open ? (
                  <li>
                    <a href={`${consultationPath(p.c.id)}/comments/${k.id}/reply`} safe>
                      {t(`${K}.comment.reply`)}
                    </a>
                  </li>
                ) : null}
                {!k.own ? (
                  <li>
                    <a href={`${consultationPath(p.c.id)}/comments/${k.id}/report`} safe>
                      {t(`${K}.comment.reportAbuse`)}
                    </a>
                  </li>
                ) : null}
              </ul>
            ) : null}
          </>
        )}
      </article>
      {p.replies.length > 0 ? (
        <ul class="timeline" aria-label={t(`${K}.comment.replies`)}>
          {p.replies.map((r) => (
            <Comment ctx={p.ctx} c={p.c} k={r} replies={[]} canAct={p.canAct} open={p.open} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function Comments(p: {
  ctx: PageContext;
  c: ConsultationRow;
  comments: CommentView[];
  sectionId: number | null;
  canAct: boolean;
  open: boolean;
}) {
  const top = p.comments.filter((k) => k.parentId === null && k.sectionId === p.sectionId);
  if (top.length === 0) return <p safe>{p.ctx.t(`${K}.comment.noneYet`)}</p>;
  return (
    <ul class="timeline">
      {top.map((k) => (
        <Comment
          ctx={p.ctx}
          c={p.c}
          k={k}
          replies={p.comments.filter((r) => r.parentId === k.id)}
          canAct={p.canAct}
          open={p.open}
        />
      ))}
    </ul>
  );
}

export interface DetailProps {
  ctx: PageContext;
  municipality: Municipality;
  c: ConsultationRow;
  stage: Stage;
  today: string;
  department: LocalizedText | undefined;
  sections: Section[];
  documents: Doc[];
  comments: CommentView[];
  meetings: { id: number; title: LocalizedText; startsAt: Date }[];
  following: boolean;
  signedIn: boolean;
  /** Staff looking at a draft: a preview. */
  preview: boolean;
  canManage: boolean;
  form: { values: Values; errors: FieldErrors };
  notice?: string | undefined;
}

export function DetailPage(p: DetailProps) {
  const { t, lang } = p.ctx;
  const { c } = p;
  const title = localized(c.title, lang);
  const open = p.stage === "open";
  const canAct = p.signedIn && !p.preview;
  return (
    <Layout ctx={p.ctx} title={formTitle(t, title, p.form.errors)} municipality={p.municipality}>
      <ErrorSummary t={t} errors={p.form.errors} order={["body", "sectionId", "showName"]} />
      {p.notice ? (
        <div class="notice" role="status">
          <p safe>{p.notice}</p>
        </div>
      ) : null}
      {p.preview ? (
        <div class="notice" role="status">
          <p safe>{t(`${K}.detail.preview`)}</p>
        </div>
      ) : null}
      <a class="back-link" href={publicListPath(p.municipality.slug)} safe>
        {t(`${K}.detail.back`)}
      </a>
      <h1>
        <Loc text={c.title} lang={lang} />
      </h1>
      <p>
        <StageTag ctx={p.ctx} stage={p.stage} c={c} today={p.today} />
      </p>
      <dl class="summary-list">
        <div>
          <dt safe>{t(`${K}.detail.kind`)}</dt>
          <dd class="summary-list__value" safe>
            {t(`${K}.kind.${c.kind}`)}
          </dd>
        </div>
        <div>
          <dt safe>{t(`${K}.detail.period`)}</dt>
          <dd class="summary-list__value">
            <Day lang={lang} date={c.opensOn} />
            {" – "}
            <Day lang={lang} date={c.closesOn} />
          </dd>
        </div>
        {p.department ? (
          <div>
            <dt safe>{t(`${K}.detail.department`)}</dt>
            <dd class="summary-list__value">
              <Loc text={p.department} lang={lang} />
            </dd>
          </div>
        ) : null}
      </dl>
      <p class="case-description">
        <Lines text={localized(c.summary, lang)} />
      </p>
      {p.canManage ? (
        <p>
          <a href={staffPath(p.municipality.slug, c.id)} safe>
            {t(`${K}.detail.manage`)}
          </a>
        </p>
      ) : null}
      {c.reportPublishedAt ? (
        <p>
          <a href={reportPath(c.id)} safe>
            {t(`${K}.detail.readReport`)}
          </a>
        </p>
      ) : null}

      <h2 safe>{t(`${K}.detail.documents`)}</h2>
      {p.documents.length === 0 ? (
        <p safe>{t(`${K}.detail.noDocuments`)}</p>
      ) : (
        <ul class="link-list">
          {p.documents.map((d) => (
            <li>
              <a href={documentPath(c.id, d.id)} download="" safe>
                {t(`${K}.detail.document`, { title: d.title, size: kilobytes(d.bytes) })}
              </a>
              <DocumentDate ctx={p.ctx} at={d.createdAt} />
            </li>
          ))}
        </ul>
      )}

      {p.meetings.length > 0 ? (
        <>
          <h2 safe>{t(`${K}.detail.meetings`)}</h2>
          <ul class="link-list">
            {p.meetings.map((m) => (
              <li>
                <a href={`/meetings/${m.id}`}>
                  <Loc text={m.title} lang={lang} />
                </a>
                {" · "}
                <time datetime={m.startsAt.toISOString()} safe>
                  {formatDateTime(p.ctx, m.startsAt)}
                </time>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {canAct ? (
        <PostForm
          action={`${consultationPath(c.id)}/${p.following ? "unfollow" : "follow"}`}
          csrf={p.ctx.csrf}
        >
          <p safe>{t(p.following ? `${K}.follow.following` : `${K}.follow.hint`)}</p>
          <Button label={t(p.following ? `${K}.follow.stop` : `${K}.follow.start`)} variant="secondary" />
        </PostForm>
      ) : null}

      <h2 safe>{t(`${K}.detail.sections`)}</h2>
      {p.sections.map((s) => (
        <section id={`section-${s.id}`} aria-labelledby={`section-${s.id}-title`}>
          <h3 id={`section-${s.id}-title`}>
            <Loc text={s.heading} lang={lang} />
          </h3>
          <p>
            <Lines text={localized(s.body, lang)} />
          </p>
          <h4 safe>{t(`${K}.detail.sectionComments`)}</h4>
          <Comments ctx={p.ctx} c={c} comments={p.comments} sectionId={s.id} canAct={canAct} open={open} />
          {open && canAct ? (
            <p>
              <a href={`${consultationPath(c.id)}?section=${s.id}#comment-form`} safe>
                {t(`${K}.detail.commentOnSection`)}
              </a>
            </p>
          ) : null}
        </section>
      ))}

      <h2 safe>{t(`${K}.detail.wholeComments`)}</h2>
      <Comments ctx={p.ctx} c={c} comments={p.comments} sectionId={null} canAct={canAct} open={open} />

      <h2 id="comment-form" safe>
        {t(`${K}.form.commentTitle`)}
      </h2>
      {p.preview ? null : !open ? (
        <p safe>{t(`${K}.form.notOpen.${p.stage}`)}</p>
      ) : !p.signedIn ? (
        <p>
          <a href={`/login?next=${encodeURIComponent(`${consultationPath(c.id)}#comment-form`)}`} safe>
            {t(`${K}.form.signInToComment`)}
          </a>
        </p>
      ) : (
        <CommentForm
          ctx={p.ctx}
          action={`${consultationPath(c.id)}/comments`}
          sections={p.sections}
          form={p.form}
        />
      )}
    </Layout>
  );
}

/** The day a document was added: those added after publication (minutes, a corrected annex) say when. */
export function DocumentDate(p: { ctx: PageContext; at: Date }) {
  return (
    <>
      {" · "}
      <time datetime={p.at.toISOString()} safe>
        {p.ctx.t(`${K}.detail.documentAdded`, { date: formatDay(p.ctx, p.at) })}
      </time>
    </>
  );
}

const kilobytes = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`;

export function CommentForm(p: {
  ctx: PageContext;
  action: string;
  sections: Section[] | undefined;
  form: { values: Values; errors: FieldErrors };
}) {
  const { t, lang } = p.ctx;
  return (
    <PostForm action={p.action} csrf={p.ctx.csrf}>
      {p.sections ? (
        <SelectField
          t={t}
          name="sectionId"
          label={t(`${K}.form.on`)}
          value={p.form.values.sectionId ?? ""}
          errors={p.form.errors}
          options={[
            { value: "", label: t(`${K}.form.onWhole`) },
            ...p.sections.map((s) => ({ value: String(s.id), label: localized(s.heading, lang) })),
          ]}
        />
      ) : null}
      <TextAreaField
        t={t}
        name="body"
        label={t(`${K}.form.body`)}
        hint={t(`${K}.form.bodyHint`, { max: MAX_COMMENT_CHARS })}
        value={p.form.values.body ?? ""}
        errors={p.form.errors}
        rows={6}
      />
      <CheckboxField
        name="showName"
        label={t(`${K}.form.showName`)}
        checked={p.form.values.showName === "yes"}
      />
      <Button label={t(`${K}.form.send`)} />
    </PostForm>
  );
}

/** One comment shown above a form that acts on it (reply, report). */
function Quoted({ ctx, k }: { ctx: PageContext; k: { authorName: string; body: string; language: string } }) {
  return (
    <blockquote class="panel">
      <p>
        <strong safe>{k.authorName}</strong>
      </p>
      <p lang={htmlLang(k.language as "sq")}>
        <Lines text={k.body} />
      </p>
      <span class="visually-hidden" safe>
        {ctx.t(`${K}.comment.quoted`)}
      </span>
    </blockquote>
  );
}

export function ReplyPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  c: ConsultationRow;
  k: { id: number; authorName: string; body: string; language: string };
  form: { values: Values; errors: FieldErrors };
}) {
  const { t } = p.ctx;
  const title = t(`${K}.reply.title`);
  return (
    <Layout ctx={p.ctx} title={formTitle(t, title, p.form.errors)} municipality={p.municipality}>
      <ErrorSummary t={t} errors={p.form.errors} order={["body"]} />
      <a class="back-link" href={`${consultationPath(p.c.id)}#comment-${p.k.id}`} safe>
        {t(`${K}.reply.back`)}
      </a>
      <h1 safe>{title}</h1>
      <Quoted ctx={p.ctx} k={p.k} />
      <CommentForm
        ctx={p.ctx}
        action={`${consultationPath(p.c.id)}/comments/${p.k.id}/reply`}
        sections={undefined}
        form={p.form}
      />
    </Layout>
  );
}

export function AbusePage(p: {
  ctx: PageContext;
  municipality: Municipality;
  c: ConsultationRow;
  k: { id: number; authorName: string; body: string; language: string };
  form: { values: Values; errors: FieldErrors };
}) {
  const { t } = p.ctx;
  const title = t(`${K}.abuse.title`);
  return (
    <Layout ctx={p.ctx} title={formTitle(t, title, p.form.errors)} municipality={p.municipality}>
      <ErrorSummary t={t} errors={p.form.errors} order={["reason"]} />
      <a class="back-link" href={`${consultationPath(p.c.id)}#comment-${p.k.id}`} safe>
        {t(`${K}.reply.back`)}
      </a>
      <h1 safe>{title}</h1>
      <Quoted ctx={p.ctx} k={p.k} />
      <PostForm action={`${consultationPath(p.c.id)}/comments/${p.k.id}/report`} csrf={p.ctx.csrf}>
        <TextAreaField
          t={t}
          name="reason"
          label={t(`${K}.abuse.reason`)}
          hint={t(`${K}.abuse.reasonHint`)}
          value={p.form.values.reason ?? ""}
          errors={p.form.errors}
          rows={3}
        />
        <Button label={t(`${K}.abuse.send`)} variant="warning" />
      </PostForm>
    </Layout>
  );
}

export function ReportPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  c: ConsultationRow;
  sections: Section[];
  comments: ReportComment[];
  totals: Record<Disposition, number>;
}) {
  const { t, lang } = p.ctx;
  const { c } = p;
  const title = t(`${K}.report.title`, { title: localized(c.title, lang) });
  const groups: { id: number | null; heading: string }[] = [
    { id: null, heading: t(`${K}.detail.wholeComments`) },
    ...p.sections.map((s) => ({ id: s.id, heading: localized(s.heading, lang) })),
  ];
  const authors = new Map(p.comments.map((k) => [k.id, k.author]));
  return (
    <Layout ctx={p.ctx} title={title} municipality={p.municipality}>
      <a class="back-link" href={consultationPath(c.id)} safe>
        {t(`${K}.report.back`)}
      </a>
      <h1 safe>{title}</h1>
      <p safe>
        {t(`${K}.report.published`, {
          date: c.reportPublishedAt ? formatDateTime(p.ctx, c.reportPublishedAt) : "",
        })}
      </p>
      {c.reportSummary ? (
        <p class="lead">
          <Lines text={localized(c.reportSummary, lang)} />
        </p>
      ) : null}
      <h2 id="totals" safe>
        {t(`${K}.report.totals`)}
      </h2>
      <ScrollTable
        labelledBy="totals"
        caption={t(`${K}.report.totalsCaption`)}
        head={[t(`${K}.report.disposition`), t(`${K}.report.count`)]}
      >
        {DISPOSITIONS.map((d) => (
          <tr>
            <th scope="row" safe>
              {t(`${K}.disposition.${d}`)}
            </th>
            <td safe>{formatNumber(lang, p.totals[d])}</td>
          </tr>
        ))}
        <tr>
          <th scope="row" safe>
            {t(`${K}.report.all`)}
          </th>
          <td safe>{formatNumber(lang, p.comments.length)}</td>
        </tr>
      </ScrollTable>
      <p>
        <a href={`${reportPath(c.id)}.csv`} safe>
          {t(`${K}.report.csv`)}
        </a>
        {" · "}
        <a href={`${reportPath(c.id)}.json`} safe>
          {t(`${K}.report.json`)}
        </a>
      </p>
      {groups.map((g) => {
        const list = p.comments.filter((k) => k.sectionId === g.id);
        return (
          <section aria-labelledby={`group-${g.id ?? "whole"}`}>
            <h2 id={`group-${g.id ?? "whole"}`} safe>
              {g.heading}
            </h2>
            {list.length === 0 ? (
              <p safe>{t(`${K}.comment.noneYet`)}</p>
            ) : (
              <ul class="timeline">
                {list.map((k) => (
                  <li id={`comment-${k.id}`} class="timeline__event">
                    <p>
                      <strong safe>{k.author}</strong>
                      {k.parentId !== null ? (
                        <>
                          {" · "}
                          <a href={`#comment-${k.parentId}`} safe>
                            {t(`${K}.report.replyTo`, { author: authors.get(k.parentId) ?? "" })}
                          </a>
                        </>
                      ) : null}
                      {k.parentHidden ? <span safe>{` · ${t(`${K}.report.replyToHidden`)}`}</span> : null}
                    </p>
                    <p lang={htmlLang(k.language as "sq")}>
                      <Lines text={k.body} />
                    </p>
                    <p>
                      <strong
                        safe
                      >{`${t(`${K}.report.disposition`)}: ${t(`${K}.disposition.${k.disposition}`)}`}</strong>
                    </p>
                    <p class="timeline__reason">
                      <Lines text={k.reason} />
                    </p>
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </Layout>
  );
}
