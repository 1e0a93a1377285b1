// The public list's query string, read and checked: what it asks for (filters and page), the values to
// show back in the form, and a message per field for anything it cannot mean. Pure: the known
// municipalities and categories are passed in.
import { isValidLocalDate } from "../../calendar/zone.ts";
import type { FieldErrors } from "../../web/forms.tsx";
import { MAX_PAGE, MAX_QUERY_LENGTH, type PublicCaseFilters } from "../queries/listPublicCases.ts";
import { CASE_STATUSES, CASE_TYPES, type CaseStatus, type CaseType } from "../statuses.ts";

export type RawQuery = Record<string, string | string[] | undefined>;

/** What the form shows back: exactly what was asked, valid or not (long values cut). */
export interface CaseListValues {
  q: string;
  municipality: string;
  type: string;
  category: string;
  status: string[];
  from: string;
  to: string;
}

export type CaseListQuery =
  | { ok: true; filters: PublicCaseFilters; page: number; values: CaseListValues }
  | { ok: false; errors: FieldErrors; values: CaseListValues };

/** The fields in the order the form shows them (for the error summary). */
export const FILTER_FIELDS = ["q", "municipality", "type", "category", "status", "from", "to"] as const;

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));
const all = (v: string | string[] | undefined): string[] =>
  (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter(Boolean);
/** Control characters become spaces (PostgreSQL refuses a NUL in text); very long values are cut. */
const cut = (s: string) => s.replace(/\p{Cc}/gu, " ").slice(0, 1000);

/** Dates people can mean: a real day, in years the calendar code handles. */
function isDate(s: string): boolean {
  return isValidLocalDate(s) && s >= "1900-01-01" && s <= "2999-12-31";
}

export function parseCaseListQuery(
  raw: RawQuery,
  known: { municipalities: ReadonlySet<string>; categories: ReadonlySet<string> },
): CaseListQuery {
  const statuses = [...new Set(all(raw.status))];
  const values: CaseListValues = {
    q: cut(first(raw.q)).trim(),
    municipality: cut(first(raw.municipality)).trim(),
    type: cut(first(raw.type)).trim(),
    category: cut(first(raw.category)).trim(),
    status: statuses.slice(0, CASE_STATUSES.length + 1).map(cut),
    from: cut(first(raw.from)).trim(),
    to: cut(first(raw.to)).trim(),
  };
  const errors: FieldErrors = {};
  const q = values.q.replace(/\s+/g, " ");
  if ([...q].length > MAX_QUERY_LENGTH) errors.q = ["caseList.errors.qTooLong", { max: MAX_QUERY_LENGTH }];
  else if (q && !/[\p{L}\p{N}]/u.test(q)) errors.q = "caseList.errors.qNoWords";
  if (values.municipality && !known.municipalities.has(values.municipality))
    errors.municipality = "caseList.errors.municipality";
  if (values.type && !(CASE_TYPES as readonly string[]).includes(values.type))
    errors.type = "caseList.errors.type";
  if (values.category && !known.categories.has(values.category)) errors.category = "caseList.errors.category";
  if (statuses.some((s) => !(CASE_STATUSES as readonly string[]).includes(s)))
    errors.status = "caseList.errors.status";
  if (values.from && !isDate(values.from)) errors.from = "caseList.errors.from";
  if (values.to && !isDate(values.to)) errors.to = "caseList.errors.to";
  if (!errors.from && !errors.to && values.from && values.to && values.from > values.to)
    errors.to = "caseList.errors.toBeforeFrom";

  // The page has no field: its problem is told at the top of the form ("form").
  const pageText = first(raw.page).trim();
  let page = 1;
  if (pageText) {
    if (!/^\d{1,9}$/.test(pageText) || Number(pageText) < 1) errors.form = "caseList.errors.page";
    else if (Number(pageText) > MAX_PAGE) errors.form = ["caseList.errors.pageTooFar", { max: MAX_PAGE }];
    else page = Number(pageText);
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return {
    ok: true,
    page,
    values,
    filters: {
      q: q || undefined,
      municipality: values.municipality || undefined,
      type: (values.type || undefined) as CaseType | undefined,
      category: values.category || undefined,
      statuses: values.status as CaseStatus[],
      from: values.from || undefined,
      to: values.to || undefined,
    },
  };
}

function filterParams(values: CaseListValues): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of FILTER_FIELDS) {
    const v = values[field];
    for (const one of Array.isArray(v) ? v : [v]) if (one) params.append(field, one);
  }
  return params;
}

/** The query string of a list page: the valid filters and the page (page 1 is left out). */
export function caseListHref(values: CaseListValues, page: number): string {
  const params = filterParams(values);
  if (page > 1) params.set("page", String(page));
  const qs = params.toString();
  return qs ? `/cases?${qs}` : "/cases";
}

/** The map points of a list's filters (every page of it: the map is not paged). */
export function caseMapHref(values: CaseListValues): string {
  const qs = filterParams(values).toString();
  return qs ? `/cases/map.json?${qs}` : "/cases/map.json";
}
