import { describe, expect, it } from "vitest";
import {
  ALL_LANGUAGES,
  formatNumber,
  i18n,
  LANGUAGES,
  type Language,
  negotiateLanguage,
  offeredLanguages,
  pageLanguage,
  readCatalog,
  translator,
} from "./i18n.ts";
import { htmlLang, localized, localizedLanguage } from "./localized.ts";

// Completeness of the catalogs (keys, plural forms, placeholders, unused keys): catalogs.test.ts.

describe("plural forms", () => {
  it("uses the plural forms of each language", () => {
    expect(translator("sr")("home.municipalitiesCount", { count: 1 })).toBe("1 opština");
    expect(translator("sr")("home.municipalitiesCount", { count: 3 })).toBe("3 opštine");
    expect(translator("sr")("home.municipalitiesCount", { count: 38 })).toBe("38 opština");
    expect(translator("sq")("home.municipalitiesCount", { count: 1 })).toBe("1 komunë");
    expect(translator("sq")("home.municipalitiesCount", { count: 38 })).toBe("38 komuna");
    expect(translator("en")("home.municipalitiesCount", { count: 38 })).toBe("38 municipalities");
  });

  it("gives Bosnian its few form and Turkish its one and other, from their own catalogs", () => {
    const bs = readCatalog("bs") as { home: Record<string, string> };
    const tr = readCatalog("tr") as { home: Record<string, string> };
    const fill = (text: string | undefined, n: number) => text?.replace("{{count}}", String(n));
    const t = { bs: translator("bs"), tr: translator("tr") };
    expect(t.bs("home.municipalitiesCount", { count: 1 })).toBe(fill(bs.home.municipalitiesCount_one, 1));
    expect(t.bs("home.municipalitiesCount", { count: 3 })).toBe(fill(bs.home.municipalitiesCount_few, 3));
    expect(t.bs("home.municipalitiesCount", { count: 38 })).toBe(fill(bs.home.municipalitiesCount_other, 38));
    expect(t.bs("home.municipalitiesCount", { count: 3 })).not.toBe(
      t.bs("home.municipalitiesCount", { count: 5 }),
    );
    expect(t.tr("home.municipalitiesCount", { count: 1 })).toBe(fill(tr.home.municipalitiesCount_one, 1));
    expect(t.tr("home.municipalitiesCount", { count: 38 })).toBe(fill(tr.home.municipalitiesCount_other, 38));
  });
});

describe("counts", () => {
  it("formats numbers in each language's way, Serbian in Latin script", () => {
    expect(ALL_LANGUAGES.map((l) => formatNumber(l, 12345))).toEqual(
      ["sq", "sr-Latn", "en", "tr", "bs"].map((tag) => new Intl.NumberFormat(tag).format(12345)),
    );
    expect(formatNumber("en", 1234567)).toBe("1,234,567");
    expect(formatNumber("sr", 1234567)).toBe("1.234.567");
    expect(formatNumber("sq", 999)).toBe("999");
  });

  it("writes a count as the page's language writes numbers, and still chooses the plural by it", () => {
    const grouped = (lang: string, n: number) => new Intl.NumberFormat(lang).format(n);
    expect(translator("en")("home.municipalitiesCount", { count: 12345 })).toBe("12,345 municipalities");
    expect(translator("sq")("home.municipalitiesCount", { count: 12345 })).toBe(
      `${grouped("sq", 12345)} komuna`,
    );
    // Serbian chooses by the last digits: 1.234 few, 1.235 other, 1.211 other (not "one").
    expect(translator("sr")("home.municipalitiesCount", { count: 1234 })).toBe("1.234 opštine");
    expect(translator("sr")("home.municipalitiesCount", { count: 1235 })).toBe("1.235 opština");
    expect(translator("sr")("home.municipalitiesCount", { count: 1211 })).toBe("1.211 opština");
  });
});

describe("offeredLanguages", () => {
  it("offers sq, sr and en everywhere, and the municipal languages a municipality switched on", () => {
    expect(offeredLanguages()).toEqual(["sq", "sr", "en"]);
    expect(offeredLanguages(["sq", "sr", "en"])).toEqual(["sq", "sr", "en"]);
    expect(offeredLanguages(["sq", "sr", "en", "tr"])).toEqual(["sq", "sr", "en", "tr"]);
    // Stored in any order, shown in the platform's; English is offered even where a municipality left it off.
    expect(offeredLanguages(["bs", "sq", "sr", "tr"])).toEqual(["sq", "sr", "en", "tr", "bs"]);
    expect(offeredLanguages(["sq", "sr", "de"])).toEqual(["sq", "sr", "en"]);
  });
});

describe("pageLanguage", () => {
  const everywhere: readonly Language[] = LANGUAGES;
  const prizren = offeredLanguages(["sq", "sr", "en", "tr"]);
  const both = offeredLanguages(["sq", "sr", "en", "tr", "bs"]);
  const page = (remembered: string | undefined, acceptLanguage: string | undefined, offered = everywhere) =>
    pageLanguage({ remembered, acceptLanguage, offered });

  it("shows a remembered choice where the page offers it, over the browser's", () => {
    expect(page("tr", "sr", prizren)).toBe("tr");
    expect(page("bs", "en", both)).toBe("bs");
    expect(page("en", "sq", prizren)).toBe("en");
  });

  it("gives way to the choice's own fallback where it is not offered: bs reads Serbian, tr Albanian", () => {
    expect(page("bs", "en-GB,en", everywhere)).toBe("sr");
    expect(page("bs", undefined, prizren)).toBe("sr");
    expect(page("tr", "en", everywhere)).toBe("sq");
  });

  it("negotiates the browser's languages among those offered, then by fallback", () => {
    expect(page(undefined, "tr-TR,en;q=0.5", prizren)).toBe("tr");
    expect(page(undefined, "tr-TR,en;q=0.5", everywhere)).toBe("en");
    expect(page(undefined, "bs-BA", everywhere)).toBe("sr");
    expect(page(undefined, "tr", everywhere)).toBe("sq");
    expect(page(undefined, "bs,tr;q=0.9", prizren)).toBe("tr");
  });

  it("ignores what it has no catalog for, and defaults to Albanian", () => {
    expect(page("de", "fr", prizren)).toBe("sq");
    expect(page("", undefined)).toBe("sq");
    expect(page("de", "sr-Latn-RS")).toBe("sr");
  });
});

describe("localized names", () => {
  const prizren = { sq: "Prizren", sr: "Prizren", en: "Prizren" };
  const mamushe = { sq: "Mamushë", sr: "Mamuša", en: "Mamushë", tr: "Mamuşa" };
  const gracanica = { sq: "Graçanicë", sr: "Gračanica", en: "Gračanica" };

  it("shows the page's language, and a Turkish or Bosnian name where one is stored", () => {
    expect(localized(gracanica, "sr")).toBe("Gračanica");
    expect(localized(gracanica, "en")).toBe("Gračanica");
    expect(localized(mamushe, "tr")).toBe("Mamuşa");
    expect(localizedLanguage(mamushe, "tr")).toBe("tr");
  });

  it("falls back from Bosnian to Serbian and from Turkish to Albanian, then to Albanian", () => {
    expect(localized(gracanica, "bs")).toBe("Gračanica");
    expect(localizedLanguage(gracanica, "bs")).toBe("sr");
    expect(localized(gracanica, "tr")).toBe("Graçanicë");
    expect(localizedLanguage(gracanica, "tr")).toBe("sq");
    expect(localized({ sq: "Vetëm shqip" } as typeof prizren, "en")).toBe("Vetëm shqip");
    expect(localizedLanguage({ sq: "Vetëm shqip", sr: "" }, "bs")).toBe("sq");
  });

  it("tags Serbian as Latin script", () => {
    expect(ALL_LANGUAGES.map(htmlLang)).toEqual(["sq", "sr-Latn", "en", "tr", "bs"]);
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

  // The languages offered everywhere: the answer depends on the catalog's text only, and catalogs.test.ts
  // holds every catalog to the one placeholder form ({{name}}) this was proven on; tr and bs would add
  // seconds to CI for nothing more.
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
