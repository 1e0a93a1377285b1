import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findName, findPersonalData, REDACTION_MARKER, redactPersonalData } from "./personalData.ts";

const kinds = (text: string) => findPersonalData(text).map((f) => [f.kind, f.match]);

describe("the personal data check", () => {
  it("flags email addresses, also with letters beyond ASCII", () => {
    expect(kinds("Më shkruani te arta.krasniqi@example.org ju lutem")).toEqual([
      ["email", "arta.krasniqi@example.org"],
    ]);
    expect(kinds("pišite na đorđe@primer.rs")).toEqual([["email", "đorđe@primer.rs"]]);
  });

  it("flags Kosovo phone numbers as people write them", () => {
    for (const phone of [
      "+383 44 123 456",
      "+38344123456",
      "00383 49 123 456",
      "044 123 456",
      "044-123-456",
      "049/123/456",
      "038 512 345",
      "+377 44 123 456",
      "+386 49 123 456",
      "+383 (0) 44 123 456",
    ]) {
      expect(kinds(`Më thirrni në ${phone}, faleminderit`), phone).toEqual([["phone", phone]]);
    }
  });

  it("flags a ten-digit personal number", () => {
    expect(kinds("Numri personal 1234567890 është i imi")).toEqual([["personal_number", "1234567890"]]);
  });

  it("leaves ordinary text, dates, tracking codes, house numbers and amounts alone", () => {
    for (const text of [
      "Gropë e thellë para shkollës, rreth 40 cm.",
      "Rruga B 12, hyrja 3, kati 4",
      "Që nga 12.05.2026 ora 14:30",
      "Rasti PRI-2026-000123",
      "Kushton 1 250 000 euro",
      "ndriçimi publik në lagjen Dardania",
      "Numri 12345678901 (11 shifra)",
    ]) {
      expect(kinds(text), text).toEqual([]);
    }
  });

  it("reports every finding in order of appearance", () => {
    const found = findPersonalData("a@b.org, 044 123 456 dhe 1234567890");
    expect(found.map((f) => f.kind)).toEqual(["email", "phone", "personal_number"]);
    expect(found.map((f) => f.index)).toEqual([0, 9, 25]);
  });
});

describe("finding a person's name", () => {
  it("finds the whole name in any case and spacing, as words of their own, letters beyond ASCII too", () => {
    const names = (text: string, name: string | null) => findName(text, name).map((f) => [f.index, f.match]);
    expect(names("I nderuar ARTA  krasniqi, faleminderit. Arta Krasniqi", "Arta Krasniqi")).toEqual([
      [10, "ARTA  krasniqi"],
      [40, "Arta Krasniqi"],
    ]);
    expect(names("Poštovani ĐORĐE Ćosić,", " Đorđe  Ćosić ")).toEqual([[10, "ĐORĐE Ćosić"]]);
    // Part of a longer word, only one of the names, or a name too short to tell from words: nothing.
    expect(names("Artana Krasniqi; Arta; Krasniqi", "Arta Krasniqi")).toEqual([]);
    expect(names("Al ka ardhur", "Al")).toEqual([]);
    expect(names("(a.b) [x]", "a.b")).toEqual([[1, "a.b"]]);
    expect(names("anything", null)).toEqual([]);
  });
});

describe("removing personal data from public text", () => {
  it("replaces each email, phone number and personal number with the marker, and nothing else", () => {
    expect(redactPersonalData("Shkruani te arta.krasniqi@example.org ose thirrni +383 44 123 456.")).toBe(
      `Shkruani te ${REDACTION_MARKER} ose thirrni ${REDACTION_MARKER}.`,
    );
    expect(redactPersonalData("pišite na đorđe@primer.rs, broj 1234567890, tel 049/123/456")).toBe(
      `pišite na ${REDACTION_MARKER}, broj ${REDACTION_MARKER}, tel ${REDACTION_MARKER}`,
    );
  });

  it("leaves ordinary text as it is, the same string", () => {
    for (const text of ["Rruga B 12, hyrja 3", "Që nga 12.05.2026 ora 14:30", "Rasti PRI-2026-000123", ""]) {
      expect(redactPersonalData(text)).toBe(text);
    }
  });

  it("removes a number that another one hid until it was removed", () => {
    // The digit before "+" keeps the second number from being found while the first is there.
    const text = "0441234567+38344123456";
    expect(findPersonalData(text)).toHaveLength(1);
    expect(redactPersonalData(text)).toBe(`${REDACTION_MARKER}${REDACTION_MARKER}`);
  });

  it("finds an email whose first characters follow another address", () => {
    expect(redactPersonalData("a@b.com.c@d.org")).not.toMatch(/@/);
  });

  it("reads a long word with an @ in time linear in its length", () => {
    // Tried from every letter, the email pattern took about 70 ms on this; from the start of the run, 1.
    const word = `${"a".repeat(50_000)}@`;
    const started = performance.now();
    expect(redactPersonalData(word)).toBe(word);
    expect(performance.now() - started).toBeLessThan(200);
  });

  // Text made of what the patterns look for (digits, separators, "@", dots, prefixes) and of real personal
  // data written the ways people write it, so that near misses and neighbours are common.
  const pieces = fc.oneof(
    fc.constantFrom(
      "0",
      "4",
      "44",
      "123",
      "+",
      "+383",
      "00383",
      "(0)",
      " ",
      ".",
      "-",
      "/",
      "@",
      "a",
      "ë",
      "đ",
      ".org",
      "\n",
      REDACTION_MARKER,
    ),
    fc.constantFrom(
      "arta.krasniqi@example.org",
      "đorđe@primer.rs",
      "+383 44 123 456",
      "044-123-456",
      "049/123/456",
      "+383 (0) 44 123 456",
      "00377 44 123 456",
      "1234567890",
    ),
    fc.stringMatching(/^[0-9]{1,11}$/),
    fc.string({ maxLength: 6, unit: "grapheme" }),
  );
  const texts = fc.array(pieces, { maxLength: 30 }).map((parts) => parts.join(""));

  it("leaves nothing the check would flag (property)", () => {
    fc.assert(
      fc.property(texts, (text) => {
        expect(findPersonalData(redactPersonalData(text))).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it("changes no text the check finds nothing in (property)", () => {
    fc.assert(
      fc.property(fc.oneof(texts, fc.string({ unit: "grapheme" })), (text) => {
        fc.pre(findPersonalData(text).length === 0);
        expect(redactPersonalData(text)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});
