import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv.ts";

describe("parseCsv", () => {
  it("reads records keyed by the header", () => {
    expect(parseCsv("a,b\n1,2\n3,4\n")).toEqual([
      { a: "1", b: "2" },
      { a: "3", b: "4" },
    ]);
  });

  it("keeps commas, quotes and line breaks inside quoted fields", () => {
    expect(parseCsv('name,notes\r\n"Hani i Elezit","says ""hi"", then\nleaves"\r\n')).toEqual([
      { name: "Hani i Elezit", notes: 'says "hi", then\nleaves' },
    ]);
  });

  it("keeps empty trailing fields", () => {
    expect(parseCsv("slug,notes\ndecan,\n")).toEqual([{ slug: "decan", notes: "" }]);
  });

  it("refuses a row with the wrong number of fields, naming the row", () => {
    expect(() => parseCsv("a,b\n1,2\n3\n")).toThrow(/row 3/);
  });
});
