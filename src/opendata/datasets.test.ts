import { describe, expect, it } from "vitest";
import { LANGUAGES, translator } from "../kernel/i18n.ts";
import { COUNTERS } from "../stats/counters.ts";
import { dataPackage } from "./datapackage.ts";
import { DATASETS } from "./datasets.ts";
import { COUNTER_COLUMNS, protectMonth } from "./statsExport.ts";

describe("the datasets' declarations", () => {
  it("give every field a unique snake_case name", () => {
    for (const d of DATASETS) {
      const names = d.fields.map((f) => f.name);
      expect(new Set(names).size, d.name).toBe(names.length);
      for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    }
    expect(new Set(Object.values(COUNTER_COLUMNS)).size).toBe(COUNTERS.length);
  });

  it.each(LANGUAGES)("describe every dataset and field in %s", (lang) => {
    const t = translator(lang);
    const descriptor = dataPackage({ base: "https://x.example", t, publisher: "Ministria" });
    const texts = [
      descriptor.title,
      descriptor.description,
      ...descriptor.resources.flatMap((r) => [
        r.title,
        r.description,
        ...r.schema.fields.map((f) => f.description),
      ]),
    ];
    for (const text of texts) {
      expect(text).not.toMatch(/^openData\./);
      expect(text.trim()).not.toBe("");
    }
  });
});

describe("small-count suppression in the breakdown", () => {
  it("writes 1 to 4 as <5, keeps 0 and 5 or more, and hides the rating sum of a few ratings", () => {
    expect(
      protectMonth([
        {
          received: 1,
          acknowledged: 4,
          responded: 0,
          resolved: 5,
          satisfaction_ratings: 3,
          satisfaction_sum: 14,
        },
      ]),
    ).toEqual([
      {
        received: "<5",
        acknowledged: "<5",
        responded: 0,
        resolved: 5,
        satisfaction_ratings: "<5",
        satisfaction_sum: "<5",
      },
    ]);
    // A sum of five or more ratings says nothing about any one of them, however small it is.
    expect(protectMonth([{ satisfaction_ratings: 5, satisfaction_sum: 5 }])).toEqual([
      { satisfaction_ratings: 5, satisfaction_sum: 5 },
    ]);
  });

  it("hides the next smallest row with a lone <5 of a month, so the monthly total less the others does not tell it", () => {
    const month = [
      { received: 3, acknowledged: 0, resolved: 9, satisfaction_ratings: 2, satisfaction_sum: 9 },
      { received: 12, acknowledged: 2, resolved: 0, satisfaction_ratings: 6, satisfaction_sum: 24 },
      { received: 20, acknowledged: 11, resolved: 7, satisfaction_ratings: 8, satisfaction_sum: 30 },
    ];
    expect(protectMonth(month)).toEqual([
      // received: a lone 3, hidden with the next smallest (12); acknowledged: the 2, and the zero beside it.
      { received: "<5", acknowledged: "<5", resolved: 9, satisfaction_ratings: "<5", satisfaction_sum: "<5" },
      { received: "…", acknowledged: "<5", resolved: 0, satisfaction_ratings: "…", satisfaction_sum: "…" },
      { received: 20, acknowledged: 11, resolved: 7, satisfaction_ratings: 8, satisfaction_sum: 30 },
    ]);
    // Whatever is hidden, the rows that stay whole never add up to the total less one unknown count.
    for (const column of Object.keys(month[0]!)) {
      const hidden = protectMonth(month).filter((r) => typeof r[column] === "string").length;
      expect(hidden === 0 || hidden >= 2, column).toBe(true);
    }
  });
});
