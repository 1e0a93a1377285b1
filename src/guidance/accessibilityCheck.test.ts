// The record the accessibility statement shows is written only for a whole, passed run of the browser suite,
// and counts the pages and languages its page suite visited (test/e2e/a11yRecord.ts, pageSuite.ts).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type RanTest, readAccessibilityCheck, summariseRun } from "./accessibilityCheck.ts";

const page = (lang: string, name: string, test = "has no WCAG 2.0/2.1 A or AA violation"): RanTest => ({
  suites: [`in ${lang}`, name, test],
  state: "passed",
});
const RUN = { complete: true, unhandledErrors: 0, day: "2026-11-27" };
const TESTS: RanTest[] = [
  ...["sq", "sr", "en"].flatMap((l) => [
    page(l, "home"),
    page(l, "home", "fits 320px"),
    page(l, "guide-faq"),
  ]),
  { suites: ["in a browser", "switches language"], state: "passed" },
  { suites: ["map pages in sq"], state: "passed" },
  {
    suites: ["in tr, on prizren's pages", "m-prizren", "has no WCAG 2.0/2.1 A or AA violation"],
    state: "passed",
  },
];

describe("summariseRun", () => {
  it("records a whole passed run: its day, tests, distinct pages and languages", () => {
    expect(summariseRun(TESTS, RUN)).toEqual({
      ok: true,
      check: {
        checkedAt: "2026-11-27",
        tests: 12,
        pages: 3,
        languages: ["sq", "sr", "en", "tr"],
        failures: 0,
      },
    });
  });

  it("records nothing when a test failed or was skipped, a file did not run, or errors escaped", () => {
    expect(summariseRun([...TESTS, { ...page("en", "x"), state: "failed" }], RUN).ok).toBe(false);
    expect(summariseRun([...TESTS, { ...page("en", "x"), state: "skipped" }], RUN).ok).toBe(false);
    expect(summariseRun(TESTS, { ...RUN, complete: false }).ok).toBe(false);
    expect(summariseRun(TESTS, { ...RUN, unhandledErrors: 1 }).ok).toBe(false);
  });

  it("records nothing for a run that visited no page", () => {
    expect(summariseRun([{ suites: ["in a browser"], state: "passed" }], RUN)).toEqual({
      ok: false,
      why: "no page was visited",
    });
  });
});

describe("readAccessibilityCheck", () => {
  it("reads the committed record", () => {
    expect(readAccessibilityCheck()).toMatchObject({
      failures: 0,
      languages: expect.arrayContaining(["sq", "sr"]),
    });
  });

  it("gives nothing for a missing file or a record of a failed run", () => {
    const dir = mkdtempSync(join(tmpdir(), "a11y-"));
    expect(readAccessibilityCheck(join(dir, "none.json"))).toBeUndefined();
    const failed = join(dir, "failed.json");
    writeFileSync(
      failed,
      JSON.stringify({ checkedAt: "2026-11-27", tests: 3, pages: 1, languages: ["sq"], failures: 2 }),
    );
    expect(readAccessibilityCheck(failed)).toBeUndefined();
  });
});
