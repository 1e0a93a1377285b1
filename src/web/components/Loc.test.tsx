import { describe, expect, it } from "vitest";
import { Loc } from "./Loc.tsx";

const text = { sq: "Buxheti", sr: "Budžet", en: "Budget" };

describe("Loc", () => {
  it("shows the page's language unmarked", async () => {
    expect(await (<Loc text={text} lang="en" />)).toBe("<span>Budget</span>");
  });

  it("shows a Bosnian page the Serbian text, marked as Serbian, and a Turkish one the Albanian", async () => {
    expect(await (<Loc text={text} lang="bs" />)).toBe('<span lang="sr-Latn">Budžet</span>');
    expect(await (<Loc text={text} lang="tr" />)).toBe('<span lang="sq">Buxheti</span>');
  });
});
