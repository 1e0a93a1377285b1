import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  countPlan,
  decodeUpload,
  detectDelimiter,
  MAX_ROWS,
  type PlanContext,
  planRows,
  readStaffCsv,
  type StaffRow,
} from "./staffCsv.ts";

const HEADER = "name,email,role,department,language";

const rowsOf = (text: string) => {
  const read = readStaffCsv(text);
  if (!read.ok) throw new Error(`unreadable: ${JSON.stringify(read.problem)}`);
  return read;
};

describe("reading a staff list", () => {
  it("reads quoted fields with separators, doubled quotes and line breaks inside", () => {
    const { rows } = rowsOf(
      `${HEADER}\r\n"Gashi, Vjosa",vjosa@example.org,officer,public-services,sq\r\n` +
        `"Ana ""Ani"" Berisha",ana@example.org,officer,"public-\nservices",sr\r\n` +
        "Dren Hoxha,dren@example.org,municipal_admin,,en\r\n",
    );
    expect(rows.map((r) => [r.line, r.name, r.department])).toEqual([
      [2, "Gashi, Vjosa", "public-services"],
      [3, 'Ana "Ani" Berisha', "public-\nservices"],
      // The quoted line break moved the next record one line down.
      [5, "Dren Hoxha", ""],
    ]);
  });

  it("drops a byte-order mark, skips blank lines and trims every field", () => {
    const { rows } = rowsOf(
      `\uFEFF${HEADER}\n\n  Lule Krasniqi , lule@example.org ,officer,  urbanism,sq\n\n`,
    );
    expect(rows).toEqual([
      {
        line: 3,
        name: "Lule Krasniqi",
        email: "lule@example.org",
        role: "officer",
        department: "urbanism",
        language: "sq",
        extraFields: false,
      },
    ]);
  });

  it("takes semicolons or tabs when the header row uses them (spreadsheets in sq and sr; pasted cells)", () => {
    const semicolons = rowsOf(
      "name;email;role;department;language\nGashi, Vjosa;v@example.org;officer;a;sq\n",
    );
    expect(semicolons.delimiter).toBe(";");
    expect(semicolons.rows[0]!.name).toBe("Gashi, Vjosa");
    const tabs = rowsOf(
      "name\temail\trole\tdepartment\tlanguage\nVjosa; Gashi\tv@example.org\tofficer\ta\tsq\n",
    );
    expect(tabs.delimiter).toBe("\t");
    expect(tabs.rows[0]!.name).toBe("Vjosa; Gashi");
    expect(detectDelimiter('"a;b;c",d,e\n')).toBe(","); // separators inside quotes do not count
    expect(detectDelimiter("just one column\n")).toBe(",");
  });

  it("finds columns by name in any order, case and spelling of the separators between words", () => {
    const { rows } = rowsOf(
      "Language,E-mail,Department Code,ROLE,Name,Phone\nsr,m@example.org,urbanism,officer,Milica,044\n",
    );
    expect(rows[0]).toMatchObject({
      name: "Milica",
      email: "m@example.org",
      department: "urbanism",
      language: "sr",
    });
  });

  it("says what is wrong with a file it cannot read", () => {
    expect(readStaffCsv("")).toEqual({ ok: false, problem: { code: "empty" } });
    expect(readStaffCsv("\uFEFF \n")).toEqual({ ok: false, problem: { code: "empty" } });
    expect(readStaffCsv("name,email\nA,a@example.org\n")).toEqual({
      ok: false,
      problem: { code: "missing_columns", columns: ["role", "department", "language"] },
    });
    expect(readStaffCsv(`${HEADER}\n`)).toEqual({ ok: false, problem: { code: "no_rows" } });
    expect(readStaffCsv(`${HEADER}\nA,a@example.org,officer,x,sq\n"B,b@example.org,officer,x,sq\n`)).toEqual({
      ok: false,
      problem: { code: "unclosed_quote", line: 3 },
    });
    const many = `${HEADER}\n${"A,a@example.org,officer,x,sq\n".repeat(MAX_ROWS + 1)}`;
    expect(readStaffCsv(many)).toEqual({ ok: false, problem: { code: "too_many_rows" } });
    expect(readStaffCsv(`${HEADER}\n${"x".repeat(200_001)}`)).toEqual({
      ok: false,
      problem: { code: "too_large" },
    });
  });

  it("marks a row with more fields than the header (an unquoted separator) but not trailing empty ones", () => {
    const { rows } = rowsOf(
      `${HEADER}\nGashi, Vjosa,v@example.org,officer,a,sq\nB,b@example.org,officer,a,sq,,\n`,
    );
    expect(rows.map((r) => r.extraFields)).toEqual([true, false]);
  });

  it("refuses uploaded bytes that are not UTF-8 instead of guessing their encoding", () => {
    expect(decodeUpload(new TextEncoder().encode("Dardan Çeku"))).toEqual({ ok: true, text: "Dardan Çeku" });
    // "Ç" in Windows-1250, as an old spreadsheet saves it.
    expect(decodeUpload(Uint8Array.from([0x44, 0xc7, 0x65]))).toEqual({
      ok: false,
      problem: { code: "not_utf8" },
    });
  });

  it("reads back whatever a spreadsheet writes, quoted, for any text in the cells", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "ë", " ", ",", ";", "\t", '"', "\n", "\r\n", "x") });
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 5 }), (people) => {
        const lines = people.map(([name, role, dept]) =>
          [name, "p@example.org", role, dept, "sq"].map(quote).join(","),
        );
        const { rows } = rowsOf(`${HEADER}\r\n${lines.join("\r\n")}\r\n`);
        expect(rows.map((r) => [r.name, r.role, r.department])).toEqual(
          people.map(([n, r, d]) => [n.trim(), r.trim(), d.trim()]),
        );
      }),
    );
  });
});

describe("what importing each row would do", () => {
  const ctx: PlanContext = {
    departments: new Map([
      ["public-services", { id: 1 }],
      ["urbanism", { id: 2 }],
    ]),
    accounts: new Map([
      ["arta@example.org", { id: "u-arta", name: "Arta", language: "sq", holds: new Set(["officer:1"]) }],
    ]),
  };
  const row = (line: number, fields: Partial<StaffRow>): StaffRow => ({
    line,
    name: "Someone",
    email: `p${line}@example.org`,
    role: "officer",
    department: "urbanism",
    language: "sq",
    extraFields: false,
    ...fields,
  });
  const codes = (rows: StaffRow[]) =>
    planRows(rows, ctx).map((r) => r.problems.map((p) => `${p.field}:${p.code}`));

  it("invites a new address and an existing account to a role it lacks, and leaves a role it holds", () => {
    const planned = planRows(
      [
        row(2, { email: "new@example.org", role: "Department head", department: "Public-Services" }),
        row(3, { email: "Arta@Example.org", role: "officer", department: "urbanism", language: "SR" }),
        row(4, { email: "arta.2@example.org", role: "participation-coordinator", department: "" }),
      ],
      ctx,
    );
    expect(planned.map((r) => r.plan?.outcome)).toEqual(["invite", "invite_account", "invite"]);
    expect(planned[0]!.plan).toMatchObject({ role: "department_head", departmentId: 1, language: "sq" });
    expect(planned[1]!.plan).toMatchObject({
      role: "officer",
      departmentId: 2,
      language: "sr",
      account: { id: "u-arta" },
    });
    expect(planned[2]!.plan).toMatchObject({ role: "participation_coordinator", departmentId: null });
    const held = planRows([row(5, { email: "ARTA@example.org", department: "public-services" })], ctx);
    expect(held[0]!.plan?.outcome).toBe("unchanged");
  });

  it("lists every problem of a row at its field", () => {
    expect(
      codes([
        row(2, { name: "", email: "not-an-address", role: "boss", language: "de" }),
        row(3, { email: "" }),
        row(4, { name: "x".repeat(201) }),
        row(5, { role: "officer", department: "" }),
        row(6, { role: "municipal_admin", department: "urbanism" }),
        row(7, { department: "roads" }),
        row(8, { role: "ministry_monitor", department: "" }),
        row(9, { extraFields: true }),
        row(10, { language: "tr" }),
      ]),
    ).toEqual([
      ["name:name_required", "email:email_invalid", "role:role_unknown", "language:language_invalid"],
      ["email:email_required"],
      ["name:name_too_long"],
      ["department:department_required"],
      ["department:department_not_allowed"],
      ["department:department_unknown"],
      ["role:role_unknown"], // a national role is never the municipality's to give
      ["row:extra_fields"],
      // As the message says (sq, sr or en): an account's language, which Turkish is not (a page language).
      ["language:language_invalid"],
    ]);
  });

  it("refuses a second row for the same address, naming the first", () => {
    const planned = planRows(
      [
        row(2, { email: "dup@example.org" }),
        row(3, {}),
        row(4, { email: "DUP@example.org", role: "officer" }),
      ],
      ctx,
    );
    expect(planned[2]!.problems).toEqual([{ field: "email", code: "duplicate", firstLine: 2 }]);
    expect(planned[2]!.plan).toBeUndefined();
    expect(countPlan(planned)).toEqual({ rows: 3, invite: 2, invite_account: 0, unchanged: 0, problems: 1 });
  });
});
