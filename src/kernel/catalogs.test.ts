// The language check (docs/LANGUAGES.md): every catalog complete, with its language's plural forms and
// English's placeholders; no key left unused; no words on a page that do not come from a catalog. Static
// and fast (a few seconds): it reads src/ with the TypeScript scanner and parser, runs nothing.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ALL_LANGUAGES, readCatalog } from "./i18n.ts";
import {
  foldedKeys,
  hardCodedStrings,
  keyReferences,
  leaves,
  pluralCategories,
  readSources,
  type SourceFile,
  unusedKeys,
} from "./i18n-check.ts";

const catalogs = Object.fromEntries(ALL_LANGUAGES.map((l) => [l, readCatalog(l)]));
const english = foldedKeys(catalogs.en!);
const sources = readSources(fileURLToPath(new URL("../", import.meta.url)));

/**
 * Keys the scan cannot see being used. Each entry says where it is used; "prefix.*" covers a namespace.
 * Keep it short: a key named in the code as a literal or template needs no entry.
 */
const USED_UNSEEN: readonly string[] = [];

/** What a page may write without a catalog: not language. Exact texts, each with its reason. */
const NOT_LANGUAGE = new Set([
  // The document type, written before <html>.
  "<!doctype html>",
  // The logo's letter, hidden from screen readers (the brand name beside it is read).
  "E",
  // The brand, the same in every language.
  "E-Komuna",
  // Examples of an HTTP header and a query parameter on the API clients page: code, not prose.
  "Authorization: Bearer ek_live_…",
  "api_key=ek_live_…",
]);
/** Texts that are not language by their shape: URLs, e-mail addresses, codes and units. */
const NOT_LANGUAGE_SHAPES: readonly RegExp[] = [
  /^(https?:\/\/|mailto:|\/)\S*$/, // a URL or a local path
  /^[\w.+-]+@[\w.-]+$/, // an e-mail address
  /^[A-Z]{2,5}(-\d{4}-\d+)?$/, // a code (PRI, CSV, a tracking code)
];
const notLanguage = (text: string) => NOT_LANGUAGE.has(text) || NOT_LANGUAGE_SHAPES.some((r) => r.test(text));

const placeholders = (texts: Iterable<string>) =>
  [...new Set([...texts].flatMap((t) => [...t.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!)))].sort();

/** A catalog's texts per key, plural forms folded together. */
function textsByKey(catalog: Record<string, unknown>): Map<string, string[]> {
  const texts = leaves(catalog);
  const out = new Map<string, string[]>();
  for (const [base, forms] of foldedKeys(catalog))
    out.set(base, forms.length === 0 ? [texts.get(base)!] : forms.map((f) => texts.get(`${base}_${f}`)!));
  return out;
}

describe("the catalogs", () => {
  it.each(ALL_LANGUAGES.filter((l) => l !== "en"))("%s has exactly the keys English has", (lang) => {
    const own = foldedKeys(catalogs[lang]!);
    const missing = [...english.keys()].filter((k) => !own.has(k));
    const extra = [...own.keys()].filter((k) => !english.has(k));
    expect({ missing, extra }, `src/web/catalogs/${lang}.json`).toEqual({ missing: [], extra: [] });
  });

  it.each(ALL_LANGUAGES)("%s gives every counted text the plural forms of its language", (lang) => {
    const needed = pluralCategories(lang).join(" ");
    const wrong = [...foldedKeys(catalogs[lang]!)]
      .filter(([key, forms]) => (english.get(key)?.length ?? 0) > 0 || forms.length > 0)
      .map(([key, forms]) => `${key}: ${[...forms].sort().join(" ") || "(no plural forms)"}`)
      .filter((line) => !line.endsWith(`: ${needed}`));
    expect(wrong, `${lang} needs ${needed}`).toEqual([]);
  });

  it.each(ALL_LANGUAGES)("%s has no empty text", (lang) => {
    const empty = [...leaves(catalogs[lang]!)].filter(([, text]) => text.trim() === "").map(([k]) => k);
    expect(empty).toEqual([]);
  });

  it.each(ALL_LANGUAGES)("%s writes placeholders only as {{name}}", (lang) => {
    // The translate function fills {{name}} itself (i18n.ts); i18next's other forms ({{ name }}, $t(…),
    // formats) would be left to it, or printed as they are.
    const odd = [...leaves(catalogs[lang]!)]
      .filter(([, text]) => /\$t\(/.test(text) || /\{\{(?!\w+\}\})/.test(text))
      .map(([key, text]) => `${key}: ${text}`);
    expect(odd).toEqual([]);
  });

  it.each(ALL_LANGUAGES.filter((l) => l !== "en"))("%s fills the placeholders English fills", (lang) => {
    // A placeholder only English has loses a value; one English lacks prints as {{name}}.
    const en = textsByKey(catalogs.en!);
    const own = textsByKey(catalogs[lang]!);
    const differ = [...en]
      .filter(
        ([key, texts]) => own.has(key) && placeholders(texts).join() !== placeholders(own.get(key)!).join(),
      )
      .map(
        ([key, texts]) =>
          `${key}: ${placeholders(texts).join(",")} ≠ ${placeholders(own.get(key)!).join(",")}`,
      );
    expect(differ).toEqual([]);
  });
});

describe("the source", () => {
  it("uses every key of the catalogs", () => {
    const unused = unusedKeys(english.keys(), keyReferences(sources), USED_UNSEEN);
    expect(
      unused,
      "keys no source names: remove them from every catalog, or list them in USED_UNSEEN",
    ).toEqual([]);
  });

  it("takes every word on its pages from the catalogs", () => {
    const found = hardCodedStrings(sources, notLanguage).map((h) => `${h.at}: ${JSON.stringify(h.text)}`);
    expect(
      found,
      "text in a page that is not from a catalog: add a key, or say in NOT_LANGUAGE why not",
    ).toEqual([]);
  });
});

describe("the check itself", () => {
  // Source text for the check to read; "#{" stands for a template's "${", which a string may not hold.
  const file = (path: string, ...lines: string[]): SourceFile => ({
    path,
    text: lines.join("\n").replaceAll("#{", "${"),
  });

  it("sees keys named literally, by template, by constant (imported too) and as a namespace handed on", () => {
    const refs = keyReferences([
      file("src/a/ui.ts", 'export const K = "alpha";', "const E = `#{K}.errors`;", "export { E };"),
      file(
        "src/a/page.tsx",
        'import { K } from "./ui.ts";',
        "const re = /[\"'`{]/; // quotes and a brace in a regular expression",
        "const P = `#{K}.page`;",
        "export const Page = (t: (k: string) => string, s: string) => (",
        "  <p title={t(`#{P}.title`)}>",
        '    {t("beta.literal")}</p>',
        ");",
        "t(`status.#{s}`); t(`#{P}.#{s}.x`);",
        'notice(req, `#{K}.done`); helper("gamma.ns", 3);',
      ),
    ]);
    const keys = [
      "alpha.page.title",
      "beta.literal",
      "status.open",
      "alpha.page.one.x",
      "alpha.done.closed",
      "gamma.ns.a",
      "alpha.page.unused",
      "status",
      "delta.never",
    ];
    expect(unusedKeys(keys, refs)).toEqual(["alpha.page.unused", "status", "delta.never"]);
    expect(unusedKeys(keys, refs, ["delta.*", "status"])).toEqual(["alpha.page.unused"]);
  });

  it("finds words written into a page, and passes what is not language", () => {
    const found = hardCodedStrings(
      [
        file(
          "src/x/page.tsx",
          "export const P = (t: (k: string) => string, on: boolean) => (",
          "  <div>",
          "    <h1>Welcome</h1>",
          '    <img alt="A map" src="/x.png" />',
          '    <input type="submit" value="Send" />',
          '    <input type="hidden" name="a" value="kept" />',
          '    <p title={on ? "Yes" : t("k")}>{t("k")} – 3</p>',
          '    <span aria-label="E-Komuna">{" · "}</span>',
          "  </div>",
          ");",
        ),
        file("src/x/plain.ts", 'const s = "Not a page";'),
      ],
      notLanguage,
    );
    expect(found).toEqual([
      { at: "src/x/page.tsx:3", text: "Welcome" },
      { at: "src/x/page.tsx:4", text: "A map" },
      { at: "src/x/page.tsx:5", text: "Send" },
      { at: "src/x/page.tsx:7", text: "Yes" },
    ]);
  });
});
