// A municipality's set-up pages: the index, departments, routing rules, response templates and response
// standards. Every form keeps what was typed and shows its problems at the fields (src/web/forms.tsx).

import type { Children } from "@kitajs/html";
import type { Standard } from "../cases/sla.ts";
import type { LocalizedText } from "../db/schema.ts";
import { formatNumber, type Language, offeredLanguages } from "../kernel/i18n.ts";
import { htmlLang, localized } from "../kernel/localized.ts";
import { Lines } from "../web/components/Lines.tsx";
import { ScrollTable } from "../web/components/ScrollTable.tsx";
import type { PageContext } from "../web/context.ts";
import {
  attributeText,
  Button,
  ErrorMessage,
  ErrorSummary,
  Field,
  FieldError,
  type FieldErrors,
  fieldId,
  formTitle,
  PostForm,
} from "../web/forms.tsx";
import { Layout } from "../web/layout.tsx";
import { PLACEHOLDERS } from "./templates.ts";

type Values = Record<string, string>;
const K = "municipal_admin";

export interface Choice {
  value: string;
  label: string;
  /** The language of the label, when it is not the page's. */
  lang?: string;
}
export interface ChoiceGroup {
  label: string;
  options: Choice[];
}
export interface Municipality {
  name: string;
  slug: string;
  /** Its stored list (municipalities.languages): Turkish and Bosnian where switched on. */
  languages: readonly string[];
}
export type Section = "departments" | "routing" | "templates" | "standards";
export const SECTIONS: readonly Section[] = ["departments", "routing", "templates", "standards"];

export const adminPath = (slug: string, rest = "") => `/m/${encodeURIComponent(slug)}/admin${rest}`;

interface Frame {
  ctx: PageContext;
  municipality: Municipality;
  notice?: string | undefined;
  errors?: FieldErrors;
}

/** The frame of every set-up page: back to the index, the notice of what was done, the error summary, the heading. */
function AdminLayout(
  p: Frame & {
    title: string;
    order?: readonly string[];
    back?: { href: string; label: string } | null;
    children?: Children;
  },
) {
  const { t } = p.ctx;
  const back =
    p.back === undefined ? { href: adminPath(p.municipality.slug), label: t(`${K}.back`) } : p.back;
  return (
    <Layout ctx={p.ctx} title={formTitle(t, p.title, p.errors)} municipality={p.municipality}>
      {back ? (
        <a class="back-link" href={back.href} safe>
          {back.label}
        </a>
      ) : null}
      {p.notice ? (
        <div class="notice" role="status" safe>
          {p.notice}
        </div>
      ) : null}
      <ErrorSummary t={t} errors={p.errors ?? {}} order={p.order ?? []} />
      <h1 safe>{p.title}</h1>
      {p.children}
    </Layout>
  );
}

/** A labelled select with its hint and error; options may be grouped. */
function Select(p: {
  ctx: PageContext;
  name: string;
  label: string;
  hint?: string;
  none?: string;
  options?: Choice[];
  groups?: ChoiceGroup[];
  value: string | undefined;
  errors: FieldErrors;
}) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
  const describedBy = [p.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  const option = (c: Choice) => (
    <option value={c.value} selected={p.value === c.value} lang={c.lang} safe>
      {c.label}
    </option>
  );
  return (
    <div class={error ? "form-group form-group--error" : "form-group"}>
      <label class="label" for={id} safe>
        {p.label}
      </label>
      {p.hint ? (
        <div class="hint" id={`${id}-hint`} safe>
          {p.hint}
        </div>
      ) : null}
      <FieldError ctx={p.ctx} name={p.name} errors={p.errors} />
      <select
        class={`input input--medium${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        aria-describedby={describedBy || undefined}
        aria-invalid={error ? "true" : undefined}
      >
        {p.none !== undefined ? (
          <option value="" selected={!p.value} safe>
            {p.none}
          </option>
        ) : null}
        {(p.options ?? []).map(option)}
        {(p.groups ?? []).map((g) => (
          <optgroup label={attributeText(g.label)}>{g.options.map(option)}</optgroup>
        ))}
      </select>
    </div>
  );
}

/** A textarea with its label, hint and error; the typed text comes back as typed. */
function TextArea(p: {
  ctx: PageContext;
  name: string;
  label: string;
  /** Already rendered (its text escaped where it was written). */
  hint?: JSX.Element;
  value: string;
  errors: FieldErrors;
  rows?: number;
  spellcheck?: boolean;
}) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
  const describedBy = [p.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  const { hint } = p;
  return (
    <div class={error ? "form-group form-group--error" : "form-group"}>
      <label class="label" for={id} safe>
        {p.label}
      </label>
      {hint ? (
        <div class="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? <ErrorMessage t={p.ctx.t} id={`${id}-error`} error={error} /> : null}
      <textarea
        class={`input textarea${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        rows={String(p.rows ?? 5)}
        aria-describedby={describedBy || undefined}
        aria-invalid={error ? "true" : undefined}
        spellcheck={p.spellcheck === false ? "false" : undefined}
        safe
      >
        {p.value}
      </textarea>
    </div>
  );
}

/** A small button in a form of its own, for a row's action; `hidden` completes its name for screen readers. */
function RowAction(p: {
  action: string;
  csrf: string;
  label: string;
  hidden: string;
  fields?: Values;
  variant?: "secondary" | "warning";
}) {
  return (
    <form method="post" action={p.action} class="inline-form">
      <input type="hidden" name="_csrf" value={p.csrf} />
      {Object.entries(p.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={`button button--${p.variant ?? "secondary"} button--small`}>
        <span safe>{p.label}</span>
        <span class="visually-hidden" safe>
          {` ${p.hidden}`}
        </span>
      </button>
    </form>
  );
}

// ── The index.

export function AdminIndexPage(p: {
  ctx: PageContext;
  municipality: Municipality;
  sections: readonly Section[];
  /** Pages beyond the sections, elsewhere in the app, that the actor may open: each a catalog key and a path. */
  links?: readonly { key: string; href: string }[];
}) {
  const { t } = p.ctx;
  return (
    <AdminLayout
      ctx={p.ctx}
      municipality={p.municipality}
      title={t(`${K}.index.title`, { municipality: p.municipality.name })}
      back={null}
    >
      <p class="lead" safe>
        {t(`${K}.index.lead`)}
      </p>
      <ul class="link-list">
        {p.sections.map((s) => (
          <li>
            <a href={adminPath(p.municipality.slug, `/${s}`)} safe>
              {t(`${K}.index.${s}`)}
            </a>
            <div class="hint" safe>
              {t(`${K}.index.${s}Hint`)}
            </div>
          </li>
        ))}
        {(p.links ?? []).map((l) => (
          <li>
            <a href={l.href} safe>
              {t(`${K}.index.${l.key}`)}
            </a>
            <div class="hint" safe>
              {t(`${K}.index.${l.key}Hint`)}
            </div>
          </li>
        ))}
      </ul>
    </AdminLayout>
  );
}

// ── Departments.

export interface DepartmentRow {
  code: string;
  name: LocalizedText;
  staff: number;
  cases: number;
  rules: number;
}

export const DEPARTMENT_FIELDS = ["code", "nameSq", "nameSr", "nameEn"] as const;

function DepartmentNames(p: { ctx: PageContext; values: Values; errors: FieldErrors }) {
  const { t } = p.ctx;
  return (
    <>
      {(["Sq", "Sr", "En"] as const).map((l) => (
        <Field
          t={t}
          name={`name${l}`}
          label={t(`${K}.departments.name${l}Label`)}
          {...(l === "En" ? { hint: t(`${K}.departments.nameEnHint`) } : {})}
          value={p.values[`name${l}`] ?? ""}
          errors={p.errors}
          autocomplete="off"
        />
      ))}
    </>
  );
}

export function DepartmentsPage(
  p: Frame & { departments: DepartmentRow[]; values: Values; errors: FieldErrors },
) {
  const { t, lang } = p.ctx;
  const d = `${K}.departments`;
  return (
    <AdminLayout {...p} title={t(`${d}.title`)} order={DEPARTMENT_FIELDS}>
      <p class="lead" safe>
        {t(`${d}.lead`)}
      </p>
      <h2 id="departments-heading" safe>
        {t(`${d}.listHeading`)}
      </h2>
      {p.departments.length === 0 ? (
        <p safe>{t(`${d}.empty`)}</p>
      ) : (
        <ScrollTable
          labelledBy="departments-heading"
          caption={t(`${d}.caption`, { municipality: p.municipality.name })}
          head={[t(`${d}.name`), t(`${d}.code`), t(`${d}.staff`), t(`${d}.cases`)]}
        >
          {p.departments.map((row) => (
            <tr>
              <td>
                <a href={adminPath(p.municipality.slug, `/departments/${encodeURIComponent(row.code)}`)} safe>
                  {localized(row.name, lang)}
                </a>
              </td>
              <td safe>{row.code}</td>
              <td safe>{formatNumber(lang, row.staff)}</td>
              <td safe>{formatNumber(lang, row.cases)}</td>
            </tr>
          ))}
        </ScrollTable>
      )}
      <h2 id="create" safe>
        {t(`${d}.createHeading`)}
      </h2>
      <PostForm action={adminPath(p.municipality.slug, "/departments")} csrf={p.ctx.csrf}>
        <Field
          t={t}
          name="code"
          label={t(`${d}.codeLabel`)}
          hint={t(`${d}.codeHint`)}
          value={p.values.code ?? ""}
          errors={p.errors}
          width="medium"
          autocomplete="off"
          spellcheck={false}
        />
        <DepartmentNames ctx={p.ctx} values={p.values} errors={p.errors} />
        <Button label={t(`${d}.create`)} />
      </PostForm>
    </AdminLayout>
  );
}

export function DepartmentPage(
  p: Frame & { department: DepartmentRow; values: Values; errors: FieldErrors },
) {
  const { t, lang } = p.ctx;
  const d = `${K}.departments`;
  const dep = p.department;
  const path = adminPath(p.municipality.slug, `/departments/${encodeURIComponent(dep.code)}`);
  const inUse = dep.staff > 0 || dep.cases > 0;
  return (
    <AdminLayout
      {...p}
      title={t(`${d}.editTitle`, { name: localized(dep.name, lang) })}
      order={DEPARTMENT_FIELDS}
      back={{ href: adminPath(p.municipality.slug, "/departments"), label: t(`${d}.back`) }}
    >
      <dl class="summary-list">
        <div>
          <dt safe>{t(`${d}.code`)}</dt>
          <dd class="summary-list__value" safe>
            {dep.code}
          </dd>
        </div>
        <div>
          <dt safe>{t(`${d}.staff`)}</dt>
          <dd class="summary-list__value" safe>
            {formatNumber(lang, dep.staff)}
          </dd>
        </div>
        <div>
          <dt safe>{t(`${d}.cases`)}</dt>
          <dd class="summary-list__value" safe>
            {formatNumber(lang, dep.cases)}
          </dd>
        </div>
      </dl>
      <h2 id="rename" safe>
        {t(`${d}.renameHeading`)}
      </h2>
      <PostForm action={path} csrf={p.ctx.csrf}>
        <DepartmentNames ctx={p.ctx} values={p.values} errors={p.errors} />
        <Button label={t(`${d}.rename`)} />
      </PostForm>
      <h2 id="delete" safe>
        {t(`${d}.deleteHeading`)}
      </h2>
      {inUse ? (
        <p safe>{t(`${d}.cannotDelete`, { staff: String(dep.staff), cases: String(dep.cases) })}</p>
      ) : (
        <>
          <p safe>{t(`${d}.deleteLead`)}</p>
          {dep.rules > 0 ? <p safe>{t(`${d}.deleteRules`, { rules: String(dep.rules) })}</p> : null}
          <PostForm action={`${path}/delete`} csrf={p.ctx.csrf}>
            <Button label={t(`${d}.delete`)} variant="warning" />
          </PostForm>
        </>
      )}
    </AdminLayout>
  );
}

// ── Routing rules.

export interface RuleRow {
  id: number;
  category: string | null;
  area: { polygons: number; points: number } | null;
  department: string;
}

export const RULE_FIELDS = ["category", "department", "area"] as const;

export function RoutingPage(
  p: Frame & {
    rules: RuleRow[];
    categories: ChoiceGroup[];
    departments: Choice[];
    values: Values;
    errors: FieldErrors;
  },
) {
  const { t } = p.ctx;
  const r = `${K}.routing`;
  const base = adminPath(p.municipality.slug, "/routing");
  return (
    <AdminLayout {...p} title={t(`${r}.title`)} order={RULE_FIELDS}>
      <p class="lead" safe>
        {t(`${r}.lead`)}
      </p>
      <h2 id="rules-heading" safe>
        {t(`${r}.listHeading`)}
      </h2>
      <ScrollTable
        labelledBy="rules-heading"
        caption={t(`${r}.caption`, { municipality: p.municipality.name })}
        head={[
          t(`${r}.position`),
          t(`${r}.category`),
          t(`${r}.area`),
          t(`${r}.department`),
          t(`${r}.actions`),
        ]}
      >
        {p.rules.map((rule, i) => {
          const n = String(i + 1);
          const hidden = t(`${r}.ruleName`, { n });
          return (
            <tr>
              <td safe>{n}</td>
              <td safe>{rule.category ?? t(`${r}.anyCategory`)}</td>
              <td safe>
                {rule.area
                  ? t(`${r}.areaSummary`, {
                      polygons: String(rule.area.polygons),
                      points: String(rule.area.points),
                    })
                  : t(`${r}.anywhere`)}
              </td>
              <td safe>{rule.department}</td>
              <td>
                {i > 0 ? (
                  <RowAction
                    action={`${base}/${rule.id}/move`}
                    csrf={p.ctx.csrf}
                    label={t(`${r}.moveUp`)}
                    hidden={hidden}
                    fields={{ direction: "up" }}
                  />
                ) : null}
                {i < p.rules.length - 1 ? (
                  <RowAction
                    action={`${base}/${rule.id}/move`}
                    csrf={p.ctx.csrf}
                    label={t(`${r}.moveDown`)}
                    hidden={hidden}
                    fields={{ direction: "down" }}
                  />
                ) : null}
                <RowAction
                  action={`${base}/${rule.id}/delete`}
                  csrf={p.ctx.csrf}
                  label={t(`${r}.delete`)}
                  hidden={hidden}
                  variant="warning"
                />
              </td>
            </tr>
          );
        })}
        <tr>
          <td safe>{t(`${r}.otherwise`)}</td>
          <td safe>{t(`${r}.anyOther`)}</td>
          <td safe>{t(`${r}.anywhere`)}</td>
          <td safe>{t(`${r}.coordinator`)}</td>
          <td />
        </tr>
      </ScrollTable>
      <p safe>{t(`${r}.fallback`)}</p>
      <h2 id="add" safe>
        {t(`${r}.addHeading`)}
      </h2>
      {p.departments.length === 0 ? (
        <p>
          <span safe>{t(`${r}.noDepartments`)}</span>{" "}
          <a href={adminPath(p.municipality.slug, "/departments")} safe>
            {t(`${K}.index.departments`)}
          </a>
        </p>
      ) : (
        <PostForm action={base} csrf={p.ctx.csrf}>
          <Select
            ctx={p.ctx}
            name="category"
            label={t(`${r}.categoryLabel`)}
            hint={t(`${r}.categoryHint`)}
            none={t(`${r}.anyCategory`)}
            groups={p.categories}
            value={p.values.category}
            errors={p.errors}
          />
          <Select
            ctx={p.ctx}
            name="department"
            label={t(`${r}.departmentLabel`)}
            none={t(`${r}.departmentNone`)}
            options={p.departments}
            value={p.values.department}
            errors={p.errors}
          />
          <TextArea
            ctx={p.ctx}
            name="area"
            label={t(`${r}.areaLabel`)}
            hint={<span safe>{t(`${r}.areaHint`)}</span>}
            value={p.values.area ?? ""}
            errors={p.errors}
            rows={6}
            spellcheck={false}
          />
          <Button label={t(`${r}.add`)} />
        </PostForm>
      )}
    </AdminLayout>
  );
}

// ── Response templates.

export interface TemplateRow {
  id: number;
  own: boolean;
  code: string;
  language: string;
  title: string;
  body: string;
  appliesTo: string;
  active: boolean;
}

export const TEMPLATE_FIELDS = ["code", "language", "appliesTo", "title", "body"] as const;

export function TemplatesPage(p: Frame & { templates: TemplateRow[] }) {
  const { t } = p.ctx;
  const m = `${K}.templates`;
  const table = (own: boolean) => {
    const rows = p.templates.filter((x) => x.own === own);
    const id = own ? "own-heading" : "national-heading";
    return (
      <>
        <h2 id={id} safe>
          {t(own ? `${m}.ownHeading` : `${m}.nationalHeading`)}
        </h2>
        {rows.length === 0 ? (
          <p safe>{t(own ? `${m}.noneOwn` : `${m}.noneNational`)}</p>
        ) : (
          <ScrollTable
            labelledBy={id}
            caption={t(own ? `${m}.ownCaption` : `${m}.nationalCaption`, {
              municipality: p.municipality.name,
            })}
            head={[
              t(`${m}.titleColumn`),
              t(`${m}.code`),
              t(`${m}.language`),
              t(`${m}.appliesTo`),
              t(`${m}.status`),
            ]}
          >
            {rows.map((x) => (
              <tr>
                <td>
                  {own ? (
                    <a
                      href={adminPath(p.municipality.slug, `/templates/${x.id}`)}
                      lang={htmlLang(x.language as Language)}
                      safe
                    >
                      {x.title}
                    </a>
                  ) : (
                    <details>
                      <summary lang={htmlLang(x.language as Language)} safe>
                        {x.title}
                      </summary>
                      <p lang={htmlLang(x.language as Language)}>
                        <Lines text={x.body} />
                      </p>
                    </details>
                  )}
                </td>
                <td safe>{x.code}</td>
                <td safe>{t(`language.name.${x.language}`)}</td>
                <td safe>{x.appliesTo}</td>
                <td safe>{t(x.active ? `${m}.active` : `${m}.inactive`)}</td>
              </tr>
            ))}
          </ScrollTable>
        )}
      </>
    );
  };
  return (
    <AdminLayout {...p} title={t(`${m}.title`)}>
      <p class="lead" safe>
        {t(`${m}.lead`)}
      </p>
      <p>
        <a class="button button--secondary" href={adminPath(p.municipality.slug, "/templates/new")} safe>
          {t(`${m}.newLink`)}
        </a>
      </p>
      {table(true)}
      {table(false)}
    </AdminLayout>
  );
}

export function TemplateFormPage(
  p: Frame & {
    template?: { id: number; active: boolean };
    appliesTo: ChoiceGroup[];
    values: Values;
    errors: FieldErrors;
  },
) {
  const { t } = p.ctx;
  const m = `${K}.templates`;
  const list = adminPath(p.municipality.slug, "/templates");
  const action = p.template ? `${list}/${p.template.id}` : `${list}/new`;
  const placeholders = (
    <>
      <span safe>{t(`${m}.bodyHint`)}</span>
      <ul>
        {PLACEHOLDERS.map((name) => (
          <li>
            <code safe>{`{{${name}}}`}</code> <span safe>{t(`${m}.placeholder.${name}`)}</span>
          </li>
        ))}
      </ul>
    </>
  );
  return (
    <AdminLayout
      {...p}
      title={t(p.template ? `${m}.editTitle` : `${m}.newTitle`)}
      order={TEMPLATE_FIELDS}
      back={{ href: list, label: t(`${m}.back`) }}
    >
      <PostForm action={action} csrf={p.ctx.csrf}>
        <Field
          t={t}
          name="code"
          label={t(`${m}.codeLabel`)}
          hint={t(`${m}.codeHint`)}
          value={p.values.code ?? ""}
          errors={p.errors}
          width="medium"
          autocomplete="off"
          spellcheck={false}
        />
        <Select
          ctx={p.ctx}
          name="language"
          label={t(`${m}.languageLabel`)}
          options={offeredLanguages(p.municipality.languages).map((l) => ({
            value: l,
            label: t(`language.name.${l}`),
            lang: htmlLang(l),
          }))}
          value={p.values.language || p.ctx.lang}
          errors={p.errors}
        />
        <Select
          ctx={p.ctx}
          name="appliesTo"
          label={t(`${m}.appliesToLabel`)}
          hint={t(`${m}.appliesToHint`)}
          none={t(`${m}.appliesAll`)}
          groups={p.appliesTo}
          value={p.values.appliesTo}
          errors={p.errors}
        />
        <Field
          t={t}
          name="title"
          label={t(`${m}.titleLabel`)}
          value={p.values.title ?? ""}
          errors={p.errors}
        />
        <TextArea
          ctx={p.ctx}
          name="body"
          label={t(`${m}.bodyLabel`)}
          hint={placeholders}
          value={p.values.body ?? ""}
          errors={p.errors}
          rows={10}
        />
        <Button label={t(p.template ? `${m}.save` : `${m}.create`)} />
      </PostForm>
      {p.template ? (
        <>
          <h2 id="status" safe>
            {t(`${m}.statusHeading`)}
          </h2>
          <p safe>{t(p.template.active ? `${m}.activeLead` : `${m}.inactiveLead`)}</p>
          <PostForm action={`${action}/active`} csrf={p.ctx.csrf}>
            <input type="hidden" name="active" value={p.template.active ? "0" : "1"} />
            <Button
              label={t(p.template.active ? `${m}.deactivate` : `${m}.activate`)}
              variant={p.template.active ? "warning" : "secondary"}
            />
          </PostForm>
        </>
      ) : null}
    </AdminLayout>
  );
}

// ── Response standards.

export interface StandardRow {
  category: string;
  /** The national standard, then the national ones for particular priorities. */
  national: { priority: string | null; standard: Standard }[];
  /** This municipality's tightened standards for the category. */
  municipal: { id: number; priority: string | null; standard: Standard; note: string | null }[];
}

export const STANDARD_FIELDS = [
  "category",
  "priority",
  "unit",
  "ack",
  "firstResponse",
  "resolution",
  "note",
] as const;

/** "Acknowledge: 1 working day" and the other two clocks, as a list. */
function StandardText({ ctx, standard }: { ctx: PageContext; standard: Standard }) {
  const { t } = ctx;
  const s = `${K}.standards`;
  const amount = (n: number) => t(`${s}.amount.${standard.unit}`, { count: n });
  return (
    <ul>
      <li safe>{`${t(`${s}.clock.ack`)}: ${amount(standard.ackWithin)}`}</li>
      <li safe>{`${t(`${s}.clock.firstResponse`)}: ${amount(standard.firstResponseWithin)}`}</li>
      <li safe>{`${t(`${s}.clock.resolution`)}: ${amount(standard.resolutionWithin)}`}</li>
    </ul>
  );
}

export function StandardsPage(
  p: Frame & {
    rows: StandardRow[];
    categories: ChoiceGroup[];
    values: Values;
    errors: FieldErrors;
  },
) {
  const { t } = p.ctx;
  const s = `${K}.standards`;
  const priorityName = (priority: string | null) => t(`${s}.priority.${priority ?? "all"}`);
  return (
    <AdminLayout {...p} title={t(`${s}.title`)} order={STANDARD_FIELDS}>
      <p class="lead" safe>
        {t(`${s}.lead`)}
      </p>
      <h2 id="standards-heading" safe>
        {t(`${s}.tableHeading`)}
      </h2>
      <ScrollTable
        labelledBy="standards-heading"
        caption={t(`${s}.caption`, { municipality: p.municipality.name })}
        head={[t(`${s}.category`), t(`${s}.national`), t(`${s}.municipal`)]}
      >
        {p.rows.map((row) => (
          <tr>
            <th scope="row" safe>
              {row.category}
            </th>
            <td>
              {row.national.map((n) => (
                <>
                  {n.priority ? <p safe>{priorityName(n.priority)}</p> : null}
                  <StandardText ctx={p.ctx} standard={n.standard} />
                </>
              ))}
            </td>
            <td>
              {row.municipal.length === 0 ? (
                <span safe>{t(`${s}.nationalApplies`)}</span>
              ) : (
                row.municipal.map((m) => (
                  <>
                    <p safe>{priorityName(m.priority)}</p>
                    <StandardText ctx={p.ctx} standard={m.standard} />
                    {m.note ? <p safe>{m.note}</p> : null}
                    <RowAction
                      action={adminPath(p.municipality.slug, `/standards/${m.id}/delete`)}
                      csrf={p.ctx.csrf}
                      label={t(`${s}.remove`)}
                      hidden={`${row.category}, ${priorityName(m.priority)}`}
                      variant="warning"
                    />
                  </>
                ))
              )}
            </td>
          </tr>
        ))}
      </ScrollTable>
      <h2 id="tighten" safe>
        {t(`${s}.formHeading`)}
      </h2>
      <p safe>{t(`${s}.formLead`)}</p>
      <PostForm action={adminPath(p.municipality.slug, "/standards")} csrf={p.ctx.csrf}>
        <Select
          ctx={p.ctx}
          name="category"
          label={t(`${s}.categoryLabel`)}
          none={t(`${s}.categoryNone`)}
          groups={p.categories}
          value={p.values.category}
          errors={p.errors}
        />
        <Select
          ctx={p.ctx}
          name="priority"
          label={t(`${s}.priorityLabel`)}
          hint={t(`${s}.priorityHint`)}
          none={t(`${s}.priority.all`)}
          options={["low", "normal", "high", "urgent"].map((x) => ({
            value: x,
            label: t(`${s}.priority.${x}`),
          }))}
          value={p.values.priority}
          errors={p.errors}
        />
        <Select
          ctx={p.ctx}
          name="unit"
          label={t(`${s}.unitLabel`)}
          options={["working_days", "calendar_days", "hours"].map((u) => ({
            value: u,
            label: t(`${s}.unit.${u}`),
          }))}
          value={p.values.unit || "working_days"}
          errors={p.errors}
        />
        {(["ack", "firstResponse", "resolution"] as const).map((clock) => (
          <Field
            t={t}
            name={clock}
            type="number"
            label={t(`${s}.clock.${clock}`)}
            hint={t(`${s}.amountHint`)}
            value={p.values[clock] ?? ""}
            errors={p.errors}
            width="medium"
          />
        ))}
        <Field
          t={t}
          name="note"
          label={t(`${s}.noteLabel`)}
          hint={t(`${s}.noteHint`)}
          value={p.values.note ?? ""}
          errors={p.errors}
        />
        <Button label={t(`${s}.save`)} />
      </PostForm>
    </AdminLayout>
  );
}
