import { describe, expect, it } from "vitest";
import { i18n, LANGUAGES, negotiateLanguage, readCatalog, translator } from "./i18n.ts";

/** Flattens a catalog to its keys, folding plural forms (key_one, key_few, key_other) into one key. */
function keys(catalog: Record<string, unknown>, prefix = ""): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of Object.entries(catalog)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object") {
      for (const [kk, vv] of keys(v as Record<string, unknown>, path)) out.set(kk, vv);
    } else {
      const base = path.replace(/_(zero|one|two|few|many|other)$/, "");
      out.set(base, [...(out.get(base) ?? []), String(v)]);
    }
  }
  return out;
}

describe("the catalogs", () => {
  const catalogs = Object.fromEntries(LANGUAGES.map((l) => [l, keys(readCatalog(l))]));

  it.each(LANGUAGES.filter((l) => l !== "en"))("%s has exactly the keys English has", (lang) => {
    expect([...catalogs[lang]!.keys()].sort()).toEqual([...catalogs.en!.keys()].sort());
  });

  it.each(LANGUAGES)("%s has no empty string", (lang) => {
    const empty = [...catalogs[lang]!].filter(([, values]) => values.some((v) => v.trim() === ""));
    expect(empty).toEqual([]);
  });

  it("uses the plural forms of each language", () => {
    expect(translator("sr")("home.municipalitiesCount", { count: 1 })).toBe("1 opština");
    expect(translator("sr")("home.municipalitiesCount", { count: 3 })).toBe("3 opštine");
    expect(translator("sr")("home.municipalitiesCount", { count: 38 })).toBe("38 opština");
    expect(translator("sq")("home.municipalitiesCount", { count: 1 })).toBe("1 komunë");
    expect(translator("sq")("home.municipalitiesCount", { count: 38 })).toBe("38 komuna");
    expect(translator("en")("home.municipalitiesCount", { count: 38 })).toBe("38 municipalities");
  });
});

describe("negotiateLanguage", () => {
  it("picks the best offered language by quality", () => {
    expect(negotiateLanguage("de-DE,sr;q=0.8,sq;q=0.9")).toBe("sq");
    expect(negotiateLanguage("sr-Latn-RS,en;q=0.5")).toBe("sr");
    expect(negotiateLanguage("en-GB")).toBe("en");
  });

  it("keeps header order between equal qualities", () => {
    expect(negotiateLanguage("en, sq")).toBe("en");
  });

  it("answers undefined for nothing offered, q=0 or garbage", () => {
    expect(negotiateLanguage(undefined)).toBeUndefined();
    expect(negotiateLanguage("de, fr")).toBeUndefined();
    expect(negotiateLanguage("sq;q=0")).toBeUndefined();
    expect(negotiateLanguage(";;;,,,q=abc")).toBeUndefined();
  });
});

describe("the translate function", () => {
  // translator() answers plain lookups and plain {{placeholders}} itself (a page asks hundreds of times);
  // it must answer exactly what i18next answers, for every key of every catalog.
  const leaves = (catalog: Record<string, unknown>, prefix = ""): [string, string][] =>
    Object.entries(catalog).flatMap(([k, v]) =>
      v && typeof v === "object"
        ? leaves(v as Record<string, unknown>, prefix ? `${prefix}.${k}` : k)
        : [[prefix ? `${prefix}.${k}` : k, String(v)] as [string, string]],
    );

  it.each(LANGUAGES)("gives i18next's answer for every %s key, with and without values", (lang) => {
    const ours = translator(lang);
    const theirs = i18n().getFixedT(lang);
    for (const [key, text] of leaves(readCatalog(lang))) {
      if (/_(zero|one|two|few|many|other)$/.test(key)) continue; // plural forms: asked with a count
      const names = [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!);
      const values = Object.fromEntries(names.map((n, i) => [n, i % 2 === 0 ? `<${n} & "x">` : i * 7]));
      expect(ours(key), key).toBe(theirs(key));
      expect(ours(key), key).toBe(ours(key)); // the remembered answer
      expect(ours(key, values), key).toBe(theirs(key, values));
      // A missing value leaves the placeholder, as i18next does.
      expect(ours(key, { unrelated: "x" }), key).toBe(theirs(key, { unrelated: "x" }));
    }
  });

  it("leaves plurals and other i18next options to i18next", () => {
    const t = translator("sr");
    const leaf = leaves(readCatalog("sr")).find(([k]) => k.endsWith("_few"));
    expect(leaf).toBeDefined();
    const key = leaf![0].replace(/_few$/, "");
    expect(t(key, { count: 3 })).toBe(i18n().getFixedT("sr")(key, { count: 3 }));
    expect(t(key, { count: 3 })).not.toBe(t(key, { count: 1 }));
  });
});
