// Records to CSV and JSON text, a batch at a time, as a stream: the header (or "[") first, each batch as it
// comes, and the end only after the last one, so the file is valid only when it is whole.
import { Readable } from "node:stream";
import { csvLine } from "../kernel/csv.ts";

type Cell = string | number | boolean | null;

/** What csvLine would change in a text cell: a formula's first character, or a character to quote. */
const RISKY = /^[=+\-@\t\r]|[",\r\n]/;

/**
 * A cell as CSV text: empty for null, "true"/"false" for booleans (Table Schema's default true/false values),
 * numbers as JavaScript writes them, text by csvLine's rules — asked of csvLine itself only for the texts
 * that need it, so that a million rows do not each build and join arrays.
 */
function csvCell(v: Cell | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v !== "string") return String(v);
  return RISKY.test(v) ? csvLine([v]).slice(0, -2) : v;
}

/**
 * CSV (RFC 4180, CRLF, UTF-8 without a byte order mark: programs read it as it is, and spreadsheets import
 * it as UTF-8). A text cell that a spreadsheet would run as a formula gets a leading apostrophe (csvLine).
 */
export async function* csvText(
  fields: readonly string[],
  batches: AsyncIterable<readonly object[]>,
): AsyncGenerator<string> {
  yield csvLine(fields);
  for await (const rows of batches) {
    let chunk = "";
    for (const row of rows) {
      const cells = row as Record<string, Cell>;
      let line = csvCell(cells[fields[0]!]);
      for (let i = 1; i < fields.length; i++) line += `,${csvCell(cells[fields[i]!])}`;
      chunk += `${line}\r\n`;
    }
    yield chunk;
  }
}

/** One JSON array of objects (the fields in the given order), written element by element. */
export async function* jsonText(
  fields: readonly string[],
  batches: AsyncIterable<readonly object[]>,
): AsyncGenerator<string> {
  let first = true;
  yield "[";
  for await (const rows of batches) {
    let chunk = "";
    for (const row of rows) {
      const ordered: Record<string, Cell> = {};
      for (const f of fields) ordered[f] = (row as Record<string, Cell>)[f] ?? null;
      chunk += `${first ? "\n" : ",\n"}${JSON.stringify(ordered)}`;
      first = false;
    }
    if (chunk) yield chunk;
  }
  yield "\n]\n";
}

/** CSV whose lines come written (caseExport.ts has PostgreSQL write them): the header, then each chunk. */
export async function* csvLines(
  fields: readonly string[],
  chunks: AsyncIterable<string>,
): AsyncGenerator<string> {
  yield csvLine(fields);
  yield* chunks;
}

/**
 * One JSON array from chunks of written objects, each object after ",\n" (caseExport.ts): the same text as
 * jsonText's, the first object's comma dropped.
 */
export async function* jsonElements(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let first = true;
  yield "[";
  for await (const chunk of chunks) {
    yield first ? chunk.slice(1) : chunk;
    first = false;
  }
  yield "\n]\n";
}

/**
 * A readable stream of text chunks. At most two chunks wait for a slow reader; destroying the stream (Fastify
 * does when the client goes away) ends the generator, and with it the queries.
 */
export function textStream(chunks: AsyncIterable<string>): Readable {
  return Readable.from(chunks, { objectMode: true, highWaterMark: 2 });
}
