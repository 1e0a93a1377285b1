// The rules of a consultation that need no database: its kinds, its stage on a given local day, the
// period's length (inclusive calendar days), which date changes are allowed at each stage, and the
// dispositions a comment may get. Time comes from the caller (the municipality's local day).

import { addDays, isValidLocalDate, type LocalDate } from "../../calendar/zone.ts";
import type { consultations, LocalizedText } from "../../db/schema.ts";

export const CONSULTATION_KINDS = ["budget", "investment_plan", "urban_plan", "regulation", "other"] as const;
export type ConsultationKind = (typeof CONSULTATION_KINDS)[number];

export const DISPOSITIONS = ["accepted", "partly_accepted", "not_accepted", "noted"] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export type ConsultationRow = typeof consultations.$inferSelect;

/** Where a consultation is: a draft, published and not yet open, open, closed awaiting its report, reported. */
export type Stage = "draft" | "upcoming" | "open" | "closed" | "reported";

export const MAX_COMMENT_CHARS = 4000;

export function stageOf(
  c: Pick<ConsultationRow, "publishedAt" | "reportPublishedAt" | "opensOn" | "closesOn">,
  today: LocalDate,
): Stage {
  if (!c.publishedAt) return "draft";
  if (c.reportPublishedAt) return "reported";
  if (today < c.opensOn) return "upcoming";
  if (today <= c.closesOn) return "open";
  return "closed";
}

/** Calendar days from `from` to `to`, both counted (the 1st to the 15th is 15 days). */
export function periodDays(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** Days left to comment, today included (on the closing day: 1). */
export const daysLeft = (closesOn: LocalDate, today: LocalDate) => periodDays(today, closesOn);

/** The earliest closing day for a period opening on `opensOn` under the minimum. */
export const earliestClose = (opensOn: LocalDate, minDays: number) => addDays(opensOn, minDays - 1);

export type DateProblem =
  | { field: "opensOn"; reason: "opens_in_past" | "opening_locked" }
  | { field: "closesOn"; reason: "closes_before_opening" | "too_short" | "closing_earlier" | "closed" };

/**
 * Whether a consultation may have these dates, given what it had (undefined for a new one) and today:
 * every problem, at most one per date. A draft or an upcoming consultation may move both dates, never
 * opening in the past nor shorter than the minimum; once open only the closing date may move, and only
 * later; once closed, neither.
 */
export function dateProblems(
  next: { opensOn: LocalDate; closesOn: LocalDate },
  before: Pick<ConsultationRow, "publishedAt" | "reportPublishedAt" | "opensOn" | "closesOn"> | undefined,
  today: LocalDate,
  minDays: number,
): DateProblem[] {
  const stage = before ? stageOf(before, today) : "draft";
  if (stage === "closed" || stage === "reported") return [{ field: "closesOn", reason: "closed" }];
  const problems: DateProblem[] = [];
  if (stage === "open") {
    if (next.opensOn !== before!.opensOn) problems.push({ field: "opensOn", reason: "opening_locked" });
    if (next.closesOn < before!.closesOn) problems.push({ field: "closesOn", reason: "closing_earlier" });
    return problems;
  }
  // A draft keeps the day it was saved with until it is published; a changed or new opening day is
  // checked against today (publishing checks it again).
  if ((!before || next.opensOn !== before.opensOn) && next.opensOn < today)
    problems.push({ field: "opensOn", reason: "opens_in_past" });
  if (next.closesOn < next.opensOn) problems.push({ field: "closesOn", reason: "closes_before_opening" });
  else if (periodDays(next.opensOn, next.closesOn) < minDays)
    problems.push({ field: "closesOn", reason: "too_short" });
  return problems;
}

/** The first of dateProblems, for the commands that refuse on it. */
export function checkDates(
  next: { opensOn: LocalDate; closesOn: LocalDate },
  before: Pick<ConsultationRow, "publishedAt" | "reportPublishedAt" | "opensOn" | "closesOn"> | undefined,
  today: LocalDate,
  minDays: number,
): DateProblem | undefined {
  return dateProblems(next, before, today, minDays)[0];
}

export const isLocalDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && isValidLocalDate(s);

/** A staff text has both official languages. */
export const complete = (t: LocalizedText | null | undefined) =>
  !!t && t.sq.trim() !== "" && t.sr.trim() !== "";

// ── Paths.
export const publicListPath = (slug: string) => `/m/${slug}/consultations`;
export const consultationPath = (id: number) => `/consultations/${id}`;
export const reportPath = (id: number) => `/consultations/${id}/report`;
export const staffListPath = (slug: string) => `/m/${slug}/participation/consultations`;
export const staffPath = (slug: string, id: number) => `${staffListPath(slug)}/${id}`;
export const moderationPath = (slug: string) => `/m/${slug}/participation/moderation`;
