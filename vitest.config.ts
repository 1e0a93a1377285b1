import { defineConfig } from "vitest/config";

// npm test: every unit and integration test, on PGlite. npm run test:pg: the same on a PostgreSQL server
// (EKOMUNA_TEST_DB=postgres, TEST_DATABASE_URL). The browser suite has its own config (vitest.e2e.config.ts).
export default defineConfig({
  test: {
    include: ["src/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
    exclude: ["test/e2e/**", "node_modules/**"],
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Each worker imports the app once and runs its files one after another, instead of a new process
    // importing everything for every file: 40 % less CPU for the same tests (docs/PERFORMANCE.md, CI).
    // A test file must therefore leave no global state behind that another relies on being fresh.
    isolate: false,
  },
});
