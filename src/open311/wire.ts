// Open311's two wire formats from one value. GeoReport v2 defines XML and derives JSON from it by the
// Spark convention: attributes dropped, and a container whose children all share one element name is an
// array, even with one child or none. Answers are built once as a tree in which such containers are
// marked (`list`), so the XML and the JSON of an answer cannot disagree.

/** A value as both formats need it: a list container, a record of fields (in order), or a scalar. */
export type WireValue = string | number | boolean | null | WireList | WireRecord;
export interface WireRecord {
  readonly [field: string]: WireValue;
}
export interface WireList {
  readonly kind: "list";
  /** The element name of each child in XML (`service` in `<services>`). */
  readonly element: string;
  readonly items: readonly WireValue[];
}

export const list = (element: string, items: readonly WireValue[]): WireList => ({
  kind: "list",
  element,
  items,
});

const isList = (v: WireValue): v is WireList =>
  typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "list";

export const FORMATS = ["xml", "json"] as const;
export type Format = (typeof FORMATS)[number];

/** The content types the specification names (UTF-8 everywhere). */
export const CONTENT_TYPE: Record<Format, string> = {
  xml: "text/xml; charset=utf-8",
  json: "application/json; charset=utf-8",
};

/** `services.json` → `{ name: "services", format: "json" }`; the last dot separates the format. */
export function splitFormat(file: string): { name: string; format: Format | undefined } {
  const at = file.lastIndexOf(".");
  if (at < 0) return { name: file, format: undefined };
  const ext = file.slice(at + 1).toLowerCase();
  return {
    name: file.slice(0, at),
    format: ext === "xml" || ext === "json" ? ext : undefined,
  };
}

// ── JSON

function toJson(v: WireValue): unknown {
  if (v === null || typeof v !== "object") return v;
  if (isList(v)) return v.items.map(toJson);
  const out: Record<string, unknown> = {};
  for (const [k, field] of Object.entries(v)) out[k] = toJson(field);
  return out;
}

// ── XML

/**
 * Characters XML 1.0 cannot carry at all (C0 controls other than tab and line breaks, U+FFFE/U+FFFF and
 * unpaired surrogates): dropped, so that whatever a citizen typed, the document stays well-formed.
 */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Anything xmlText would change: most texts have none, and are written as they are. */
const SPECIAL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;

export function xmlText(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return s
    .replace(NOT_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function scalarText(v: string | number | boolean): string {
  return typeof v === "string" ? xmlText(v) : String(v);
}

function xmlInner(v: WireValue, out: string[]): void {
  if (v === null) return;
  if (typeof v !== "object") {
    out.push(scalarText(v));
    return;
  }
  if (isList(v)) {
    for (const item of v.items) element(v.element, item, out);
    return;
  }
  for (const [k, field] of Object.entries(v)) element(k, field, out);
}

function element(name: string, v: WireValue, out: string[]): void {
  // An absent value is an empty element, as in the specification's examples (`<description></description>`).
  out.push(`<${name}>`);
  xmlInner(v, out);
  out.push(`</${name}>`);
}

/** The document: the declaration the specification requires, then the root element. */
export function toXml(root: string, v: WireValue): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>\n'];
  element(root, v, out);
  out.push("\n");
  return out.join("");
}

/** An answer in the chosen format: the XML root's name is needed for XML only. */
export function serialize(format: Format, root: string, v: WireValue): string {
  return format === "xml" ? toXml(root, v) : JSON.stringify(toJson(v));
}
