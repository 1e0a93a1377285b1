// A vitest reporter for the browser suite: when a whole run has passed, it writes the record the
// accessibility statement shows (src/guidance/accessibility-check.json: the day, the tests, the pages and
// languages the page suite visited). A run of some files only, with a test filter, a failure or a skipped
// test writes nothing, so the statement never claims a check that did not fully pass. The lead commits the
// refreshed file.
import { writeFileSync } from "node:fs";
import type { Reporter, TestCase, TestModule, TestRunEndReason, Vitest } from "vitest/node";
import {
  type AccessibilityCheck,
  CHECK_FILE,
  type RanTest,
  summariseRun,
} from "../../src/guidance/accessibilityCheck.ts";

/** The names of the suites a test is in, outermost first. */
function suitesOf(test: TestCase): string[] {
  const names: string[] = [];
  for (let parent = test.parent; parent.type === "suite"; parent = parent.parent) names.unshift(parent.name);
  return names;
}

/** The record as Biome formats JSON (short arrays on one line), so the committed file passes `biome check`. */
function formatted(check: AccessibilityCheck): string {
  const lines = Object.entries(check).map(
    ([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v).replace(/","/g, '", "')}`,
  );
  return `{\n${lines.join(",\n")}\n}\n`;
}

export default class AccessibilityRecord implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest) {
    this.vitest = vitest;
  }

  async onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown>,
    reason: TestRunEndReason,
  ) {
    if (reason !== "passed" || !this.vitest) return;
    // Every file of the suite, not only those this run was asked for.
    const all = await this.vitest.globTestSpecifications();
    const ran = new Set(modules.map((m) => m.moduleId));
    const tests: RanTest[] = modules.flatMap((m) =>
      [...m.children.allTests()].map((t) => ({ suites: suitesOf(t), state: t.result().state })),
    );
    const summary = summariseRun(tests, {
      complete: all.length > 0 && all.every((s) => ran.has(s.moduleId)),
      unhandledErrors: unhandledErrors.length,
      day: new Date().toISOString().slice(0, 10),
    });
    if (!summary.ok) {
      this.vitest.logger.log(`Accessibility record not written: ${summary.why}.`);
      return;
    }
    writeFileSync(CHECK_FILE, formatted(summary.check));
    this.vitest.logger.log(
      `Accessibility record written: ${summary.check.pages} pages in ${summary.check.languages.join(", ")}, ${summary.check.tests} tests.`,
    );
  }
}
