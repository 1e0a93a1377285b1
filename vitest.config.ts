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
  },
});
