// The public list of cases: a filter form (GET, so it works without JavaScript and every result page is
// an address to bookmark or share), the results as cards, and pages.
import type { LocalizedText } from "../../db/schema.ts";
import type { Language } from "../../kernel/i18n.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import { Card } from "../../web/components/Card.tsx";
import { Pagination } from "../../web/components/Pagination.tsx";
import type { PageContext } from "../../web/context.ts";
import { ErrorSummary, FieldError, type FieldErrors, fieldId, formTitle } from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";
import { CasesMap, type MapPlace } from "../../web/map.tsx";
import { MAP_POINT_LIMIT, type PublicCaseList } from "../queries/listPublicCases.ts";
import { CASE_STATUSES, CASE_TYPES } from "../statuses.ts";
import { type CaseListValues, caseListHref, caseMapHref, FILTER_FIELDS } from "./caseListQuery.ts";
import { formatDay, StatusTag } from "./casePages.tsx";

// One collator per language (building one per comparison costs more than the rest of the page).
const collators = new Map<Language, Intl.Collator>();
function collator(lang: Language): Intl.Collator {
  let c = collators.get(lang);
  if (!c) {
    c = new Intl.Collator(htmlLang(lang));
    collators.set(lang, c);
  }
  return c;
}

export interface FilterChoices {
  municipalities: { slug: string; name: LocalizedText }[];
  /** National categories (and any others offered in the list), with their type. */
  categories: { code: string; type: string; name: LocalizedText }[];
}

export interface CaseListPageProps {
  ctx: PageContext;
  choices: FilterChoices;
  values: CaseListValues;
  errors: FieldErrors;
  /** Absent when the filters could not be read. */
  list?: PublicCaseList;
  /** Where the list's map may go (the country); absent: no map. */
  mapPlace?: MapPlace;
}

const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;

function Input(p: {
  ctx: PageContext;
  name: string;
  label: string;
  hint?: string;
  type: "search" | "date" | "text";
  value: string;
  errors: FieldErrors;
  width?: "medium";
}) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
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
      <input
        class={`input${p.width ? ` input--${p.width}` : ""}${error ? " input--error" : ""}`}
        id={id}
        name={p.name}
        type={p.type}
        value={p.value}
        aria-describedby={describedBy(p.hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? "true" : undefined}
      />
    </div>
  );
}

interface Choice {
  value: string;
  label: string;
}

function Select(p: {
  ctx: PageContext;
  name: string;
  label: string;
  none: string;
  options?: Choice[];
  groups?: { label: string; options: Choice[] }[];
  value: string;
  errors: FieldErrors;
}) {
  const id = fieldId(p.name);
  const error = p.errors[p.name];
  const option = (c: Choice) => (
    <option value={c.value} selected={p.value === c.value} safe>
      {c.label}
    </option>
  );
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
        {(p.options ?? []).map(option)}
        {(p.groups ?? []).map((g) => (
          <optgroup label={g.label}>{g.options.map(option)}</optgroup>
        ))}
      </select>
    </div>
  );
}

function FilterForm({ ctx, choices, values, errors }: Omit<CaseListPageProps, "list">) {
  const { t, lang } = ctx;
  const byName = (a: Choice, b: Choice) => collator(lang).compare(a.label, b.label);
  const municipalities = choices.municipalities
    .map((m) => ({ value: m.slug, label: localized(m.name, lang) }))
    .sort(byName);
  const categoryGroups = CASE_TYPES.map((type) => ({
    label: t(`caseType.${type}`),
    options: choices.categories
      .filter((c) => c.type === type)
      .map((c) => ({ value: c.code, label: localized(c.name, lang) }))
      .sort(byName),
  })).filter((g) => g.options.length > 0);
  const statusId = fieldId("status");
  return (
    <form method="get" action="/cases" class="case-filters" aria-labelledby="filters-heading">
      <h2 id="filters-heading" safe>
        {t("caseList.filtersHeading")}
      </h2>
      <Input
        ctx={ctx}
        name="q"
        type="search"
        label={t("caseList.q")}
        hint={t("caseList.qHint")}
        value={values.q}
        errors={errors}
      />
      <Select
        ctx={ctx}
        name="municipality"
        label={t("caseList.municipality")}
        none={t("caseList.allMunicipalities")}
        options={municipalities}
        value={values.municipality}
        errors={errors}
      />
      <Select
        ctx={ctx}
        name="type"
        label={t("caseList.type")}
        none={t("caseList.allTypes")}
        options={CASE_TYPES.map((type) => ({ value: type, label: t(`caseType.${type}`) }))}
        value={values.type}
        errors={errors}
      />
      <Select
        ctx={ctx}
        name="category"
        label={t("caseList.category")}
        none={t("caseList.allCategories")}
        groups={categoryGroups}
        value={values.category}
        errors={errors}
      />
      <fieldset
        class={errors.status ? "form-group form-group--error" : "form-group"}
        id={statusId}
        aria-describedby={describedBy(`${statusId}-hint`, !!errors.status && `${statusId}-error`)}
      >
        <legend class="label" safe>
          {t("caseList.status")}
        </legend>
        <div class="hint" id={`${statusId}-hint`} safe>
          {t("caseList.statusHint")}
        </div>
        <FieldError ctx={ctx} name="status" errors={errors} />
        {CASE_STATUSES.map((s) => (
          <div class="checkbox checkbox--small">
            <input
              class="checkbox__input"
              type="checkbox"
              id={`${statusId}-${s}`}
              name="status"
              value={s}
              checked={values.status.includes(s)}
            />
            <label class="checkbox__label" for={`${statusId}-${s}`} safe>
              {t(`status.${s}`)}
            </label>
          </div>
        ))}
      </fieldset>
      <fieldset class="form-group case-filters__dates">
        <legend class="label" safe>
          {t("caseList.received")}
        </legend>
        {(["from", "to"] as const).map((name) => (
          <Input
            ctx={ctx}
            name={name}
            // A malformed date stays visible as typed: a date input would silently empty it.
            type={values[name] && errors[name] ? "text" : "date"}
            label={t(`caseList.${name}`)}
            hint={t("caseList.dateHint")}
            value={values[name]}
            errors={errors}
            width="medium"
          />
        ))}
      </fieldset>
      <div class="case-filters__actions">
        <button type="submit" class="button button--primary" safe>
          {t("caseList.apply")}
        </button>
        <a href="/cases" class="case-filters__clear" safe>
          {t("caseList.clear")}
        </a>
      </div>
    </form>
  );
}

function Results({
  ctx,
  values,
  list,
  mapPlace,
}: {
  ctx: PageContext;
  values: CaseListValues;
  list: PublicCaseList;
  mapPlace: MapPlace | undefined;
}) {
  const { t, lang } = ctx;
  // The same four labels on every card: translated once.
  const label = {
    code: t("case.trackingCode"),
    type: t("case.type"),
    municipality: t("case.municipality"),
    received: t("case.received"),
  };
  const formatted = new Intl.NumberFormat(htmlLang(lang)).format(list.total);
  const count = list.more
    ? t("caseList.resultsMore", { formatted })
    : t("caseList.results", { count: list.total, formatted });
  return (
    <section class="case-results" aria-labelledby="results-heading">
      <h2 id="results-heading" safe>
        {count}
      </h2>
      {/* Every page of the results shows the same map: the points of all of them (the newest). */}
      {mapPlace && list.total > 0 ? (
        <CasesMap ctx={ctx} source={caseMapHref(values)} place={mapPlace} limit={MAP_POINT_LIMIT} />
      ) : null}
      {list.items.length === 0 ? (
        list.total === 0 ? (
          <div class="case-results__empty">
            <p safe>{t("caseList.empty")}</p>
            <p>
              <a href="/cases" safe>
                {t("caseList.clear")}
              </a>
            </p>
          </div>
        ) : (
          <div class="case-results__empty">
            <p safe>{t("caseList.pastLastPage")}</p>
            <p>
              <a href={caseListHref(values, 1)} safe>
                {t("caseList.firstPage")}
              </a>
            </p>
          </div>
        )
      ) : (
        <ol class="case-list">
          {list.items.map((c) => (
            <Card
              level={3}
              title={c.title}
              href={`/cases/${c.trackingCode}`}
              status={<StatusTag ctx={ctx} status={c.status} />}
              details={[
                { term: label.code, value: c.trackingCode, code: true },
                {
                  term: label.type,
                  value: `${t(`caseType.${c.type}`)}: ${localized(c.category.name, lang)}`,
                },
                { term: label.municipality, value: localized(c.municipality.name, lang) },
                { term: label.received, value: { at: c.receivedAt, text: formatDay(ctx, c.receivedAt) } },
              ]}
            />
          ))}
        </ol>
      )}
      <Pagination
        ctx={ctx}
        page={list.page}
        pageCount={list.pageCount}
        href={(n) => caseListHref(values, n)}
        label={t("caseList.pagination")}
      />
    </section>
  );
}

export function CaseListPage(p: CaseListPageProps) {
  const { ctx, list, errors } = p;
  const { t } = ctx;
  const base =
    list && list.pageCount > 1
      ? t("caseList.titlePage", { title: t("caseList.title"), page: list.page, pages: list.pageCount })
      : t("caseList.title");
  // Filtered to one municipality: its name in the header, as on its own pages.
  const municipality = p.choices.municipalities.find((m) => m.slug === p.values.municipality);
  return (
    <Layout
      ctx={ctx}
      title={formTitle(t, base, errors)}
      municipality={
        municipality ? { slug: municipality.slug, name: localized(municipality.name, ctx.lang) } : undefined
      }
    >
      <ErrorSummary t={t} errors={errors} order={FILTER_FIELDS} />
      <h1 safe>{t("caseList.title")}</h1>
      <p class="lead" safe>
        {t("caseList.lead")}
      </p>
      <div class="case-list-layout">
        <FilterForm ctx={ctx} choices={p.choices} values={p.values} errors={errors} />
        {list ? <Results ctx={ctx} values={p.values} list={list} mapPlace={p.mapPlace} /> : null}
      </div>
    </Layout>
  );
}
