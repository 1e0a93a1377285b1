import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeText, foldLine, renderCalendar, utcStamp } from "./ical.ts";

const unfold = (folded: string) => folded.replace(/\r\n /g, "");
const octets = (s: string) => Buffer.byteLength(s, "utf8");

describe("TEXT values", () => {
  it("escape backslash, semicolon, comma and line breaks, in that order", () => {
    expect(escapeText("a\\b;c,d\r\ne\nf")).toBe("a\\\\b\\;c\\,d\\ne\\nf");
    expect(escapeText("Shqip: ë ç; Srpski: đ ž, č")).toBe("Shqip: ë ç\\; Srpski: đ ž\\, č");
  });
});

describe("folding", () => {
  it("leaves a line of 75 octets alone and folds one of 76", () => {
    expect(foldLine("x".repeat(75))).toBe("x".repeat(75));
    expect(foldLine("x".repeat(76))).toBe(`${"x".repeat(75)}\r\n x`);
  });

  it("never splits a character: ë is two octets, moved whole to the next line", () => {
    const folded = foldLine(`${"x".repeat(74)}ëy`);
    expect(folded).toBe(`${"x".repeat(74)}\r\n ëy`);
  });

  it("gives back the line on unfolding, with no physical line over 75 octets and each valid UTF-8", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), (s) => {
        const line = `DESCRIPTION:${escapeText(s)}`;
        const folded = foldLine(line);
        expect(unfold(folded)).toBe(line);
        for (const part of folded.split("\r\n")) {
          expect(octets(part)).toBeLessThanOrEqual(75);
          // A split character would not survive the round trip through bytes.
          expect(Buffer.from(part, "utf8").toString("utf8")).toBe(part);
          expect(part).not.toMatch(/[\uD800-\uDFFF]/u);
        }
      }),
    );
  });
});

describe("the calendar", () => {
  it("has CRLF line ends only, and an event with UTC times and its status", () => {
    const body = renderCalendar({
      prodId: "-//E-Komuna//Public meetings//EN",
      name: "Public meetings – Prishtinë",
      language: "en",
      stamp: new Date("2026-11-26T10:00:00Z"),
      events: [
        {
          uid: "meeting-7@ekomuna.example",
          start: new Date("2026-12-15T16:00:00Z"),
          end: new Date("2026-12-15T18:00:00Z"),
          sequence: 3,
          summary: "Budget hearing, 2027",
          location: "Hall",
          description: "1. Budget\n2. Questions",
          url: "https://ekomuna.example/meetings/7",
          cancelled: true,
        },
      ],
    });
    expect(body.split("\r\n").every((l) => !l.includes("\n") && !l.includes("\r"))).toBe(true);
    expect(body).toContain("\r\nMETHOD:PUBLISH\r\n");
    expect(body).toContain("\r\nDTSTAMP:20261126T100000Z\r\n");
    expect(body).toContain("\r\nDTSTART:20261215T160000Z\r\n");
    expect(body).toContain("\r\nSEQUENCE:3\r\n");
    expect(body).toContain("\r\nSTATUS:CANCELLED\r\n");
    expect(body).toContain("\r\nSUMMARY;LANGUAGE=en:Budget hearing\\, 2027\r\n");
    expect(body).toContain("\r\nDESCRIPTION;LANGUAGE=en:1. Budget\\n2. Questions\r\n");
    expect(utcStamp(new Date("2026-03-29T01:00:00.123Z"))).toBe("20260329T010000Z");
  });
});
