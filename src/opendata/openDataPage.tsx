// GET /open-data: what can be downloaded, in the page's language — each dataset with its formats, size,
// how often it changes and its fields (from the same declarations the files and the descriptor are made
// from), the licence, what is left out and why, and a GET form narrowing the case export.
import type { LocalizedText } from "../db/schema.ts";
import { htmlLang, localized } from "../kernel/localized.ts";
import { ScrollTable } from "../web/components/ScrollTable.tsx";
import type { PageContext } from "../web/context.ts";
import { ErrorSummary, FieldError, type FieldErrors, fieldId, formTitle } from "../web/forms.tsx";
import { Layout } from "../web/layout.tsx";
import { DATASETS, type Dataset, FORMATS, type Format, LICENCE } from "./datasets.ts";
import { FILTER_FIELDS, type FilterValues } from "./filters.ts";

export interface OpenDataPageProps {
  ctx: PageContext;
  municipalities: { slug: string; name: LocalizedText }[];
  /** The years the year filter offers, newest first. */
  years: number[];
  values: FilterValues;
  errors: FieldErrors;
  /** The case filter's query string ("?…" or ""), when the filters could be read. */
  query: string | undefined;
  /** Rows in each dataset (the cases as filtered); absent when the filters could not be read. */
  rows: Partial<Record<Dataset["name"], number>>;
  publisher: string;
}

const LEFT_OUT = ["private", "words", "people", "place", "staff"] as const;

function Select(p: {
  ctx: PageContext;
  name: string;
  label: string;
  none: string;
  options: { value: string; label: string }[];
  value: string;
  errors: FieldErrors;
}) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
  return (
    <div class={error ? "form-group form-group--error" : "form-group"}>
      <label class="label" for={id} safe>
        {p.label}
      </label>
      <FieldError ctx={p.ctx} name={p.name} errors={p.errors} />
      <select
        class={`input${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        aria-describedby={error ? `${id}-error` : undefined}
        aria-invalid={error ? "true" : undefined}
      >
        <option value="" selected={!p.value} safe>
          {p.none}
        </option>
        {p.options.map((o) => (
          <option value={o.value} selected={p.value === o.value} safe>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function CaseFilterForm(p: OpenDataPageProps) {
  const { ctx, values, errors } = p;
  const { t, lang } = ctx;
  const collator = new Intl.Collator(htmlLang(lang));
  const municipalities = p.municipalities
    .map((m) => ({ value: m.slug, label: localized(m.name, lang) }))
    .sort((a, b) => collator.compare(a.label, b.label));
  return (
    <form method="get" action="/open-data" class="case-filters" aria-labelledby="filters-heading">
      <h3 id="filters-heading" safe>
        {t("openData.filters.heading")}
      </h3>
      <p class="hint" safe>
        {t("openData.filters.hint")}
      </p>
      <Select
        ctx={ctx}
        name="municipality"
        label={t("openData.filters.municipality")}
        none={t("openData.filters.allMunicipalities")}
        options={municipalities}
        value={values.municipality}
        errors={errors}
      />
      <Select
        ctx={ctx}
        name="year"
        label={t("openData.filters.year")}
        none={t("openData.filters.allYears")}
        options={p.years.map((y) => ({ value: String(y), label: String(y) }))}
        value={values.year}
        errors={errors}
      />
      <div class="case-filters__actions">
        <button type="submit" class="button button--secondary" safe>
          {t("openData.filters.apply")}
        </button>
        <a href="/open-data" class="case-filters__clear" safe>
          {t("openData.filters.clear")}
        </a>
      </div>
    </form>
  );
}

function DatasetSection(p: OpenDataPageProps & { dataset: Dataset }) {
  const { ctx, dataset: d } = p;
  const { t, lang } = ctx;
  const title = t(`openData.datasets.${d.name}.title`);
  const query = d.filtered ? p.query : "";
  const rows = p.rows[d.name];
  const number = new Intl.NumberFormat(htmlLang(lang));
  const headingId = `dataset-${d.name}`;
  const fieldsId = `${headingId}-fields`;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId} safe>
        {title}
      </h2>
      <p safe>{t(`openData.datasets.${d.name}.description`)}</p>
      {d.name === "statistics-breakdown" ? <p safe>{t("openData.suppression")}</p> : null}
      {d.filtered ? <CaseFilterForm {...p} /> : null}
      <dl class="summary-list">
        <div>
          <dt safe>{t("openData.formats")}</dt>
          <dd>
            {query === undefined ? (
              <span safe>{t("openData.fixFilters")}</span>
            ) : (
              <ul class="link-list">
                {(Object.keys(FORMATS) as Format[]).map((format) => (
                  <li>
                    <a href={`${d.path}.${format}${query}`} download="">
                      <span safe>{t("openData.download", { format: format.toUpperCase() })}</span>
                      <span class="visually-hidden" safe>
                        {` – ${title}`}
                      </span>
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        {rows !== undefined ? (
          <div>
            <dt safe>{t(d.filtered && query ? "openData.sizeSelected" : "openData.size")}</dt>
            <dd safe>{t("openData.rows", { count: rows, formatted: number.format(rows) })}</dd>
          </div>
        ) : null}
        <div>
          <dt safe>{t("openData.updatesLabel")}</dt>
          <dd safe>{t(`openData.datasets.${d.name}.updates`)}</dd>
        </div>
        <div>
          <dt safe>{t("openData.licenceLabel")}</dt>
          <dd>
            <a href={LICENCE.path} rel="license">
              {LICENCE.title}
            </a>
          </dd>
        </div>
      </dl>
      <h3 id={fieldsId} safe>
        {t("openData.fieldsHeading")}
      </h3>
      <ScrollTable
        labelledBy={fieldsId}
        caption={t("openData.fieldsCaption", { title })}
        head={[t("openData.fieldName"), t("openData.fieldType"), t("openData.fieldDescription")]}
      >
        {d.fields.map((f) => (
          <tr>
            <td>
              <code safe>{f.name}</code>
            </td>
            <td safe>{t(`openData.types.${f.type}`)}</td>
            <td safe>{t(`openData.fields.${f.name}`)}</td>
          </tr>
        ))}
      </ScrollTable>
    </section>
  );
}

export function OpenDataPage(p: OpenDataPageProps) {
  const { ctx, errors } = p;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={formTitle(t, t("openData.title"), errors)}>
      <ErrorSummary t={t} errors={errors} order={FILTER_FIELDS} />
      <h1 safe>{t("openData.title")}</h1>
      <p class="lead" safe>
        {t("openData.lead")}
      </p>
      <div class="panel">
        <p>
          <span safe>{t("openData.licence.text")}</span>{" "}
          <a href={LICENCE.path} rel="license">
            {LICENCE.title}
          </a>
        </p>
        <p safe>{t("openData.licence.attribution", { publisher: p.publisher })}</p>
      </div>
      <h2 safe>{t("openData.about.heading")}</h2>
      <ul class="link-list">
        <li>
          <a href="/open-data/datapackage.json" safe>
            {t("openData.about.descriptor")}
          </a>
          <span safe>{` – ${t("openData.about.descriptorHint")}`}</span>
        </li>
        <li>
          <a href="/statistics" safe>
            {t("openData.about.definitions")}
          </a>
          <span safe>{` – ${t("openData.about.definitionsHint")}`}</span>
        </li>
      </ul>
      <h3 safe>{t("openData.leftOut.heading")}</h3>
      <ul>
        {LEFT_OUT.map((k) => (
          <li safe>{t(`openData.leftOut.${k}`)}</li>
        ))}
      </ul>
      {DATASETS.map((d) => (
        <DatasetSection {...p} dataset={d} />
      ))}
    </Layout>
  );
}

/** The page as HTML, for the routes (a .ts file, without JSX). */
export const renderOpenDataPage = (p: OpenDataPageProps) => <OpenDataPage {...p} />;
