// The arguments of GET requests, read as the specification defines them: every one optional (given
// empty is not given), lists comma-delimited or repeated, dates in W3C format with their zone, a range of
// at most 90 days defaulting to the most recent 90, and at most 1,000 requests. `page` and `page_size` are
// the extension most servers implement (GeoReport_v2/Extensions): pages of `page_size` (default and
// most 1,000), numbered from 1. Anything that cannot mean something is refused with the spec's 400.
import { z } from "zod";
import { TRACKING_CODE_PATTERN } from "../cases/trackingCode.ts";
import { parseW3cDateTime } from "./dates.ts";
import { type Problem, problem } from "./errors.ts";

/** The instants PostgreSQL and ISO strings both hold: from 0001-01-01 to the end of 9999. */
const FIRST_INSTANT = new Date("0001-01-01T00:00:00Z").getTime();
const LAST_INSTANT = new Date("9999-12-31T23:59:59.999Z").getTime();

const DAY_MS = 86_400_000;
/** The spec's longest span, and its default when no dates are given. */
export const MAX_SPAN_DAYS = 90;
/** The spec's default (and our largest) number of requests in one answer. */
export const MAX_PAGE_SIZE = 1000;
/** Far enough for any 90 days of a municipality; a bound on the offset a query can ask for. */
export const MAX_PAGE = 10_000;

/** A parameter as a query string carries it: absent, once, or repeated. */
const raw = z.union([z.string(), z.array(z.string())]).optional();

/** The values of a list parameter: repeated and comma-delimited alike, trimmed, empties dropped. */
const values = (v: string | string[] | undefined) =>
  [v ?? []]
    .flat()
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter((s) => s !== "");

/** A single-valued parameter: the one value, or undefined when absent or empty. */
const single = (field: string) =>
  raw.transform((v, ctx) => {
    const all = [v ?? []].flat().filter((s) => s.trim() !== "");
    if (all.length > 1) {
      ctx.addIssue({ code: "custom", message: "repeated", params: { field } });
      return z.NEVER;
    }
    return all[0]?.trim();
  });

const date = (field: string) =>
  single(field).transform((s, ctx) => {
    if (s === undefined) return undefined;
    const d = parseW3cDateTime(s);
    if (!d) {
      ctx.addIssue({ code: "custom", message: "bad_date", params: { field } });
      return z.NEVER;
    }
    return d;
  });

const whole = (field: string, min: number, maxValue: number, key: string) =>
  single(field).transform((s, ctx) => {
    if (s === undefined) return undefined;
    const n = /^\d{1,9}$/.test(s) ? Number(s) : Number.NaN;
    if (!(n >= min && n <= maxValue)) {
      ctx.addIssue({ code: "custom", message: key, params: { max: maxValue } });
      return z.NEVER;
    }
    return n;
  });

const schema = z.object({
  service_request_id: raw.transform((v, ctx) => {
    const ids = values(v);
    if (ids.length > MAX_PAGE_SIZE) {
      ctx.addIssue({ code: "custom", message: "too_many_ids", params: { max: MAX_PAGE_SIZE } });
      return z.NEVER;
    }
    return ids;
  }),
  service_code: raw.transform((v, ctx) => {
    const codes = [...new Set(values(v))];
    if (codes.length > 100 || codes.some((c) => c.length > 100)) {
      ctx.addIssue({ code: "custom", message: "service_code_list" });
      return z.NEVER;
    }
    return codes;
  }),
  start_date: date("start_date"),
  end_date: date("end_date"),
  status: raw.transform((v, ctx) => {
    const list = [...new Set(values(v).map((s) => s.toLowerCase()))];
    if (!list.every((s) => s === "open" || s === "closed")) {
      ctx.addIssue({ code: "custom", message: "status_value" });
      return z.NEVER;
    }
    return list as ("open" | "closed")[];
  }),
  page: whole("page", 1, MAX_PAGE, "page"),
  page_size: whole("page_size", 1, MAX_PAGE_SIZE, "page_size"),
});

export interface RequestQuery {
  /** Tracking codes asked for by id: when given, every other argument is ignored (the spec's rule). */
  codes: string[] | undefined;
  serviceCodes: string[];
  from: Date;
  to: Date;
  statuses: ("open" | "closed")[];
  page: number;
  pageSize: number;
}

/** The query's arguments, or the problems with them (all of them, as the spec allows several). */
export function parseRequestQuery(
  query: unknown,
  now: Date,
): { ok: true; value: RequestQuery } | { ok: false; problems: Problem[] } {
  const parsed = schema.safeParse(query && typeof query === "object" ? query : {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const params = (i as { params?: Record<string, string | number> }).params;
      return problem(400, i.code === "custom" ? i.message : "bad_request", params);
    });
    return { ok: false, problems };
  }
  const v = parsed.data;
  if (v.service_request_id.length > 0) {
    // Ids that are not tracking codes name no request: they are left out, like unknown ones.
    const codes = [...new Set(v.service_request_id.map((s) => s.toUpperCase()))].filter((s) =>
      TRACKING_CODE_PATTERN.test(s),
    );
    return {
      ok: true,
      value: {
        codes,
        serviceCodes: [],
        from: now,
        to: now,
        statuses: [],
        page: 1,
        pageSize: MAX_PAGE_SIZE,
      },
    };
  }
  const span = MAX_SPAN_DAYS * DAY_MS;
  // One end given: the other is 90 days away from it; none: the most recent 90 days.
  const to = v.end_date ?? (v.start_date ? new Date(v.start_date.getTime() + span) : now);
  const from = v.start_date ?? new Date(to.getTime() - span);
  // A date, given or 90 days from one, that the database cannot store (before year 1 or after 9999).
  for (const [field, d] of [
    ["start_date", from],
    ["end_date", to],
  ] as const) {
    if (d.getTime() < FIRST_INSTANT || d.getTime() > LAST_INSTANT)
      return { ok: false, problems: [problem(400, "bad_date", { field })] };
  }
  if (to.getTime() < from.getTime()) return { ok: false, problems: [problem(400, "date_order")] };
  if (to.getTime() - from.getTime() > span)
    return { ok: false, problems: [problem(400, "date_span", { days: MAX_SPAN_DAYS })] };
  const statuses = v.status.length === 2 ? [] : v.status;
  const page = v.page ?? 1;
  const pageSize = v.page_size ?? MAX_PAGE_SIZE;
  return {
    ok: true,
    value: { codes: undefined, serviceCodes: v.service_code, from, to, statuses, page, pageSize },
  };
}
