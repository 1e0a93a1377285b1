// The ministry's standards forms, checked on the server (zod): messages are catalog keys under
// standards.errors, a problem's values ride along where the message names them. Pure.
import { z } from "zod";
import { PRIORITIES, type Priority } from "../cases/sla.ts";
import { CASE_TYPES } from "../cases/statuses.ts";
import type { CategoryQuestion, LocalizedText } from "../db/schema.ts";
import { ALL_LANGUAGES } from "../kernel/i18n.ts";
import type { FieldErrors } from "../web/forms.tsx";
import { textField } from "../web/textField.ts";
import { unknownPlaceholders } from "../workspace/templates.ts";
import { checkAppliesFrom } from "./model.ts";

const K = "standards";
const E = `${K}.errors`;

/** The statuses a reason code can explain (lifecycle.ts: the reason each outcome needs). */
export const REASON_KINDS = ["rejected", "referred", "merged", "resolved", "closed"] as const;
export const DATATYPES = [
  "string",
  "number",
  "datetime",
  "text",
  "singlevaluelist",
  "multivaluelist",
] as const satisfies readonly CategoryQuestion["datatype"][];
export const UNITS = ["working_days", "calendar_days", "hours"] as const;
const isList = (d: string) => d === "singlevaluelist" || d === "multivaluelist";

const OWN_KEY = /^standards(\.[A-Za-z_]+)+$/;

/** The first problem of each field, as a catalog key (zod's own messages read as the generic one). */
export function check<S extends z.ZodType>(
  schema: S,
  body: unknown,
): { ok: true; value: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(body && typeof body === "object" ? body : {});
  if (result.success) return { ok: true, value: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    errors[String(issue.path[0] ?? "form")] ??= OWN_KEY.test(issue.message)
      ? issue.message
      : "validation.invalid";
  }
  return { ok: false, errors };
}

const trimmed = () =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim());

/** A code people type: required, short, lower-case letters and digits joined as `pattern` says. */
const codeField = (max: number, pattern: RegExp, name: "code" | "group" = "code") =>
  trimmed().superRefine((s, ctx) => {
    const problem = s === "" ? "Required" : s.length > max ? "TooLong" : !pattern.test(s) ? "Format" : "";
    if (problem) ctx.addIssue({ code: "custom", message: `${E}.${name}${problem}` });
  });
const DASHED = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const JOINED = /^[a-z0-9]+([_-][a-z0-9]+)*$/;

/** A whole number from `min` to `max`, as typed. */
const wholeNumber = (min: number, max: number, required: string, invalid: string) =>
  trimmed()
    .superRefine((s, ctx) => {
      if (s === "") ctx.addIssue({ code: "custom", message: required });
      else if (!/^\d{1,9}$/.test(s) || Number(s) < min || Number(s) > max)
        ctx.addIssue({ code: "custom", message: invalid });
    })
    .transform(Number);

/** A checkbox: ticked sends "yes". */
const ticked = z
  .unknown()
  .optional()
  .transform((v) => v === "yes");

const names = (prefix: "name" | "desc", max: number) => ({
  [`${prefix}Sq`]: textField(max, `${E}.${prefix}SqRequired`, `${E}.${prefix}TooLong`),
  [`${prefix}Sr`]: textField(max, `${E}.${prefix}SrRequired`, `${E}.${prefix}TooLong`),
  [`${prefix}En`]: textField(max, `${E}.${prefix}EnRequired`, `${E}.${prefix}TooLong`),
});
const nameFields = names("name", 200) as {
  nameSq: ReturnType<typeof textField>;
  nameSr: ReturnType<typeof textField>;
  nameEn: ReturnType<typeof textField>;
};
export const namesOf = (v: { nameSq: string; nameSr: string; nameEn: string }): LocalizedText => ({
  sq: v.nameSq,
  sr: v.nameSr,
  en: v.nameEn,
});

// ── Why and from when: on every form.

export const WHY_FIELDS = ["reason", "appliesFrom"] as const;
const why = {
  reason: textField(1000, `${E}.reasonRequired`, `${E}.reasonTooLong`),
  appliesFrom: trimmed(),
};

/**
 * A form checked whole: the schema's problems and the day it applies from, against the local `today`
 * (empty: today). Every problem comes back at once, so the person sees them all.
 */
export function checkChange<S extends z.ZodType>(
  schema: S,
  body: unknown,
  today: string,
): { ok: true; value: z.infer<S> & { appliesFrom: string } } | { ok: false; errors: FieldErrors } {
  const form = check(schema, body);
  const raw = body && typeof body === "object" ? (body as Record<string, unknown>).appliesFrom : undefined;
  const date = checkAppliesFrom(typeof raw === "string" ? raw : "", today);
  const errors: FieldErrors = form.ok ? {} : { ...form.errors };
  if (!date.ok) errors.appliesFrom = [`${E}.appliesFrom_${date.problem}`, { today }];
  if (!form.ok || !date.ok) return { ok: false, errors };
  return {
    ok: true,
    value: { ...(form.value as object), appliesFrom: date.date } as z.infer<S> & { appliesFrom: string },
  };
}

// ── Categories

const amount = wholeNumber(0, 999, `${E}.amountRequired`, `${E}.amountInvalid`);
const standardFields = {
  unit: z.enum(UNITS, { error: `${E}.unitInvalid` }),
  ack: amount,
  firstResponse: amount,
  resolution: amount,
};
const categoryFields = {
  group: codeField(40, DASHED, "group"),
  ...nameFields,
  sensitive: ticked,
  anonymousAllowed: ticked,
};

export const NEW_CATEGORY_FIELDS = [
  "code",
  "type",
  "group",
  "nameSq",
  "nameSr",
  "nameEn",
  "sensitive",
  "anonymousAllowed",
  "unit",
  "ack",
  "firstResponse",
  "resolution",
  ...WHY_FIELDS,
] as const;
export const newCategoryForm = z.object({
  code: codeField(60, DASHED),
  type: z.enum(CASE_TYPES, { error: `${E}.typeInvalid` }),
  ...categoryFields,
  ...standardFields,
  ...why,
});

export const CATEGORY_FIELDS = [
  "group",
  "nameSq",
  "nameSr",
  "nameEn",
  "sensitive",
  "anonymousAllowed",
  "active",
  ...WHY_FIELDS,
] as const;
export const categoryForm = z.object({ ...categoryFields, active: ticked, ...why });

// ── Questions

export const QUESTION_FIELDS = [
  "code",
  "datatype",
  "descSq",
  "descSr",
  "descEn",
  "required",
  "order",
  "values",
  ...WHY_FIELDS,
] as const;
const descFields = names("desc", 300) as {
  descSq: ReturnType<typeof textField>;
  descSr: ReturnType<typeof textField>;
  descEn: ReturnType<typeof textField>;
};
const questionFields = {
  ...descFields,
  required: ticked,
  order: wholeNumber(0, 999, `${E}.orderRequired`, `${E}.orderInvalid`),
  values: z
    .string()
    .optional()
    .transform((s) => (s ?? "").slice(0, 20_000)),
  ...why,
};
export const newQuestionForm = z.object({
  code: codeField(60, JOINED),
  datatype: z.enum(DATATYPES, { error: `${E}.datatypeInvalid` }),
  ...questionFields,
});
export const questionForm = z.object(questionFields);

export type ListValue = NonNullable<CategoryQuestion["values"]>[number];

/**
 * The values of a list question, one a line: `key | Albanian | Serbian | English`. A list needs at least
 * one; other types take none. Problems name the line.
 */
export function parseValues(
  text: string,
  datatype: string,
): { ok: true; values: ListValue[] | undefined } | { ok: false; error: FieldErrors[string] } {
  const lines = text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l, i) => ({ line: i + 1, text: l.trim() }))
    .filter((l) => l.text !== "");
  if (!isList(datatype))
    return lines.length === 0 ? { ok: true, values: undefined } : { ok: false, error: `${E}.valuesNotList` };
  if (lines.length === 0) return { ok: false, error: `${E}.valuesRequired` };
  if (lines.length > 100) return { ok: false, error: `${E}.valuesTooMany` };
  const values: ListValue[] = [];
  for (const { line, text: l } of lines) {
    const [key, sq, sr, en, ...rest] = l.split("|").map((p) => p.trim());
    if (!key || !sq || !sr || !en || rest.length > 0 || [sq, sr, en].some((n) => n.length > 200))
      return { ok: false, error: [`${E}.valuesLine`, { line }] };
    if (!JOINED.test(key) || key.length > 60) return { ok: false, error: [`${E}.valuesKey`, { line }] };
    if (values.some((v) => v.key === key))
      return { ok: false, error: [`${E}.valuesDuplicate`, { line, key }] };
    values.push({ key, name: { sq, sr, en } });
  }
  return { ok: true, values };
}

/** The values of a question as the form shows them. */
export const valuesText = (values: readonly ListValue[] | undefined) =>
  (values ?? []).map((v) => [v.key, v.name.sq, v.name.sr, v.name.en ?? ""].join(" | ")).join("\n");

// ── Response standards

export const STANDARD_FIELDS = [
  "priority",
  "unit",
  "ack",
  "firstResponse",
  "resolution",
  "note",
  ...WHY_FIELDS,
] as const;
export const standardForm = z.object({
  priority: trimmed()
    .refine((s) => s === "" || (PRIORITIES as readonly string[]).includes(s), `${E}.priorityInvalid`)
    .transform((s) => (s === "" ? null : (s as Priority))),
  ...standardFields,
  note: textField(500, undefined, `${E}.noteTooLong`),
  ...why,
});

/** Removing something: why and from when only. */
export const removeForm = z.object(why);

// ── Reason codes

export const NEW_REASON_FIELDS = ["code", "appliesTo", "nameSq", "nameSr", "nameEn", ...WHY_FIELDS] as const;
export const newReasonForm = z.object({
  code: codeField(60, DASHED),
  appliesTo: z.enum(REASON_KINDS, { error: `${E}.appliesToInvalid` }),
  ...nameFields,
  ...why,
});
export const REASON_FIELDS = ["nameSq", "nameSr", "nameEn", "active", ...WHY_FIELDS] as const;
export const reasonForm = z.object({ ...nameFields, active: ticked, ...why });

// ── Standard responses

const body = textField(5000, `${E}.bodyRequired`, `${E}.bodyTooLong`).superRefine((b, ctx) => {
  if (unknownPlaceholders(b).length > 0) ctx.addIssue({ code: "custom", message: `${E}.unknownPlaceholder` });
});
const templateFields = {
  appliesTo: trimmed(),
  title: textField(200, `${E}.titleRequired`, `${E}.titleTooLong`),
  body,
};
export const NEW_TEMPLATE_FIELDS = ["code", "language", "appliesTo", "title", "body", ...WHY_FIELDS] as const;
export const newTemplateForm = z.object({
  code: codeField(60, JOINED),
  // Every catalog language: a Turkish or Bosnian case is answered from a template in its language.
  language: z.enum(ALL_LANGUAGES, { error: `${E}.languageInvalid` }),
  ...templateFields,
  ...why,
});
export const TEMPLATE_FIELDS = ["appliesTo", "title", "body", "active", ...WHY_FIELDS] as const;
export const templateForm = z.object({ ...templateFields, active: ticked, ...why });

/** What a template's "applies to" choice stands for: "" every input, "type:<type>", "category:<code>". */
export function parseAppliesTo(choice: string): { type: string | null; category: string | null } | undefined {
  if (choice === "") return { type: null, category: null };
  if (choice.startsWith("type:")) {
    const type = CASE_TYPES.find((t) => `type:${t}` === choice);
    return type ? { type, category: null } : undefined;
  }
  if (choice.startsWith("category:")) {
    const code = choice.slice("category:".length);
    return DASHED.test(code) ? { type: null, category: code } : undefined;
  }
  return undefined;
}
export const appliesToValue = (t: { type: string | null; category: string | null }) =>
  t.category !== null ? `category:${t.category}` : t.type ? `type:${t.type}` : "";

// ── Participation defaults

export const PARTICIPATION_FIELDS = [
  "consultationMinDays",
  "proposalWindowDays",
  "proposalThreshold",
  "normativeThresholdPercent",
  "supportRequiresVerified",
  ...WHY_FIELDS,
] as const;
export const participationForm = z.object({
  consultationMinDays: wholeNumber(1, 365, `${E}.numberRequired`, `${E}.daysInvalid`),
  proposalWindowDays: wholeNumber(1, 3650, `${E}.numberRequired`, `${E}.windowInvalid`),
  proposalThreshold: wholeNumber(1, 1_000_000, `${E}.numberRequired`, `${E}.thresholdInvalid`),
  normativeThresholdPercent: wholeNumber(1, 100, `${E}.numberRequired`, `${E}.percentInvalid`),
  supportRequiresVerified: ticked,
  ...why,
});

export const WITHDRAW_FIELDS = ["reason"] as const;
export const withdrawForm = z.object({ reason: why.reason });
