// RFC 4180 CSV: a small reader for the reference data the project ships (quoted fields, doubled quotes),
// and the one line writer every CSV download uses (inbox, statistics, open data, consultation reports).

/** Parses CSV text with a header row into records keyed by the header names. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows.filter((r) => r.length > 1 || r[0] !== "");
  if (!header) return [];
  return body.map((r, n) => {
    if (r.length !== header.length) {
      throw new Error(`CSV row ${n + 2} has ${r.length} fields, the header has ${header.length}`);
    }
    return Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""]));
  });
}

/**
 * One CSV line (RFC 4180, CRLF). A cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR at
 * its start: titles are typed by the public) is kept as text with a leading apostrophe; a phone number or
 * a signed number ("+383 44 123 456") can call nothing and stays as it is.
 */
export function csvLine(cells: readonly (string | null | undefined)[]): string {
  return `${cells
    .map((cell) => {
      let s = cell ?? "";
      if (/^[=+\-@\t\r]/.test(s) && !/^[+-]?[\d\s().-]+$/.test(s)) s = `'${s}`;
      return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    })
    .join(",")}\r\n`;
}
