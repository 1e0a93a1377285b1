// The coordinator's consultation pages: the list, the details form, one consultation to manage (sections,
// documents, publishing), a section's form, the moderation queue, and the dispositions with the report.

import type { consultationComments, consultationDocuments, LocalizedText } from "../../db/schema.ts";
import { formatNumber } from "../../kernel/i18n.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import { Card } from "../../web/components/Card.tsx";
import { Lines } from "../../web/components/Lines.tsx";
import { Loc } from "../../web/components/Loc.tsx";
import { Notice } from "../../web/components/Notice.tsx";
import { ScrollTable } from "../../web/components/ScrollTable.tsx";
import type { PageContext } from "../../web/context.ts";
import {
  Button,
  ErrorSummary,
  Field,
  type FieldErrors,
  formTitle,
  PostForm,
  SelectField,
  TextAreaField,
} from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";
import {
  CONSULTATION_KINDS,
  type ConsultationRow,
  consultationPath,
  DISPOSITIONS,
  moderationPath,
  reportPath,
  type Stage,
  staffListPath,
  staffPath,
} from "./model.ts";
import type { hiddenComments, QueueItem } from "./moderate.ts";
import { DocumentDate, documentPath } from "./publicPages.tsx";
import type { ListRow } from "./queries.ts";
import { Day, K, LocalizedFields, StageTag, type Values } from "./ui.tsx";

type Municipality = { name: string; slug: string };
type Form = { values: Values; errors: FieldErrors };
const S = `${K}.staff`;

export function StaffListPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  rows: (ListRow & { stage: Stage })[];
  today: string;
  notice?: string | undefined;
}) {
  const { t, lang } = p.ctx;
  const title = t(`${S}.list.title`);
  return (
    <Layout ctx={p.ctx} title={title} municipality={p.municipality}>
      <Notice text={p.notice} />
      <h1 id="list-title" safe>
        {title}
      </h1>
      <p>
        <a class="button button--primary" href={`${staffListPath(p.municipality.slug)}/new`} safe>
          {t(`${S}.list.new`)}
        </a>{" "}
        <a class="button button--secondary" href={moderationPath(p.municipality.slug)} safe>
          {t(`${S}.list.moderation`)}
        </a>
      </p>
      {p.rows.length === 0 ? (
        <p safe>{t(`${S}.list.none`)}</p>
      ) : (
        <ScrollTable
          labelledBy="list-title"
          caption={t(`${S}.list.caption`)}
          head={[
            t(`${S}.list.colTitle`),
            t(`${S}.list.colStage`),
            t(`${S}.list.colPeriod`),
            t(`${S}.list.colComments`),
          ]}
        >
          {p.rows.map((c) => (
            <tr>
              <td>
                <a href={staffPath(p.municipality.slug, c.id)}>
                  <Loc text={c.title} lang={lang} />
                </a>
              </td>
              <td>
                <StageTag ctx={p.ctx} stage={c.stage} c={c} today={p.today} />
              </td>
              <td>
                <Day lang={lang} date={c.opensOn} />
                {" – "}
                <Day lang={lang} date={c.closesOn} />
              </td>
              <td safe>{formatNumber(lang, c.comments)}</td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </Layout>
  );
}

export const DETAIL_FIELDS = [
  "kind",
  "titleSq",
  "titleSr",
  "titleEn",
  "summarySq",
  "summarySr",
  "summaryEn",
  "departmentId",
  "opensOn",
  "closesOn",
] as const;

export function ConsultationFormPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  id: number | undefined;
  departments: { id: number; name: LocalizedText }[];
  minDays: number;
  form: Form;
}) {
  const { t, lang } = p.ctx;
  const title = t(p.id ? `${S}.form.editTitle` : `${S}.form.newTitle`);
  const action = p.id
    ? `${staffPath(p.municipality.slug, p.id)}/edit`
    : `${staffListPath(p.municipality.slug)}/new`;
  const v = p.form.values;
  return (
    <Layout ctx={p.ctx} title={formTitle(t, title, p.form.errors)} municipality={p.municipality}>
      <ErrorSummary t={t} errors={p.form.errors} order={DETAIL_FIELDS} />
      <a
        class="back-link"
        href={p.id ? staffPath(p.municipality.slug, p.id) : staffListPath(p.municipality.slug)}
        safe
      >
        {t(`${S}.back`)}
      </a>
      <h1 safe>{title}</h1>
      <PostForm action={action} csrf={p.ctx.csrf}>
        <SelectField
          t={t}
          name="kind"
          label={t(`${S}.form.kind`)}
          value={v.kind ?? ""}
          errors={p.form.errors}
          options={[
            { value: "", label: t(`${S}.form.choose`) },
            ...CONSULTATION_KINDS.map((k) => ({ value: k, label: t(`${K}.kind.${k}`) })),
          ]}
        />
        <LocalizedFields
          ctx={p.ctx}
          base="title"
          label={t(`${S}.form.title`)}
          values={v}
          errors={p.form.errors}
        />
        <LocalizedFields
          ctx={p.ctx}
          base="summary"
          label={t(`${S}.form.summary`)}
          values={v}
          errors={p.form.errors}
          multiline
        />
        <SelectField
          t={t}
          name="departmentId"
          label={t(`${S}.form.department`)}
          value={v.departmentId ?? ""}
          errors={p.form.errors}
          options={[
            { value: "", label: t(`${S}.form.noDepartment`) },
            ...p.departments.map((d) => ({ value: String(d.id), label: localized(d.name, lang) })),
          ]}
        />
        <Field
          t={t}
          name="opensOn"
          autocomplete="off"
          type="date"
          width="medium"
          label={t(`${S}.form.opensOn`)}
          hint={t(`${S}.form.dateHint`)}
          value={v.opensOn ?? ""}
          errors={p.form.errors}
        />
        <Field
          t={t}
          name="closesOn"
          autocomplete="off"
          type="date"
          width="medium"
          label={t(`${S}.form.closesOn`)}
          hint={t(`${S}.form.closesHint`, { count: p.minDays })}
          value={v.closesOn ?? ""}
          errors={p.form.errors}
        />
        <Button label={t(`${S}.form.save`)} />
      </PostForm>
    </Layout>
  );
}

export const SECTION_FIELDS = ["headingSq", "headingSr", "headingEn", "bodySq", "bodySr", "bodyEn"] as const;

export function SectionFormPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  c: ConsultationRow;
  sectionId: number | undefined;
  form: Form;
}) {
  const { t } = p.ctx;
  const title = t(p.sectionId ? `${S}.section.editTitle` : `${S}.section.newTitle`);
  const base = `${staffPath(p.municipality.slug, p.c.id)}/sections`;
  return (
    <Layout ctx={p.ctx} title={formTitle(t, title, p.form.errors)} municipality={p.municipality}>
      <ErrorSummary t={t} errors={p.form.errors} order={SECTION_FIELDS} />
      <a class="back-link" href={staffPath(p.municipality.slug, p.c.id)} safe>
        {t(`${S}.back`)}
      </a>
      <h1 safe>{title}</h1>
      <PostForm action={p.sectionId ? `${base}/${p.sectionId}` : `${base}/new`} csrf={p.ctx.csrf}>
        <LocalizedFields
          ctx={p.ctx}
          base="heading"
          label={t(`${S}.section.heading`)}
          values={p.form.values}
          errors={p.form.errors}
        />
        <LocalizedFields
          ctx={p.ctx}
          base="body"
          label={t(`${S}.section.body`)}
          values={p.form.values}
          errors={p.form.errors}
          multiline
        />
        <Button label={t(`${S}.form.save`)} />
      </PostForm>
    </Layout>
  );
}

export function ManagePage(p: {
  ctx: PageContext;
  municipality: Municipality;
  c: ConsultationRow;
  stage: Stage;
  today: string;
  sections: { id: number; heading: LocalizedText }[];
  documents: (typeof consultationDocuments.$inferSelect)[];
  comments: number;
  missing: number;
  canManage: boolean;
  canDispose: boolean;
  upload: Form;
  publish: Form;
  notice?: string | undefined;
}) {
  const { t, lang } = p.ctx;
  const { c } = p;
  const base = staffPath(p.municipality.slug, c.id);
  const draft = p.stage === "draft";
  const errors = { ...p.upload.errors, ...p.publish.errors };
  return (
    <Layout ctx={p.ctx} title={formTitle(t, localized(c.title, lang), errors)} municipality={p.municipality}>
      <ErrorSummary t={t} errors={errors} order={["title", "file", "form"]} />
      <Notice text={p.notice} />
      <a class="back-link" href={staffListPath(p.municipality.slug)} safe>
        {t(`${S}.backToList`)}
      </a>
      <h1>
        <Loc text={c.title} lang={lang} />
      </h1>
      <p>
        <StageTag ctx={p.ctx} stage={p.stage} c={c} today={p.today} />
      </p>
      <ul class="link-list">
        <li>
          <a href={consultationPath(c.id)} safe>
            {t(draft ? `${S}.manage.preview` : `${S}.manage.publicPage`)}
          </a>
        </li>
        {p.canManage && p.stage !== "closed" && p.stage !== "reported" ? (
          <li>
            <a href={`${base}/edit`} safe>
              {t(`${S}.manage.edit`)}
            </a>
          </li>
        ) : null}
        {p.canDispose && (p.stage === "closed" || p.stage === "reported") ? (
          <li>
            <a href={`${base}/dispositions`} safe>
              {t(`${S}.manage.dispositions`)}
            </a>
          </li>
        ) : null}
        {p.stage === "reported" ? (
          <li>
            <a href={reportPath(c.id)} safe>
              {t(`${S}.manage.report`)}
            </a>
          </li>
        ) : null}
      </ul>
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
        <div>
          <dt safe>{t(`${S}.manage.comments`)}</dt>
          <dd class="summary-list__value" safe>
            {formatNumber(lang, p.comments)}
          </dd>
        </div>
        {p.stage === "closed" ? (
          <div>
            <dt safe>{t(`${S}.manage.missing`)}</dt>
            <dd class="summary-list__value" safe>
              {formatNumber(lang, p.missing)}
            </dd>
          </div>
        ) : null}
      </dl>

      <h2 safe>{t(`${K}.detail.sections`)}</h2>
      {p.sections.length === 0 ? <p safe>{t(`${S}.manage.noSections`)}</p> : null}
      <ol>
        {p.sections.map((s, i) => (
          <li>
            <Loc text={s.heading} lang={lang} />
            {draft && p.canManage ? (
              <div>
                <a href={`${base}/sections/${s.id}`} safe>
                  {t(`${S}.manage.editSection`)}
                </a>
                {i > 0 ? (
                  <PostForm action={`${base}/sections/${s.id}/move`} csrf={p.ctx.csrf} class="inline-form">
                    <input type="hidden" name="direction" value="up" />{" "}
                    <button type="submit" class="link-button" safe>
                      {t(`${S}.manage.up`)}
                    </button>
                  </PostForm>
                ) : null}
                {i < p.sections.length - 1 ? (
                  <PostForm action={`${base}/sections/${s.id}/move`} csrf={p.ctx.csrf} class="inline-form">
                    <input type="hidden" name="direction" value="down" />{" "}
                    <button type="submit" class="link-button" safe>
                      {t(`${S}.manage.down`)}
                    </button>
                  </PostForm>
                ) : null}
                <PostForm action={`${base}/sections/${s.id}/remove`} csrf={p.ctx.csrf} class="inline-form">
                  {" "}
                  <button type="submit" class="link-button" safe>
                    {t(`${S}.manage.remove`)}
                  </button>
                </PostForm>
              </div>
            ) : null}
          </li>
        ))}
      </ol>
      {draft && p.canManage ? (
        <p>
          <a class="button button--secondary" href={`${base}/sections/new`} safe>
            {t(`${S}.manage.addSection`)}
          </a>
        </p>
      ) : null}

      <h2 safe>{t(`${K}.detail.documents`)}</h2>
      {p.documents.length === 0 ? <p safe>{t(`${K}.detail.noDocuments`)}</p> : null}
      <ul class="link-list">
        {p.documents.map((d) => (
          <li>
            <a href={documentPath(c.id, d.id)} download="" safe>
              {d.title}
            </a>
            <DocumentDate ctx={p.ctx} at={d.createdAt} />
            {draft && p.canManage ? (
              <PostForm action={`${base}/documents/${d.id}/remove`} csrf={p.ctx.csrf} class="inline-form">
                {" "}
                <button type="submit" class="link-button" safe>
                  {t(`${S}.manage.remove`)}
                </button>
              </PostForm>
            ) : null}
          </li>
        ))}
      </ul>
      {p.canManage ? (
        <form method="post" action={`${base}/documents`} enctype="multipart/form-data" novalidate>
          <input type="hidden" name="_csrf" value={p.ctx.csrf} />
          <h3 safe>{t(`${S}.manage.upload`)}</h3>
          {draft ? null : <p safe>{t(`${S}.manage.uploadPublished`)}</p>}
          <Field
            t={t}
            name="title"
            autocomplete="off"
            label={t(`${S}.manage.documentTitle`)}
            value={p.upload.values.title ?? ""}
            errors={p.upload.errors}
          />
          <div
            class={
              p.upload.errors.file ? "form-group form-group--error file-upload" : "form-group file-upload"
            }
          >
            <label class="label" for="field-file" safe>
              {t(`${S}.manage.file`)}
            </label>
            <div class="hint" id="field-file-hint" safe>
              {t(`${S}.manage.fileHint`)}
            </div>
            <input
              class="input"
              id="field-file"
              name="file"
              type="file"
              accept="application/pdf"
              aria-describedby="field-file-hint"
            />
          </div>
          <Button label={t(`${S}.manage.uploadButton`)} variant="secondary" />
        </form>
      ) : null}

      {draft && p.canManage ? (
        <>
          <h2 safe>{t(`${S}.manage.publishTitle`)}</h2>
          <p safe>{t(`${S}.manage.publishHint`)}</p>
          <PostForm action={`${base}/publish`} csrf={p.ctx.csrf}>
            <Button label={t(`${S}.manage.publish`)} />
          </PostForm>
        </>
      ) : null}
    </Layout>
  );
}

export function ModerationPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  queue: QueueItem[];
  hidden: Awaited<ReturnType<typeof hiddenComments>>;
  form: Form & { commentId?: number };
  notice?: string | undefined;
}) {
  const { t, lang } = p.ctx;
  const title = t(`${S}.moderation.title`);
  const base = `/m/${p.municipality.slug}/participation/comments`;
  return (
    <Layout ctx={p.ctx} title={formTitle(t, title, p.form.errors)} municipality={p.municipality}>
      <ErrorSummary t={t} errors={p.form.errors} order={[]} />
      <Notice text={p.notice} />
      <a class="back-link" href={staffListPath(p.municipality.slug)} safe>
        {t(`${S}.backToList`)}
      </a>
      <h1 safe>{title}</h1>
      <h2 safe>{t(`${S}.moderation.reported`)}</h2>
      {p.queue.length === 0 ? <p safe>{t(`${S}.moderation.empty`)}</p> : null}
      {p.queue.map((q) => (
        <article class="panel" id={`comment-${q.commentId}`}>
          <h3>
            <a href={`${consultationPath(q.consultationId)}#comment-${q.commentId}`}>
              <Loc text={q.title} lang={lang} />
            </a>
          </h3>
          <p lang={htmlLang(q.language as "sq")}>
            <Lines text={q.body} />
          </p>
          <p safe>{t(`${S}.moderation.reports`, { count: q.reasons.length })}</p>
          <ul>
            {q.reasons.map((r) => (
              <li safe>{r}</li>
            ))}
          </ul>
          {q.hiddenAt ? null : (
            <PostForm action={`${base}/${q.commentId}/hide`} csrf={p.ctx.csrf}>
              <TextAreaField
                t={t}
                id={`field-reason-${q.commentId}`}
                name={`reason-${q.commentId}`}
                label={t(`${S}.moderation.reason`)}
                value={p.form.commentId === q.commentId ? (p.form.values.reason ?? "") : ""}
                errors={p.form.errors}
                rows={2}
              />
              <Button label={t(`${S}.moderation.hide`)} variant="warning" />
            </PostForm>
          )}
          <PostForm action={`${base}/${q.commentId}/dismiss`} csrf={p.ctx.csrf}>
            <Button label={t(`${S}.moderation.dismiss`)} variant="secondary" />
          </PostForm>
        </article>
      ))}
      <h2 safe>{t(`${S}.moderation.hidden`)}</h2>
      {p.hidden.length === 0 ? <p safe>{t(`${S}.moderation.noneHidden`)}</p> : null}
      {p.hidden.map((h) => (
        <article class="panel">
          <p lang={htmlLang(h.language as "sq")}>
            <Lines text={h.body} />
          </p>
          <p safe>{t(`${S}.moderation.hiddenBecause`, { reason: h.hiddenReason ?? "" })}</p>
          <PostForm action={`${base}/${h.commentId}/unhide`} csrf={p.ctx.csrf}>
            <Button label={t(`${S}.moderation.unhide`)} variant="secondary" />
          </PostForm>
        </article>
      ))}
    </Layout>
  );
}

type CommentRow = typeof consultationComments.$inferSelect;

export function DispositionsPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  c: ConsultationRow;
  stage: Stage;
  comments: CommentRow[];
  sectionNames: Map<number, LocalizedText>;
  missing: number;
  form: Form;
  report: Form;
  notice?: string | undefined;
}) {
  const { t, lang } = p.ctx;
  const { c } = p;
  const base = staffPath(p.municipality.slug, c.id);
  const title = t(`${S}.dispositions.title`);
  const locked = p.stage === "reported";
  const errors = { ...p.form.errors, ...p.report.errors };
  const listed = new Set(p.comments.map((k) => k.id));
  const commentHeading = (k: CommentRow) => {
    const section = k.sectionId ? p.sectionNames.get(k.sectionId) : undefined;
    return t(`${S}.dispositions.comment`, {
      n: k.id,
      on: section ? localized(section, lang) : t(`${K}.form.onWhole`),
    });
  };
  const CommentText = ({ k }: { k: CommentRow }) => (
    <>
      {k.parentId === null ? null : listed.has(k.parentId) ? (
        <p>
          <a href={`#comment-${k.parentId}`} safe>
            {t(`${S}.dispositions.replyTo`, { n: k.parentId })}
          </a>
        </p>
      ) : (
        // Its comment was hidden by moderation: no disposition is owed for it, and the report says so.
        <p safe>{t(`${K}.report.replyToHidden`)}</p>
      )}
      <p lang={htmlLang(k.language as "sq")}>
        <Lines text={k.body} />
      </p>
    </>
  );
  const order = [
    ...p.comments.flatMap((k) => [`disposition-${k.id}`, `reason-${k.id}`]),
    "form",
    "summarySq",
    "summarySr",
  ];
  return (
    <Layout ctx={p.ctx} title={formTitle(t, title, errors)} municipality={p.municipality}>
      <ErrorSummary t={t} errors={errors} order={order} />
      <Notice text={p.notice} />
      <a class="back-link" href={base} safe>
        {t(`${S}.back`)}
      </a>
      <h1 safe>{title}</h1>
      <p class="lead">
        <Loc text={c.title} lang={lang} />
      </p>
      <p safe>
        {locked ? t(`${S}.dispositions.locked`) : t(`${S}.dispositions.missing`, { count: p.missing })}
      </p>
      {p.comments.length === 0 ? <p safe>{t(`${S}.dispositions.none`)}</p> : null}
      {p.comments.length > 0 && locked ? (
        // Read-only once the report is out: the dispositions as a list, no form and no fields.
        <ul class="case-list">
          {p.comments.map((k) => (
            <Card level={2} id={`comment-${k.id}`} title={commentHeading(k)}>
              <CommentText k={k} />
              <dl class="summary-list">
                <div>
                  <dt safe>{t(`${S}.dispositions.disposition`)}</dt>
                  <dd class="summary-list__value">
                    {k.disposition ? <span safe>{t(`${K}.disposition.${k.disposition}`)}</span> : null}
                  </dd>
                </div>
                <div>
                  <dt safe>{t(`${S}.dispositions.reason`)}</dt>
                  <dd class="summary-list__value">
                    <Lines text={k.dispositionReason ?? ""} />
                  </dd>
                </div>
              </dl>
            </Card>
          ))}
        </ul>
      ) : null}
      {p.comments.length > 0 && !locked ? (
        <PostForm action={`${base}/dispositions`} csrf={p.ctx.csrf}>
          {/* Each comment a card, its fields a fieldset without a box of its own: the legend sits inside
              the card instead of straddling a border. */}
          <ul class="case-list">
            {p.comments.map((k) => {
              const v = (f: string) => p.form.values[`${f}-${k.id}`] ?? "";
              return (
                <li class="case-card" id={`comment-${k.id}`}>
                  <fieldset class="choice-group">
                    <legend class="choice-group__legend" safe>
                      {commentHeading(k)}
                    </legend>
                    <CommentText k={k} />
                    <SelectField
                      t={t}
                      name={`disposition-${k.id}`}
                      label={t(`${S}.dispositions.disposition`)}
                      value={v("disposition")}
                      errors={p.form.errors}
                      options={[
                        { value: "", label: t(`${S}.dispositions.notYet`) },
                        ...DISPOSITIONS.map((d) => ({ value: d, label: t(`${K}.disposition.${d}`) })),
                      ]}
                    />
                    <TextAreaField
                      t={t}
                      name={`reason-${k.id}`}
                      label={t(`${S}.dispositions.reason`)}
                      value={v("reason")}
                      errors={p.form.errors}
                      rows={3}
                    />
                    <button
                      type="submit"
                      name="save"
                      value={String(k.id)}
                      class="button button--secondary"
                      safe
                    >
                      {t(`${S}.dispositions.saveOne`)}
                    </button>
                  </fieldset>
                </li>
              );
            })}
          </ul>
          <button type="submit" name="save" value="all" class="button button--primary" safe>
            {t(`${S}.dispositions.saveAll`)}
          </button>
        </PostForm>
      ) : null}
      {locked ? null : (
        <>
          <h2 safe>{t(`${S}.dispositions.reportTitle`)}</h2>
          <p safe>{t(`${S}.dispositions.reportHint`)}</p>
          <PostForm action={`${base}/report`} csrf={p.ctx.csrf}>
            <LocalizedFields
              ctx={p.ctx}
              base="summary"
              label={t(`${S}.dispositions.summary`)}
              values={p.report.values}
              errors={p.report.errors}
              multiline
            />
            <Button label={t(`${S}.dispositions.publish`)} />
          </PostForm>
        </>
      )}
    </Layout>
  );
}
