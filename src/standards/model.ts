// The national standards as the ministry changes them (issue 9): what each kind of change is about, the
// state of its subject before and after (the `before`/`after` JSON of standard_changes), its stable subject
// key, and the checks on the day a change applies from. Pure.

import { addDays, isValidLocalDate, type LocalDate } from "../calendar/zone.ts";
import type { Priority, Standard } from "../cases/sla.ts";
import type { CategoryQuestion, LocalizedText } from "../db/schema.ts";
import type { Language } from "../kernel/i18n.ts";

/** What a change is about; `calendar` changes are made on the calendar's own page and apply at once. */
export const KINDS = [
  "category",
  "question",
  "sla",
  "reason_code",
  "template",
  "participation",
  "calendar",
] as const;
export type Kind = (typeof KINDS)[number];
export const isKind = (s: string): s is Kind => (KINDS as readonly string[]).includes(s);

/** A national category: its place in the taxonomy. `standard` only when the change creates it. */
export interface CategoryState {
  code: string;
  type: string;
  group: string;
  name: LocalizedText;
  sensitive: boolean;
  anonymousAllowed: boolean;
  active: boolean;
  standard?: Standard;
}

/** One extra question of a national category (by the category's code). */
export interface QuestionState {
  category: string;
  question: CategoryQuestion;
}

/**
 * A national response standard of a category: with no priority, the category's own (on `categories`);
 * with one, a national rule that shortens it for cases of that priority (a row of `sla_standards`).
 */
export interface SlaState {
  type: string;
  category: string;
  priority: Priority | null;
  standard: Standard;
  note: string | null;
}

export interface ReasonState {
  code: string;
  appliesTo: string;
  name: LocalizedText;
  active: boolean;
}

/** A national standard response: for a category (by code), every input of a type, or every input. */
export interface TemplateState {
  code: string;
  language: Language;
  type: string | null;
  category: string | null;
  title: string;
  body: string;
  active: boolean;
}

/** The national participation rules (the row of participation_settings with no municipality). */
export interface ParticipationState {
  consultationMinDays: number;
  proposalWindowDays: number;
  proposalThreshold: number;
  normativeThresholdPercent: number;
  supportRequiresVerified: boolean;
}

/** A holiday of the working-day calendar, as calendarAdmin.ts records it. */
export interface CalendarState {
  date: string;
  observed: string;
  name: LocalizedText;
  rule: string;
  status: string;
}

export interface States {
  category: CategoryState;
  question: QuestionState;
  sla: SlaState;
  reason_code: ReasonState;
  template: TemplateState;
  participation: ParticipationState;
  calendar: CalendarState;
}

/** The stable key of what a change is about, the same across all its versions. */
export const subjectOf = {
  category: (code: string) => `category:${code}`,
  question: (category: string, code: string) => `question:${category}:${code}`,
  sla: (type: string, category: string, priority: Priority | null) =>
    `sla:${type}:${category}:${priority ?? "*"}`,
  reason_code: (code: string) => `reason_code:${code}`,
  template: (code: string, language: string) => `template:${code}:${language}`,
  participation: () => "participation:national",
  calendar: (calendar: string, date: string) => `calendar:${calendar}:${date}`,
};

/** Two states the same, whatever the order of their keys (jsonb reorders them). */
export function sameState(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}
function sorted(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sorted);
  if (x && typeof x === "object")
    return Object.fromEntries(
      Object.entries(x as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sorted(v)]),
    );
  return x;
}

/** How far ahead a change may be dated: further is more likely a typo than a plan. */
export const MAX_YEARS_AHEAD = 3;

export type AppliesFromCheck =
  | { ok: true; date: LocalDate }
  | { ok: false; problem: "format" | "past" | "too_far" };

/**
 * The day a change applies from, as typed: empty is today (the ministry's local day); a past day is
 * refused (a standard cannot change what was already promised), and so is one more than
 * MAX_YEARS_AHEAD years ahead.
 */
export function checkAppliesFrom(typed: string, today: LocalDate): AppliesFromCheck {
  const s = typed.trim();
  if (s === "") return { ok: true, date: today };
  if (!isValidLocalDate(s)) return { ok: false, problem: "format" };
  if (s < today) return { ok: false, problem: "past" };
  if (s > addDays(today, 366 * MAX_YEARS_AHEAD)) return { ok: false, problem: "too_far" };
  return { ok: true, date: s };
}
