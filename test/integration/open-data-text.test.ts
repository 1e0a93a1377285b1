// The open-data case export has PostgreSQL write its CSV lines and JSON objects (caseExport.ts): each rule
// written in SQL must give, byte for byte, what the Node writers give for the same value — csvLine's
// quoting and formula guard, JSON.stringify's escapes and numbers, coarsen's rounding.
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coarsen } from "../../src/cases/geo.ts";
import { csvLine } from "../../src/kernel/csv.ts";
import { anyRiskySql, coarsenSql, csvCellSql } from "../../src/opendata/caseExport.ts";
import { createTestDatabase, type TestDatabase } from "../support/platform.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

/**
 * Runs `expression` over `a.v` (each value, sent as a JSON array's element) and `j` (a row built from it,
 * where `row` is given), and answers the texts in order.
 */
async function inSql(
  values: readonly (string | number)[],
  expression: string,
  row = "select 1",
): Promise<string[]> {
  const result = (await t.database.db.execute(sql`
    select '<' || ${sql.raw(expression)} as out
    from json_array_elements_text(${JSON.stringify(values)}::json) with ordinality as a(v, i)
      cross join lateral (${sql.raw(row)}) j
    order by i`)) as unknown as { rows: { out: string }[] };
  // The "<" keeps a leading U+FEFF from the driver, which drops it as a byte order mark (PGlite decodes
  // with TextDecoder); an export's text never starts with a value.
  return result.rows.map((r) => r.out.slice(1));
}

/** What a spreadsheet or a CSV reader might trip over, beside any character a text can hold. */
const RISKY = fc.constantFrom(
  '"',
  ",",
  "\r",
  "\n",
  "=",
  "+",
  "-",
  "@",
  "\t",
  " ",
  "1",
  "(",
  ")",
  ".",
  "'",
  "\\",
  "\u000b",
  "\u001f",
  "\u007f",
  "\u00a0",
  "\u2028",
  "\u3000",
  "\ufeff",
  "ë",
  "😀",
);
// PostgreSQL text holds neither NUL nor a lone surrogate; nothing the platform stores does either.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const storable = (s: string) => !s.includes("\u0000") && !LONE_SURROGATE.test(s);
const TEXT = fc
  .string({ unit: fc.oneof(RISKY, fc.string({ unit: "binary", minLength: 1, maxLength: 1 })), maxLength: 12 })
  .filter(storable);

describe("the text PostgreSQL writes for the open data", () => {
  it("quotes and guards a CSV cell as csvLine does", async () => {
    const fixed = ["", "=1+2", "+383 44 123 456", "-21.166", "- 1", "@x", '"', "a,b", "+\u00a01", "=\r\n"];
    await fc.assert(
      fc.asyncProperty(fc.array(TEXT, { maxLength: 40 }), async (texts) => {
        const all = [...fixed, ...texts];
        expect(await inSql(all, csvCellSql("a.v"))).toEqual(all.map((s) => csvLine([s]).slice(0, -2)));
      }),
      { numRuns: 60 },
    );
    expect(await inSql(["x"], csvCellSql("null::text"))).toEqual([""]);
  });

  it("sends a row's codes the exact way whenever csvLine would change one of them", async () => {
    const plain = [
      "PRI-2026-000001",
      "mitrovice-e-jugut",
      "issue_report",
      "public-lighting",
      "web",
      "in_progress",
    ];
    const risky = (place: "alone" | "after" | "before") =>
      anyRiskySql(
        place === "alone" ? ["a.v"] : place === "after" ? ["'ok'", "null", "a.v"] : ["a.v", "'ok'"],
      );
    // The codes the platform makes take the quick way: it is the point of the test.
    expect(await inSql(plain, `(${risky("after")})::text`)).toEqual(plain.map(() => "false"));
    await fc.assert(
      fc.asyncProperty(fc.array(TEXT, { maxLength: 40 }), async (texts) => {
        const changed = texts.map((s) => csvLine([s]) !== `${s}\r\n`);
        for (const place of ["alone", "after", "before"] as const) {
          const flagged = await inSql(texts, `(${risky(place)})::text`);
          texts.forEach((s, i) => {
            if (changed[i]) expect(flagged[i], `${place}: ${JSON.stringify(s)}`).toBe("true");
          });
        }
      }),
      { numRuns: 40 },
    );
  });

  it("writes a text in JSON as JSON.stringify does", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(TEXT, { maxLength: 40 }), async (texts) => {
        const objects = await inSql(texts, "row_to_json(j)::text", "select a.v as public_answer");
        expect(objects).toEqual(texts.map((s) => JSON.stringify({ public_answer: s })));
      }),
      { numRuns: 60 },
    );
  });

  it("rounds a coordinate as coarsen does and prints it as JavaScript does, in CSV and JSON", async () => {
    const halves = fc.integer({ min: -180_000, max: 180_000 }).map((k) => (k + 0.5) / 1000);
    const coordinate = fc.oneof(
      fc.double({ min: -180, max: 180, noNaN: true }),
      fc.double({ min: -0.002, max: 0.002, noNaN: true }),
      halves,
    );
    await fc.assert(
      fc.asyncProperty(fc.array(coordinate, { minLength: 1, maxLength: 50 }), async (xs) => {
        const rounded = coarsenSql("a.v::float8");
        expect(await inSql(xs, `(${rounded})::text`)).toEqual(xs.map((x) => String(coarsen(x))));
        expect(await inSql(xs, "row_to_json(j)::text", `select ${rounded} as latitude`)).toEqual(
          xs.map((x) => JSON.stringify({ latitude: coarsen(x) })),
        );
      }),
      { numRuns: 60 },
    );
  });
});
