import { describe, expect, it } from "vitest";
import { checkChange, parseAppliesTo, parseValues, removeForm } from "./forms.ts";
import { checkAppliesFrom, sameState } from "./model.ts";

describe("the day a change applies from", () => {
  const today = "2026-11-26";
  it("is today when left empty, and a later day as typed", () => {
    expect(checkAppliesFrom("", today)).toEqual({ ok: true, date: today });
    expect(checkAppliesFrom(" 2026-12-01 ", today)).toEqual({ ok: true, date: "2026-12-01" });
  });
  it("refuses a past day, a day that does not exist and one more than three years ahead", () => {
    expect(checkAppliesFrom("2026-11-25", today)).toEqual({ ok: false, problem: "past" });
    expect(checkAppliesFrom("2026-02-30", today)).toEqual({ ok: false, problem: "format" });
    expect(checkAppliesFrom("1.12.2026", today)).toEqual({ ok: false, problem: "format" });
    expect(checkAppliesFrom("2030-01-01", today)).toEqual({ ok: false, problem: "too_far" });
  });
  it("comes back with the form's other problems at once", () => {
    const result = checkChange(removeForm, { reason: " ", appliesFrom: "2020-01-01" }, today);
    expect(result).toEqual({
      ok: false,
      errors: {
        reason: "standards.errors.reasonRequired",
        appliesFrom: ["standards.errors.appliesFrom_past", { today }],
      },
    });
  });
});

describe("a list question's choices", () => {
  it("reads one choice a line, in the three languages", () => {
    expect(
      parseValues("bin | Kosh | Kanta | Bin\r\n\r\nbig-one|Kontejner|Kontejner|Container", "singlevaluelist"),
    ).toEqual({
      ok: true,
      values: [
        { key: "bin", name: { sq: "Kosh", sr: "Kanta", en: "Bin" } },
        { key: "big-one", name: { sq: "Kontejner", sr: "Kontejner", en: "Container" } },
      ],
    });
  });
  it("names the line of a choice written wrong, or used twice", () => {
    expect(parseValues("bin | Kosh | Kanta | Bin\nKosh", "multivaluelist")).toEqual({
      ok: false,
      error: ["standards.errors.valuesLine", { line: 2 }],
    });
    expect(parseValues("Bin Big | Kosh | Kanta | Bin", "multivaluelist")).toEqual({
      ok: false,
      error: ["standards.errors.valuesKey", { line: 1 }],
    });
    expect(parseValues("bin | a | b | c\nbin | d | e | f", "singlevaluelist")).toEqual({
      ok: false,
      error: ["standards.errors.valuesDuplicate", { line: 2, key: "bin" }],
    });
  });
  it("needs a choice for a list and takes none for other answers", () => {
    expect(parseValues(" \n", "singlevaluelist")).toEqual({
      ok: false,
      error: "standards.errors.valuesRequired",
    });
    expect(parseValues("", "number")).toEqual({ ok: true, values: undefined });
    expect(parseValues("a | b | c | d", "text")).toEqual({
      ok: false,
      error: "standards.errors.valuesNotList",
    });
  });
});

describe("what a standard response applies to", () => {
  it("is every input, every input of a type, or a category by its code", () => {
    expect(parseAppliesTo("")).toEqual({ type: null, category: null });
    expect(parseAppliesTo("type:request")).toEqual({ type: "request", category: null });
    expect(parseAppliesTo("category:waste")).toEqual({ type: null, category: "waste" });
    expect(parseAppliesTo("type:everything")).toBeUndefined();
    expect(parseAppliesTo("category:Not A Code")).toBeUndefined();
  });
});

describe("sameState", () => {
  it("ignores the order of keys (jsonb reorders them) and absent fields", () => {
    expect(sameState({ a: 1, b: { c: [1, 2], d: undefined } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(sameState({ a: 1, b: { c: [2, 1] } }, { b: { c: [1, 2] }, a: 1 })).toBe(false);
    expect(sameState(null, null)).toBe(true);
  });
});
