// Before a case's text or an answer becomes public, text that looks like personal data is flagged so that
// staff redact it (Law 06/L-082; PRODUCT.md, data protection). A flag, not a filter: staff decide, and
// the check errs on the side of flagging.
export type PersonalDataKind = "email" | "phone" | "personal_number";

export interface PersonalDataFinding {
  kind: PersonalDataKind;
  /** The text that looks personal, as found. */
  match: string;
  index: number;
}

const PATTERNS: [PersonalDataKind, RegExp][] = [
  ["email", /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu],
  // Kosovo numbers: +383 / 00383 / 0 then 2 digits (mobile 43–49, fixed 28–39), and the older +377 and
  // +386 mobile ranges; spaces, dots, dashes and slashes between groups.
  [
    "phone",
    /(?<![\p{N}])(?:(?:\+|00)(?:383|377|386)[\s./-]*\(?0?\)?[\s./-]*|0)[2-4]\d(?:[\s./-]*\d){6,7}(?![\p{N}])/gu,
  ],
  // The personal number on Kosovo identity cards: ten digits, written together.
  ["personal_number", /(?<![\p{N}])\d{10}(?![\p{N}])/gu],
];

/** Everything in `text` that looks like an email address, a phone number or a Kosovo personal number. */
export function findPersonalData(text: string): PersonalDataFinding[] {
  const found: PersonalDataFinding[] = [];
  for (const [kind, pattern] of PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const index = m.index ?? 0;
      // A ten-digit run already taken as a phone number is not also a personal number.
      if (found.some((f) => index < f.index + f.match.length && f.index < index + m[0].length)) continue;
      found.push({ kind, match: m[0], index });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}
