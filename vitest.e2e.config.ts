import { defineConfig } from "vitest/config";

// npm run test:e2e: the browser suite (test/e2e), on Chromium through playwright-core, against the app
// started in-process on PGlite. Each file starts its own app and browser; two files run side by side
// (a page check mostly waits on one Chromium renderer, so two keep both cores busy).
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default", "./test/e2e/a11yRecord.ts"],
  },
});
