// What a browser sends in a form or a query string, read into plain values. One thing is changed: the NUL
// character, which PostgreSQL cannot store in text or jsonb, becomes U+FFFD (the visible replacement
// character). Without this, a NUL typed or pasted into any field reached the database and answered 500;
// with it, every field keeps what was typed, shown (escaped) with a � where the NUL was.
import { parse } from "node:querystring";

const NUL = "\u0000";
const swap = (s: string) => (s.includes(NUL) ? s.replaceAll(NUL, "\uFFFD") : s);

function clean(value: string | string[] | undefined): string | string[] | undefined {
  if (typeof value === "string") return swap(value);
  return value?.map(swap);
}

/** Parses application/x-www-form-urlencoded text (a form body or a query string). */
export function parseFormValues(text: string): Record<string, string | string[]> {
  const parsed = parse(text);
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of Object.entries(parsed)) {
    const v = clean(value);
    if (v !== undefined) out[swap(key)] = v;
  }
  return out;
}
