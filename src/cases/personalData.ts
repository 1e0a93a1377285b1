// Text that looks like personal data (Law 06/L-082; PRODUCT.md, data protection): flagged for staff before
// they publish an answer or make a case public, where the check errs on the side of flagging, and removed
// from everything the public view (publicView.ts) lets out, whatever staff decided.
/** "name": the citizen's own name where they chose not to show it (findName; no pattern can find a name). */
export type PersonalDataKind = "email" | "phone" | "personal_number" | "name";

export interface PersonalDataFinding {
  kind: PersonalDataKind;
  /** The text that looks personal, as found. */
  match: string;
  index: number;
}

const EMAIL = String.raw`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}`;
// Kosovo numbers: +383 / 00383 / 0 then 2 digits (mobile 43–49, fixed 28–39), and the older +377 and
// +386 mobile ranges; spaces, dots, dashes and slashes between groups.
const PHONE = String.raw`(?<![\p{N}])(?:(?:\+|00)(?:383|377|386)[\s./-]*\(?0?\)?[\s./-]*|0)[2-4]\d(?:[\s./-]*\d){6,7}(?![\p{N}])`;
// The personal number on Kosovo identity cards: ten digits, written together.
const PERSONAL_NUMBER = String.raw`(?<![\p{N}])\d{10}(?![\p{N}])`;

const PATTERNS: [PersonalDataKind, RegExp][] = [
  ["email", new RegExp(EMAIL, "gu")],
  ["phone", new RegExp(PHONE, "gu")],
  ["personal_number", new RegExp(PERSONAL_NUMBER, "gu")],
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

/**
 * Where `text` names a given person: their whole name, in any case and with any spacing between its
 * words, as words of their own. Staff pages know whose name to look for — a citizen who chose not to show
 * it — and a standard answer starts "Dear {{citizen_name}}", filled in for staff who may see it.
 */
export function findName(text: string, name: string | null | undefined): PersonalDataFinding[] {
  const words = (name ?? "").trim().split(/\s+/u).filter(Boolean);
  // An initial or a two-letter name would flag ordinary words.
  if (words.join(" ").length < 3) return [];
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\s+");
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "giu");
  return [...text.matchAll(pattern)].map((m) => ({
    kind: "name" as const,
    match: m[0],
    index: m.index ?? 0,
  }));
}

/**
 * What replaces personal data in public text. Language-neutral, because the public view has no language:
 * the same view goes to pages in three languages, to Open311 and to webhooks. None of its characters can
 * be part of a match, so it also keeps the text on either side from joining into a new one.
 */
export const REDACTION_MARKER = "[…]";

// Compiled once: the public view redacts every row of every list and export. Text without an "@" is spared
// the email pattern; with one, an address is tried only where a run of its characters begins (there is a
// match from there whenever there is one from inside the run), or a 4,000-letter word would be read
// again from each of its letters (70 ms instead of 1).
const EMAIL_AT_RUN_START = String.raw`(?<![\p{L}\p{N}._%+-])${EMAIL}`;
const ANY = new RegExp(`${EMAIL_AT_RUN_START}|${PHONE}|${PERSONAL_NUMBER}`, "gu");
const ANY_BUT_EMAIL = new RegExp(`${PHONE}|${PERSONAL_NUMBER}`, "gu");

/**
 * `text` with what looks personal replaced by `REDACTION_MARKER`, until `findPersonalData` finds nothing;
 * text it finds nothing in comes back as it was. Repeated, because a removal can uncover a number: in
 * "0441234567+38344123456" the digit before the "+" hides the second number until the first is gone.
 * Each pass replaces characters by a marker no pattern can match, so it ends.
 */
export function redactPersonalData(text: string): string {
  let out = text;
  for (;;) {
    const next = out.replace(out.includes("@") ? ANY : ANY_BUT_EMAIL, REDACTION_MARKER);
    if (next === out) return out;
    out = next;
  }
}
