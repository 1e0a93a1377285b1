import { describe, expect, it } from "vitest";
import { findPersonalData } from "./personalData.ts";

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
