// A category's extra questions (Open311 attribute types) and the checking of their answers. Pure.
import type { CategoryQuestion } from "../db/schema.ts";

export type Answers = Record<string, string | number | string[]>;

const MAX = { string: 200, text: 4000 } as const;

/** Checks and normalises answers; errors are catalog keys by question code. Unknown codes are dropped. */
export function checkAnswers(
  questions: readonly CategoryQuestion[],
  raw: Record<string, unknown>,
): { ok: true; answers: Answers } | { ok: false; errors: Record<string, string> } {
  const answers: Answers = {};
  const errors: Record<string, string> = {};
  for (const q of questions) {
    const value = raw[q.code];
    const list = (Array.isArray(value) ? value : value === undefined || value === "" ? [] : [value])
      // Line breaks as "\n", no spaces at the ends: what every other text field stores (a browser sends CRLF).
      .map((v) => String(v).replace(/\r\n?/g, "\n").trim())
      .filter((v) => v !== "");
    if (list.length === 0) {
      if (q.required) errors[q.code] = "validation.answer.required";
      continue;
    }
    const first = list[0]!;
    switch (q.datatype) {
      case "number": {
        const n = Number(first.replace(",", "."));
        if (!Number.isFinite(n) || first.length > 30) errors[q.code] = "validation.answer.number";
        else answers[q.code] = n;
        break;
      }
      case "datetime": {
        const d = new Date(first);
        if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?/.test(first) || Number.isNaN(d.getTime())) {
          errors[q.code] = "validation.answer.datetime";
        } else answers[q.code] = first;
        break;
      }
      case "string":
      case "text":
        if (first.length > MAX[q.datatype]) errors[q.code] = "validation.answer.too_long";
        else answers[q.code] = first;
        break;
      case "singlevaluelist":
        if (list.length > 1 || !q.values?.some((v) => v.key === first))
          errors[q.code] = "validation.answer.choice";
        else answers[q.code] = first;
        break;
      case "multivaluelist": {
        const keys = [...new Set(list)];
        if (!keys.every((k) => q.values?.some((v) => v.key === k)))
          errors[q.code] = "validation.answer.choice";
        else answers[q.code] = keys;
        break;
      }
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, answers };
}
