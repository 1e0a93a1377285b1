// Staff lists as CSV (issue 9): reading what a municipality sends — a file saved from a spreadsheet or text
// pasted from one — and deciding, row by row, what importing it would do. Pure: the caller loads the
// municipality's departments and the accounts the file names (importStaff.ts).
//
// The file: a header row naming the columns (name, email, role, department, language, in any order; other
// columns are ignored), then one row per person. The separator is whichever of comma, semicolon and tab the
// header row uses most: spreadsheets in Albanian and Serbian locales save CSV with semicolons (the comma is
// their decimal mark), and text pasted from a spreadsheet is separated by tabs. Fields may be quoted
// ("Gashi, Vjosa"), with a doubled quote for a quote; a byte-order mark at the start is dropped.
import { z } from "zod";
import { ROLE_SCOPE } from "../access/roles.ts";
import { LANGUAGES, type Language } from "../kernel/i18n.ts";
import { characterCount } from "../web/textField.ts";

/** The roles a municipality's staff list may give: the municipal ones (national roles are the operator's). */
export const IMPORT_ROLES = [
  "department_head",
  "officer",
  "participation_coordinator",
  "municipal_admin",
] as const;
export type ImportRole = (typeof IMPORT_ROLES)[number];

/** The columns a staff list must have, in the order the preview shows them. */
export const COLUMNS = ["name", "email", "role", "department", "language"] as const;
export type Column = (typeof COLUMNS)[number];

/** A municipality's staff is a few hundred people at most; Prishtinë, the largest, has under 1,000. */
export const MAX_ROWS = 1000;
/** Also what a re-posted preview must fit in: the form body limit is 1 MB, and encoding can triple text. */
export const MAX_CHARACTERS = 200_000;

export type Delimiter = "," | ";" | "\t";

/** Why a whole file cannot be read (nothing about its rows is said then). */
export type FileProblem =
  | { code: "empty" }
  | { code: "too_large" }
  | { code: "not_utf8" }
  | { code: "unclosed_quote"; line: number }
  | { code: "missing_columns"; columns: Column[] }
  | { code: "no_rows" }
  | { code: "too_many_rows" };

/** One person's row as written (trimmed), with the line of the file it starts on. */
export interface StaffRow {
  line: number;
  name: string;
  email: string;
  role: string;
  department: string;
  language: string;
  /** More fields than the header has, not empty: a separator inside an unquoted field, most likely. */
  extraFields: boolean;
}

export type ReadResult =
  | { ok: true; rows: StaffRow[]; delimiter: Delimiter }
  | { ok: false; problem: FileProblem };

/** Text from uploaded bytes: UTF-8 only (a spreadsheet's "CSV UTF-8"); anything else is refused, not guessed. */
export function decodeUpload(
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; problem: FileProblem } {
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, problem: { code: "not_utf8" } };
  }
}

/** The separator the first line uses most (outside quotes); a comma when it uses none. */
export function detectDelimiter(text: string): Delimiter {
  const counts: Record<Delimiter, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === "\n" || c === "\r")) break;
    else if (!quoted && (c === "," || c === ";" || c === "\t")) counts[c]++;
  }
  let best: Delimiter = ",";
  for (const d of [";", "\t"] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

/**
 * The records of CSV text with their starting line; records with nothing in them (blank lines) are left
 * out. A quote opens a quoted field only at the start of a field, as spreadsheets write them; elsewhere it
 * is an ordinary character.
 */
export function splitCsv(
  text: string,
  delimiter: Delimiter,
): { ok: true; records: { line: number; cells: string[] }[] } | { ok: false; line: number } {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let field = "";
  let quoted = false;
  let fieldStarted = false; // whether anything but spaces has been read into the field
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  const endRecord = () => {
    cells.push(field);
    if (cells.some((c) => c.trim() !== "")) records.push({ line: recordLine, cells });
    cells = [];
    field = "";
    fieldStarted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) line++;
        field += c;
      }
    } else if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      quoteLine = line;
      field = ""; // spaces before the opening quote are not part of the value
    } else if (c === delimiter) {
      cells.push(field);
      field = "";
      fieldStarted = false;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
      if (c !== " ") fieldStarted = true;
    }
  }
  if (quoted) return { ok: false, line: quoteLine };
  if (field !== "" || cells.length > 0) endRecord();
  return { ok: true, records };
}

/** A header name as people write it: any case, spaces or dashes for underscores. */
const headerKey = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
const HEADER_ALIASES: Record<string, Column> = {
  name: "name",
  email: "email",
  e_mail: "email",
  role: "role",
  department: "department",
  department_code: "department",
  language: "language",
};

/** Reads a staff list: the file's problem, or its rows with every field trimmed (not yet checked). */
export function readStaffCsv(input: string): ReadResult {
  const text = input.startsWith("\uFEFF") ? input.slice(1) : input;
  if (characterCount(text) > MAX_CHARACTERS) return { ok: false, problem: { code: "too_large" } };
  if (text.trim() === "") return { ok: false, problem: { code: "empty" } };
  const delimiter = detectDelimiter(text);
  const split = splitCsv(text, delimiter);
  if (!split.ok) return { ok: false, problem: { code: "unclosed_quote", line: split.line } };
  const [header, ...body] = split.records;
  if (!header) return { ok: false, problem: { code: "empty" } };
  const at = new Map<Column, number>();
  header.cells.forEach((h, i) => {
    const column = HEADER_ALIASES[headerKey(h)];
    if (column && !at.has(column)) at.set(column, i);
  });
  const missing = COLUMNS.filter((c) => !at.has(c));
  if (missing.length > 0) return { ok: false, problem: { code: "missing_columns", columns: missing } };
  if (body.length === 0) return { ok: false, problem: { code: "no_rows" } };
  if (body.length > MAX_ROWS) return { ok: false, problem: { code: "too_many_rows" } };
  const cell = (cells: string[], column: Column) => (cells[at.get(column)!] ?? "").trim();
  const rows = body.map(({ line, cells }) => ({
    line,
    name: cell(cells, "name"),
    email: cell(cells, "email"),
    role: cell(cells, "role"),
    department: cell(cells, "department"),
    language: cell(cells, "language"),
    extraFields: cells.slice(header.cells.length).some((c) => c.trim() !== ""),
  }));
  return { ok: true, rows, delimiter };
}

// ── What importing each row would do.

/** A problem of one row, at the field it is about ("row": the row as a whole). */
export type RowProblem =
  | { field: "row"; code: "extra_fields" }
  | { field: "name"; code: "name_required" | "name_too_long" }
  | { field: "email"; code: "email_required" | "email_invalid" }
  | { field: "email"; code: "duplicate"; firstLine: number }
  | { field: "role"; code: "role_unknown" }
  | { field: "department"; code: "department_required" | "department_not_allowed" | "department_unknown" }
  | { field: "language"; code: "language_invalid" };

/**
 * What importing a row does: an invitation to an address without an account (the person creates it from
 * the emailed link), an invitation to an existing account (its owner accepts it signed in, and has the role
 * from then on), or nothing when it holds the role already. A list never gives a role by itself: whoever is
 * named in it says yes first, as anyone invited one by one does.
 */
export type Outcome = "invite" | "invite_account" | "unchanged";

export interface PlannedRow extends StaffRow {
  problems: RowProblem[];
  /** Set when the row has no problem. */
  plan?: {
    outcome: Outcome;
    role: ImportRole;
    departmentId: number | null;
    language: Language;
    /** The existing account (outcomes invite_account and unchanged). */
    account?: { id: string; name: string; language: string };
  };
}

export interface PlanContext {
  /** The municipality's departments by code. */
  departments: ReadonlyMap<string, { id: number }>;
  /**
   * The live accounts of the addresses in the file, by lower-case address, with the roles each holds in
   * this municipality as `role:departmentId` (`role:` for a role without a department).
   */
  accounts: ReadonlyMap<string, { id: string; name: string; language: string; holds: ReadonlySet<string> }>;
}

export const holdingKey = (role: string, departmentId: number | null) => `${role}:${departmentId ?? ""}`;

const emailSchema = z.email();
/**
 * A language an account may have: those offered everywhere (sq, sr, en), as on the staff page's invitation
 * and the account page. Turkish and Bosnian are a municipality's page languages, not an account's.
 */
const isAccountLanguage = (s: string): s is Language => (LANGUAGES as readonly string[]).includes(s);
/** A role as people write it: "Department head", "department-head" and "department_head" alike. */
const roleOf = (s: string): ImportRole | undefined => {
  const key = headerKey(s);
  return IMPORT_ROLES.find((r) => r === key);
};

/** Checks every row and decides what importing it does; every problem of a row is listed, not the first. */
export function planRows(rows: readonly StaffRow[], ctx: PlanContext): PlannedRow[] {
  const firstLineOf = new Map<string, number>();
  return rows.map((row) => {
    const problems: RowProblem[] = [];
    if (row.extraFields) problems.push({ field: "row", code: "extra_fields" });
    if (row.name === "") problems.push({ field: "name", code: "name_required" });
    else if (characterCount(row.name) > 200) problems.push({ field: "name", code: "name_too_long" });

    const email = row.email.toLowerCase();
    if (row.email === "") problems.push({ field: "email", code: "email_required" });
    else if (row.email.length > 254 || !emailSchema.safeParse(row.email).success)
      problems.push({ field: "email", code: "email_invalid" });
    else {
      // One row per person: a second row for an address is refused rather than sending two invitations.
      const first = firstLineOf.get(email);
      if (first !== undefined) problems.push({ field: "email", code: "duplicate", firstLine: first });
      else firstLineOf.set(email, row.line);
    }

    const role = roleOf(row.role);
    if (!role) problems.push({ field: "role", code: "role_unknown" });
    const code = row.department.toLowerCase();
    const department = code === "" ? undefined : ctx.departments.get(code);
    if (role && ROLE_SCOPE[role] === "department" && code === "")
      problems.push({ field: "department", code: "department_required" });
    else if (role && ROLE_SCOPE[role] !== "department" && code !== "")
      problems.push({ field: "department", code: "department_not_allowed" });
    else if (code !== "" && !department) problems.push({ field: "department", code: "department_unknown" });

    const language = row.language.toLowerCase();
    if (!isAccountLanguage(language)) problems.push({ field: "language", code: "language_invalid" });

    if (problems.length > 0 || !role || !isAccountLanguage(language)) return { ...row, problems };
    const departmentId = department?.id ?? null;
    const account = ctx.accounts.get(email);
    const outcome: Outcome = !account
      ? "invite"
      : account.holds.has(holdingKey(role, departmentId))
        ? "unchanged"
        : "invite_account";
    return {
      ...row,
      problems,
      plan: {
        outcome,
        role,
        departmentId,
        language,
        ...(account ? { account: { id: account.id, name: account.name, language: account.language } } : {}),
      },
    };
  });
}

/** How many rows do what, and how many have problems. */
export function countPlan(rows: readonly PlannedRow[]) {
  const counts = { rows: rows.length, invite: 0, invite_account: 0, unchanged: 0, problems: 0 };
  for (const r of rows) {
    if (r.plan) counts[r.plan.outcome]++;
    else counts.problems++;
  }
  return counts;
}
