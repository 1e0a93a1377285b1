// The statistics pages' query string, read and checked: the period (from/to months), the comparison's
// sort, and a CSV download's table. Pure: the current instant and the time zone are passed in. Anything it
// cannot mean is a message per field (catalog keys), for a 400 page in the page's language, never a 500.
import { z } from "zod";
import { localDateOf } from "../../calendar/zone.ts";
import type { FieldErrors } from "../../web/forms.tsx";
import type { Period } from "../query.ts";

export type RawQuery = Record<string, string | string[] | undefined>;

/** The first month statistics can be asked for. */
export const EARLIEST_MONTH = "2000-01";
/** The longest period: ten years. */
export const MAX_MONTHS = 120;
/** The period when none is asked: the last twelve months, this one included. */
export const DEFAULT_MONTHS = 12;

const MONTH = /^(\d{4})-(\d{2})$/;

/** Months as a count since year 0, for arithmetic. */
const indexOf = (month: string): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthAt = (index: number): string =>
  `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;

/** The earlier of two months ("YYYY-MM" strings compare in time order). */
const earlier = (a: string, b: string): string => (indexOf(a) <= indexOf(b) ? a : b);

/** The month `n` months after `month` (before, for a negative n). */
export function addMonths(month: string, n: number): string {
  return monthAt(indexOf(month) + n);
}

/** The number of months in a period, both ends counted. */
export function monthCount(period: Period): number {
  return indexOf(period.to) - indexOf(period.from) + 1;
}

/** Every month of a period, oldest first. */
export function monthsOf(period: Period): string[] {
  return Array.from({ length: monthCount(period) }, (_, i) => addMonths(period.from, i));
}

/** The local month an instant falls in, in the calendar's time zone. */
export function monthOf(now: Date, timeZone: string): string {
  return localDateOf(now, timeZone).slice(0, 7);
}

/** The last twelve months, ending with this one. */
export function defaultPeriod(now: Date, timeZone: string): Period {
  const to = monthOf(now, timeZone);
  return { from: addMonths(to, 1 - DEFAULT_MONTHS), to };
}

export interface PeriodValues {
  from: string;
  to: string;
}

export type SortDir = "asc" | "desc";

export interface StatsQueryOptions {
  now: Date;
  timeZone: string;
  /** The tables this page can give as CSV (`format=csv&table=…`); the first is the default. */
  tables: readonly string[];
  /** The columns this page can sort by (`sort=…&dir=…`); none: the page has no sort. */
  sorts?: readonly string[];
  /** The sort when none is asked. */
  defaultSort?: { sort: string; dir: SortDir };
}

export type StatsQuery =
  | {
      ok: true;
      period: Period;
      /** The period as the form shows it back. */
      values: PeriodValues;
      sort: { sort: string; dir: SortDir } | undefined;
      /** The table asked for as CSV; undefined: the page. */
      csv: string | undefined;
    }
  | {
      ok: false;
      errors: FieldErrors;
      values: PeriodValues;
      sort: { sort: string; dir: SortDir } | undefined;
      /** The table asked for as CSV, known or not (the refusal is then text); undefined: the page. */
      csv: string | undefined;
    };

/** The fields in the order the form shows them (for the error summary). */
export const PERIOD_FIELDS = ["from", "to"] as const;

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));
/** Control characters become spaces and long values are cut: what is shown back stays short and printable. */
const cut = (s: string) =>
  s
    .replace(/\p{Cc}/gu, " ")
    .trim()
    .slice(0, 40);

/** A month field: empty, or a real month written YYYY-MM (a month 00 or 13 does not exist). */
const monthField = (field: "from" | "to") =>
  z
    .string()
    .refine((s) => s === "" || MONTH.test(s), `stats.errors.${field}Format`)
    .refine((s) => s === "" || !MONTH.test(s) || (s.slice(5) >= "01" && s.slice(5) <= "12"), {
      message: `stats.errors.${field}NoSuchMonth`,
      abort: true,
    });

const periodSchema = z.object({ from: monthField("from"), to: monthField("to") });

/** Reads the period, the sort and the CSV table from a query string. */
export function parseStatsQuery(raw: RawQuery, options: StatsQueryOptions): StatsQuery {
  const { now, timeZone } = options;
  const asked = { from: cut(first(raw.from)), to: cut(first(raw.to)) };
  const errors: FieldErrors = {};

  const checked = periodSchema.safeParse(asked);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const field = String(issue.path[0]);
      errors[field] ??= issue.message;
    }
  }

  // An empty end is filled from the other (or from today): a twelve-month period either way.
  const current = monthOf(now, timeZone);
  let from = asked.from;
  let to = asked.to;
  if (!errors.from && !errors.to) {
    if (!to) {
      const twelveFrom = from ? addMonths(from, DEFAULT_MONTHS - 1) : current;
      to = earlier(twelveFrom, current);
    }
    if (!from) from = addMonths(to, 1 - DEFAULT_MONTHS);
    if (from < EARLIEST_MONTH && asked.from)
      errors.from = ["stats.errors.fromTooEarly", { month: EARLIEST_MONTH }];
    if (to < EARLIEST_MONTH) errors.to = ["stats.errors.toTooEarly", { month: EARLIEST_MONTH }];
    if (from > current) errors.from = ["stats.errors.fromFuture", { month: current }];
    if (to > current) errors.to = ["stats.errors.toFuture", { month: current }];
    if (!errors.from && !errors.to) {
      if (from > to) errors.to = "stats.errors.order";
      else if (monthCount({ from, to }) > MAX_MONTHS)
        errors.to = ["stats.errors.tooLong", { years: MAX_MONTHS / 12 }];
    }
    // A period reaching back before the earliest month, from a late `to` alone, starts at the earliest.
    if (!errors.from && !errors.to && from < EARLIEST_MONTH) from = EARLIEST_MONTH;
  }

  // The sort and the table have no field of their own: their problem is told at the top ("form").
  let sort: { sort: string; dir: SortDir } | undefined = options.defaultSort;
  if (options.sorts) {
    const sortText = cut(first(raw.sort));
    const dirText = cut(first(raw.dir));
    const parsed = z
      .object({
        sort: z.union([z.literal(""), z.enum(options.sorts as [string, ...string[]])]),
        dir: z.enum(["", "asc", "desc"]),
      })
      .safeParse({ sort: sortText, dir: dirText });
    if (!parsed.success) errors.form = "stats.errors.sort";
    else if (parsed.data.sort || parsed.data.dir)
      sort = {
        sort: parsed.data.sort || (options.defaultSort?.sort ?? options.sorts[0]!),
        dir: (parsed.data.dir || "asc") as SortDir,
      };
  } else sort = undefined;

  let csv: string | undefined;
  const format = cut(first(raw.format));
  const table = cut(first(raw.table));
  if (format === "csv") {
    if (!table) csv = options.tables[0];
    else if (options.tables.includes(table)) csv = table;
    else {
      errors.form ??= "stats.errors.table";
      // Still asked as CSV: the refusal is text, as a download expects, not the page.
      csv = table;
    }
  } else if (format !== "" && format !== "html") errors.form ??= "stats.errors.format";

  const values = errors.from || errors.to ? asked : { from, to };
  if (Object.keys(errors).length > 0) return { ok: false, errors, values, sort, csv };
  return { ok: true, period: { from, to }, values, sort, csv };
}
