// The case export's optional filters (municipality, year), read from a query string the same way for the
// /open-data page and the downloads. A filter that cannot mean anything is refused (400), never guessed.
import { startOfLocalDay } from "../calendar/zone.ts";
import type { FieldErrors } from "../web/forms.tsx";

/** What the filters' form shows: the values as given (trimmed). */
export interface FilterValues {
  municipality: string;
  year: string;
}

/** Cases received (in the country's time zone) within [from, to) of a municipality, or all of them. */
export interface CaseFilter {
  municipality?: { id: number; slug: string };
  year?: number;
  receivedFrom?: Date;
  receivedBefore?: Date;
}

export type ParsedFilter =
  | { ok: true; filter: CaseFilter; values: FilterValues }
  | { ok: false; errors: FieldErrors; values: FilterValues };

/** The order of the fields in the form (and in the error summary). */
export const FILTER_FIELDS = ["municipality", "year"] as const;

/** Years before this hold no case of the platform; a year beyond the next one is a mistake. */
const FIRST_YEAR = 2000;

const one = (v: unknown): string | undefined | null =>
  v === undefined ? undefined : typeof v === "string" ? v.trim() : null;

/**
 * Reads `municipality` (a slug known to the platform) and `year` (four digits). Both optional and empty
 * means absent (the form's "all" choice). A repeated parameter is an error, not a choice between values.
 */
export function parseCaseFilter(
  query: Record<string, unknown>,
  options: {
    municipalityBySlug: (slug: string) => { id: number; slug: string } | undefined;
    timeZone: string;
    now: Date;
  },
): ParsedFilter {
  const municipality = one(query.municipality);
  const year = one(query.year);
  const values: FilterValues = { municipality: municipality ?? "", year: year ?? "" };
  const errors: FieldErrors = {};
  const filter: CaseFilter = {};

  if (municipality === null) errors.municipality = "openData.errors.municipality";
  else if (municipality) {
    const found = options.municipalityBySlug(municipality);
    if (found) filter.municipality = { id: found.id, slug: found.slug };
    else errors.municipality = "openData.errors.municipality";
  }

  const lastYear =
    Number(
      new Intl.DateTimeFormat("en", { timeZone: options.timeZone, year: "numeric" }).format(options.now),
    ) + 1;
  if (year === null) errors.year = ["openData.errors.year", { first: FIRST_YEAR, last: lastYear }];
  else if (year) {
    const n = /^\d{4}$/.test(year) ? Number(year) : Number.NaN;
    if (!(n >= FIRST_YEAR && n <= lastYear))
      errors.year = ["openData.errors.year", { first: FIRST_YEAR, last: lastYear }];
    else {
      filter.year = n;
      filter.receivedFrom = startOfLocalDay(`${n}-01-01`, options.timeZone);
      filter.receivedBefore = startOfLocalDay(`${n + 1}-01-01`, options.timeZone);
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors, values } : { ok: true, filter, values };
}

/** The query string of a filter ("?municipality=…&year=…", or "" for none), for download links. */
export function filterQuery(filter: CaseFilter): string {
  const params = new URLSearchParams();
  if (filter.municipality) params.set("municipality", filter.municipality.slug);
  if (filter.year) params.set("year", String(filter.year));
  const s = params.toString();
  return s ? `?${s}` : "";
}

/** The file name of a case export: ekomuna-cases[-<municipality>][-<year>].<ext>. */
export function caseFileName(filter: CaseFilter, ext: "csv" | "json"): string {
  return `ekomuna-cases${filter.municipality ? `-${filter.municipality.slug}` : ""}${
    filter.year ? `-${filter.year}` : ""
  }.${ext}`;
}
