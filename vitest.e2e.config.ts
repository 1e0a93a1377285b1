import { defineConfig } from "vitest/config";

// npm run test:e2e: the browser suite (test/e2e), on Chromium through playwright-core, against the app
// started in-process on PGlite. One browser at a time: files run one after another.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
