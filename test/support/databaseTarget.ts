// Which database server the tests run against: PGlite by default; PostgreSQL with EKOMUNA_TEST_DB=postgres,
// on the server named by TEST_DATABASE_URL (a role that may create databases). No silent fallback: asking
// for PostgreSQL without naming one fails.

export function testDatabaseKind(): "pglite" | "postgres" {
  return process.env.EKOMUNA_TEST_DB === "postgres" ? "postgres" : "pglite";
}

export function testServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      "EKOMUNA_TEST_DB=postgres needs TEST_DATABASE_URL=postgres://user:password@host:port/database (a role allowed to create databases)",
    );
  }
  return url;
}

/** The server's URL pointing at another database on it (the maintenance database by default). */
export function adminUrl(database?: string): string {
  const url = new URL(testServerUrl());
  if (database) url.pathname = `/${database}`;
  return url.toString();
}

export function templateName(): string {
  return `ekomuna_template_${process.pid}`;
}
