// Data tables as a CSV download: the statistics pages' (one table) and the reports' (one or several).
import type { FastifyReply } from "fastify";
import { csvLine } from "../../kernel/csv.ts";
import type { DataTable } from "./statsPages.tsx";

/**
 * Tables as one CSV file: stable snake_case headers (the first table's: several tables in one file have the
 * same columns), plain numbers, "<5" where a small count is suppressed, then every table's rows.
 */
export function sendCsv(reply: FastifyReply, filename: string, tables: DataTable | readonly DataTable[]) {
  const list: readonly DataTable[] = Array.isArray(tables) ? tables : [tables as DataTable];
  const head = csvLine((list[0]?.columns ?? []).map((c) => c.key));
  const lines = list.flatMap((table) => table.rows.map((row) => csvLine(row.map((c) => c.raw))));
  // The byte order mark tells spreadsheets the file is UTF-8 (ë, ç, š, ž).
  const body = `\uFEFF${head}${lines.join("")}`;
  return (
    reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="${filename}"`)
      .header("cache-control", "no-store")
      // As bytes, not a string: the page cache keeps only strings, and would give a kept CSV back without its
      // Content-Disposition (a download would open as text, nameless).
      .send(Buffer.from(body, "utf8"))
  );
}
