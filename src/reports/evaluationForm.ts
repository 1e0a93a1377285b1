// The pilot evaluation form, read and checked: the title (Albanian and Serbian required, English optional),
// the summary (optional; when given, in Albanian and Serbian at least), the municipalities (at least one,
// each one of the platform's), and the months from and to. Pure: the municipalities and the current month
// are passed in. Messages are catalog keys under reports.errors.
import { z } from "zod";
import type { LocalizedText } from "../db/schema.ts";
import { addMonths, EARLIEST_MONTH, MAX_MONTHS, monthCount } from "../stats/web/period.ts";
import type { FieldErrors } from "../web/forms.tsx";
import { textField } from "../web/textField.ts";
import type { EvaluationInput } from "./evaluations.ts";

const E = "reports.errors";

export const EVALUATION_FIELDS = [
  "titleSq",
  "titleSr",
  "titleEn",
  "summarySq",
  "summarySr",
  "summaryEn",
  "municipalities",
  "from",
  "to",
] as const;

/** What the form shows back: the texts as typed, the municipalities ticked. */
export interface EvaluationValues {
  text: Record<string, string>;
  municipalities: Set<string>;
}

const MONTH = /^\d{4}-\d{2}$/;

const schema = z.object({
  titleSq: textField(200, `${E}.titleSqRequired`, `${E}.titleTooLong`),
  titleSr: textField(200, `${E}.titleSrRequired`, `${E}.titleTooLong`),
  titleEn: textField(200, undefined, `${E}.titleTooLong`),
  summarySq: textField(5000, undefined, `${E}.summaryTooLong`),
  summarySr: textField(5000, undefined, `${E}.summaryTooLong`),
  summaryEn: textField(5000, undefined, `${E}.summaryTooLong`),
});

const listOf = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string");
const first = (v: unknown): string => listOf(v)[0]?.trim().slice(0, 40) ?? "";

/** The values to show back, from a posted body. */
export function valuesOf(body: unknown): EvaluationValues {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const text: Record<string, string> = {};
  for (const f of EVALUATION_FIELDS) {
    if (f === "municipalities") continue;
    const v = listOf(b[f])[0] ?? "";
    text[f] = v.slice(0, 10_000);
  }
  return { text, municipalities: new Set(listOf(b.municipalities).slice(0, 200)) };
}

/** A month field's problem, if any. */
function monthProblem(
  field: "from" | "to",
  s: string,
  currentMonth: string,
): FieldErrors[string] | undefined {
  if (s === "") return `${E}.${field}Required`;
  if (!MONTH.test(s)) return `${E}.monthFormat`;
  const m = Number(s.slice(5));
  if (m < 1 || m > 12) return `${E}.monthNoSuch`;
  if (s < EARLIEST_MONTH) return [`${E}.monthTooEarly`, { month: EARLIEST_MONTH }];
  if (s > currentMonth) return [`${E}.monthFuture`, { month: currentMonth }];
  return undefined;
}

export function parseEvaluationForm(
  body: unknown,
  known: ReadonlySet<number>,
  currentMonth: string,
): { ok: true; value: EvaluationInput } | { ok: false; errors: FieldErrors } {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const errors: FieldErrors = {};
  const texts = schema.safeParse(
    Object.fromEntries(Object.keys(schema.shape).map((k) => [k, listOf(b[k])[0]])),
  );
  if (!texts.success) {
    for (const issue of texts.error.issues) errors[String(issue.path[0])] ??= issue.message;
  }
  const t = texts.success ? texts.data : undefined;
  // A summary in any language needs the two official ones.
  if (t && (t.summarySq || t.summarySr || t.summaryEn)) {
    if (!t.summarySq) errors.summarySq = `${E}.summarySqRequired`;
    if (!t.summarySr) errors.summarySr = `${E}.summarySrRequired`;
  }

  const chosen = listOf(b.municipalities);
  const ids: number[] = [];
  for (const v of chosen) {
    const id = /^\d{1,9}$/.test(v) ? Number(v) : Number.NaN;
    if (!known.has(id)) {
      errors.municipalities = `${E}.municipalityUnknown`;
      break;
    }
    ids.push(id);
  }
  if (chosen.length === 0) errors.municipalities = `${E}.municipalitiesRequired`;

  const from = first(b.from);
  const to = first(b.to);
  const fromProblem = monthProblem("from", from, currentMonth);
  const toProblem = monthProblem("to", to, currentMonth);
  if (fromProblem) errors.from = fromProblem;
  if (toProblem) errors.to = toProblem;
  if (!fromProblem && !toProblem) {
    if (from > to) errors.to = `${E}.monthOrder`;
    else if (monthCount({ from, to }) > MAX_MONTHS) errors.to = [`${E}.tooLong`, { years: MAX_MONTHS / 12 }];
  }

  if (Object.keys(errors).length > 0 || !t) return { ok: false, errors };
  const localized = (sq: string, sr: string, en: string): LocalizedText => ({
    sq,
    sr,
    ...(en ? { en } : {}),
  });
  return {
    ok: true,
    value: {
      title: localized(t.titleSq, t.titleSr, t.titleEn),
      summary: t.summarySq ? localized(t.summarySq, t.summarySr, t.summaryEn) : null,
      municipalityIds: [...new Set(ids)].sort((a, c) => a - c),
      fromMonth: from,
      toMonth: to,
    },
  };
}

/** A new evaluation's months: the twelve ending last month (a pilot is evaluated on months that ended). */
export function defaultMonths(currentMonth: string): { from: string; to: string } {
  const to = addMonths(currentMonth, -1);
  return { from: addMonths(to, -11), to };
}
