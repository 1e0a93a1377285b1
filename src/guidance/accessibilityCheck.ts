// The record of the last automated accessibility check, which the accessibility statement shows. The
// browser suite's reporter (test/e2e/a11yRecord.ts) writes it when a whole run has passed; the file is
// committed, so the statement always names a check that really ran on the code it describes.
import { readFileSync } from "node:fs";
import { z } from "zod";

/** src/guidance/accessibility-check.json */
export const CHECK_FILE = new URL("./accessibility-check.json", import.meta.url);

const checkSchema = z.object({
  /** The day of the run (an ISO date, UTC). */
  checkedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** Tests of the whole browser suite, every one passed. */
  tests: z.number().int().positive(),
  /** Pages the page suite visited (each in every language). */
  pages: z.number().int().positive(),
  /** The languages each page was visited in. */
  languages: z.array(z.string().regex(/^[a-z]{2,3}$/)).min(1),
  failures: z.literal(0),
});
export type AccessibilityCheck = z.infer<typeof checkSchema>;

/** The committed record; undefined when it is missing or not a record of a passed run. */
export function readAccessibilityCheck(file: URL | string = CHECK_FILE): AccessibilityCheck | undefined {
  try {
    const parsed = checkSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A test of a run: the names of the suites it is in, outermost first, and how it ended. */
export interface RanTest {
  suites: readonly string[];
  state: string;
}

// The page suite (test/e2e/pageSuite.ts) nests each page in a suite per language: "in sq" > "<page>", and
// a municipality's pages in its own languages as "in tr, on prizren's pages" > "<page>".
const LANGUAGE_SUITE = /^in ([a-z]{2,3})(?:$|, on )/;

export type RunSummary = { ok: true; check: AccessibilityCheck } | { ok: false; why: string };

/**
 * The record of a run, or why there is none: only a whole run (every test file of the suite) in which
 * every test passed — none failed or skipped, no error outside a test — and which visited pages.
 */
export function summariseRun(
  tests: Iterable<RanTest>,
  run: { complete: boolean; unhandledErrors: number; day: string },
): RunSummary {
  if (!run.complete) return { ok: false, why: "not every test file of the suite ran" };
  if (run.unhandledErrors > 0) return { ok: false, why: "errors were thrown outside the tests" };
  let count = 0;
  const pages = new Set<string>();
  const languages = new Set<string>();
  for (const test of tests) {
    if (test.state !== "passed")
      return { ok: false, why: `a test ${test.state}: ${test.suites.join(" > ")}` };
    count++;
    const language = LANGUAGE_SUITE.exec(test.suites[0] ?? "")?.[1];
    if (language && test.suites[1] !== undefined) {
      languages.add(language);
      pages.add(test.suites[1]);
    }
  }
  if (pages.size === 0) return { ok: false, why: "no page was visited" };
  return {
    ok: true,
    check: {
      checkedAt: run.day,
      tests: count,
      pages: pages.size,
      languages: [...languages],
      failures: 0,
    },
  };
}
