// The staff import's pages: the form (a file, or text pasted from a spreadsheet) with what the list must
// hold, and the preview of what importing it does, row by row, with each row's problems.
import { ScrollTable } from "../web/components/ScrollTable.tsx";
import type { PageContext } from "../web/context.ts";
import {
  attributeText,
  Button,
  ErrorMessage,
  type FieldErrors,
  fieldId,
  PostForm,
  TextAreaField,
} from "../web/forms.tsx";
import { type Frame, K, OnboardingLayout, onboardingPath } from "./onboardingPages.tsx";
import { COLUMNS, type countPlan, IMPORT_ROLES, type PlannedRow, type RowProblem } from "./staffCsv.ts";

const I = `${K}.import`;

export interface DepartmentCode {
  code: string;
  name: string;
}

/** The form that sends a list to be checked: a file, or pasted text; the text comes back when it is shown again. */
function SendForm(p: { ctx: PageContext; slug: string; text: string; errors: FieldErrors; heading: string }) {
  const { t } = p.ctx;
  const fileError = p.errors.file;
  return (
    <form
      method="post"
      action={onboardingPath(p.slug, "/staff/import/preview")}
      enctype="multipart/form-data"
      novalidate
    >
      <input type="hidden" name="_csrf" value={p.ctx.csrf} />
      <h2 id="send" safe>
        {p.heading}
      </h2>
      <div class={fileError ? "form-group form-group--error file-upload" : "form-group file-upload"}>
        <label class="label" for={fieldId("file")} safe>
          {t(`${I}.fileLabel`)}
        </label>
        <div class="hint" id={`${fieldId("file")}-hint`} safe>
          {t(`${I}.fileHint`)}
        </div>
        {fileError ? <ErrorMessage t={t} id={`${fieldId("file")}-error`} error={fileError} /> : null}
        <input
          class="input"
          id={fieldId("file")}
          name="file"
          type="file"
          accept=".csv,.txt,text/csv,text/plain"
          aria-describedby={`${fieldId("file")}-hint${fileError ? ` ${fieldId("file")}-error` : ""}`}
          aria-invalid={fileError ? "true" : undefined}
        />
      </div>
      <TextAreaField
        t={t}
        name="csv"
        label={t(`${I}.pasteLabel`)}
        hint={t(`${I}.pasteHint`)}
        value={p.text}
        errors={p.errors}
        rows={8}
      />
      <Button label={t(`${I}.check`)} />
    </form>
  );
}

export function ImportPage(p: Frame & { departments: DepartmentCode[]; text: string }) {
  const { t } = p.ctx;
  const errors = p.errors ?? {};
  return (
    <OnboardingLayout
      {...p}
      title={t(`${I}.title`, { municipality: p.municipality.name })}
      order={["file", "csv"]}
    >
      <p class="lead" safe>
        {t(`${I}.lead`)}
      </p>
      <h2 safe>{t(`${I}.columnsHeading`)}</h2>
      <p safe>{t(`${I}.columnsLead`)}</p>
      <dl class="summary-list">
        {COLUMNS.map((column) => (
          <div>
            <dt lang="en">{column}</dt>
            <dd safe>
              {column === "role"
                ? t(`${I}.columns.role`, {
                    roles: IMPORT_ROLES.map((r) => `${r} (${t(`role.${r}`)})`).join(", "),
                  })
                : t(`${I}.columns.${column}`)}
            </dd>
          </div>
        ))}
      </dl>
      <p safe>{t(`${I}.format`)}</p>
      <h3 id="example-heading" safe>
        {t(`${I}.exampleHeading`)}
      </h3>
      {/* Scrolls sideways on a narrow screen rather than widening the page; focusable, to scroll by keyboard. */}
      <section class="table-wrap" aria-labelledby="example-heading" tabindex="0">
        <pre>
          <code safe>{t(`${I}.example`)}</code>
        </pre>
      </section>
      <h2 id="codes-heading" safe>
        {t(`${I}.codesHeading`)}
      </h2>
      {p.departments.length === 0 ? (
        <p safe>{t(`${I}.noDepartments`)}</p>
      ) : (
        <ScrollTable
          labelledBy="codes-heading"
          caption={t(`${I}.codesCaption`, { municipality: p.municipality.name })}
          head={[t(`${I}.code`), t(`${I}.departmentName`)]}
        >
          {p.departments.map((d) => (
            <tr>
              <td safe>{d.code}</td>
              <td safe>{d.name}</td>
            </tr>
          ))}
        </ScrollTable>
      )}
      <SendForm
        ctx={p.ctx}
        slug={p.municipality.slug}
        text={p.text}
        errors={errors}
        heading={t(`${I}.sendHeading`)}
      />
    </OnboardingLayout>
  );
}

/** A row problem's message, in the page language. */
export function problemText(ctx: PageContext, problem: RowProblem): string {
  const key = `${I}.problems.${problem.code}`;
  return problem.code === "duplicate" ? ctx.t(key, { line: problem.firstLine }) : ctx.t(key);
}

function Outcome({ ctx, row }: { ctx: PageContext; row: PlannedRow }) {
  const { t } = ctx;
  if (row.plan) return <span safe>{t(`${I}.outcome.${row.plan.outcome}`)}</span>;
  return (
    <ul>
      {row.problems.map((problem) => (
        <li class="error-message">
          <span class="visually-hidden" safe>
            {`${t("forms.errorPrefix")}:`}
          </span>{" "}
          <span safe>{problemText(ctx, problem)}</span>
        </li>
      ))}
    </ul>
  );
}

export function PreviewPage(
  p: Frame & { rows: PlannedRow[]; counts: ReturnType<typeof countPlan>; text: string },
) {
  const { t } = p.ctx;
  const ok = p.counts.problems === 0;
  const errors: FieldErrors = ok ? {} : { rows: [`${I}.rowsWithProblems`, { count: p.counts.problems }] };
  const toImport = p.counts.invite + p.counts.invite_account;
  return (
    <OnboardingLayout {...p} errors={errors} title={t(`${I}.previewTitle`)} order={["rows"]}>
      <p class="lead" safe>
        {t(ok ? `${I}.previewLead` : `${I}.previewLeadProblems`)}
      </p>
      <ul>
        <li safe>{t(`${I}.counts.rows`, { count: p.counts.rows })}</li>
        <li safe>{t(`${I}.counts.invite`, { count: p.counts.invite })}</li>
        <li safe>{t(`${I}.counts.invite_account`, { count: p.counts.invite_account })}</li>
        <li safe>{t(`${I}.counts.unchanged`, { count: p.counts.unchanged })}</li>
        {ok ? null : <li safe>{t(`${I}.counts.problems`, { count: p.counts.problems })}</li>}
      </ul>
      <h2 id="field-rows" tabindex="-1" safe>
        {t(`${I}.rowsHeading`)}
      </h2>
      <ScrollTable
        labelledBy="field-rows"
        caption={t(`${I}.rowsCaption`)}
        head={[
          t(`${I}.head.line`),
          t(`${I}.head.name`),
          t(`${I}.head.email`),
          t(`${I}.head.role`),
          t(`${I}.head.department`),
          t(`${I}.head.language`),
          t(`${I}.head.outcome`),
        ]}
      >
        {p.rows.map((row) => (
          <tr>
            <td safe>{String(row.line)}</td>
            <td safe>{row.name}</td>
            <td safe>{row.email}</td>
            <td safe>{row.plan ? t(`role.${row.plan.role}`) : row.role}</td>
            <td safe>{row.department}</td>
            <td safe>{row.language}</td>
            <td>
              <Outcome ctx={p.ctx} row={row} />
            </td>
          </tr>
        ))}
      </ScrollTable>
      {ok ? (
        <PostForm action={onboardingPath(p.municipality.slug, "/staff/import")} csrf={p.ctx.csrf}>
          {/* The text only: the import reads and checks it again rather than trusting this page. */}
          <input type="hidden" name="csv" value={attributeText(p.text)} />
          <p safe>{t(`${I}.importLead`)}</p>
          <Button label={t(`${I}.import`, { count: toImport })} />
        </PostForm>
      ) : null}
      <SendForm
        ctx={p.ctx}
        slug={p.municipality.slug}
        text={p.text}
        errors={{}}
        heading={t(ok ? `${I}.changeHeading` : `${I}.correctHeading`)}
      />
    </OnboardingLayout>
  );
}
