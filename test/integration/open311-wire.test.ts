// What every Open311 answer is made of, without a server: W3C dates with the zone's offset (across the
// daylight-saving changes), the dates clients send read back exactly, and XML that stays well-formed
// whatever text it carries, saying what the JSON says.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseW3cDateTime, w3cDateTime } from "../../src/open311/dates.ts";
import { list, serialize, toXml, xmlText } from "../../src/open311/wire.ts";

const ZONE = "Europe/Belgrade";

describe("W3C dates", () => {
  it("carry the local time and its offset, through both daylight-saving changes", () => {
    const cases: [string, string][] = [
      ["2026-11-26T10:00:00Z", "2026-11-26T11:00:00+01:00"],
      ["2026-03-29T00:59:59Z", "2026-03-29T01:59:59+01:00"],
      ["2026-03-29T01:00:00Z", "2026-03-29T03:00:00+02:00"],
      ["2026-10-25T00:59:59Z", "2026-10-25T02:59:59+02:00"],
      ["2026-10-25T01:00:00Z", "2026-10-25T02:00:00+01:00"],
      ["2026-12-31T23:30:00.999Z", "2027-01-01T00:30:00+01:00"],
    ];
    for (const [utc, local] of cases) expect(w3cDateTime(new Date(utc), ZONE), utc).toBe(local);
    expect(w3cDateTime(new Date("2026-07-01T12:00:00Z"), "America/St_Johns")).toBe(
      "2026-07-01T09:30:00-02:30",
    );
  });

  it("read back as the instant they were written from, to the second", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("1990-01-01T00:00:00Z"),
          max: new Date("2090-01-01T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.constantFrom(ZONE, "UTC", "America/New_York", "Asia/Kolkata"),
        (d, zone) => {
          const written = w3cDateTime(d, zone);
          expect(parseW3cDateTime(written)?.getTime()).toBe(Math.floor(d.getTime() / 1000) * 1000);
        },
      ),
    );
  });

  it("are read in every form the W3C note allows with a time and zone, and refused otherwise", () => {
    expect(parseW3cDateTime("2010-05-24T00:00:00Z")?.toISOString()).toBe("2010-05-24T00:00:00.000Z");
    expect(parseW3cDateTime("1994-11-05T08:15:30-05:00")?.toISOString()).toBe("1994-11-05T13:15:30.000Z");
    expect(parseW3cDateTime("1994-11-05T08:15-05:00")?.toISOString()).toBe("1994-11-05T13:15:00.000Z");
    expect(parseW3cDateTime("1994-11-05T08:15:30.45+01:00")?.toISOString()).toBe("1994-11-05T07:15:30.450Z");
    expect(parseW3cDateTime("1994-11-05T08:15:30 01:00")?.toISOString()).toBe("1994-11-05T07:15:30.000Z");
    expect(parseW3cDateTime("2024-02-29T00:00:00Z")).toBeDefined();
    for (const bad of [
      "2025-02-29T00:00:00Z",
      "2026-04-31T00:00:00Z",
      "2026-11-05",
      "2026-11-05T08:15:30",
      "2026-11-05T24:00:00Z",
      "2026-11-05T08:60:00Z",
      "2026-11-05T08:15:30+15:00",
      "2026-13-01T00:00:00Z",
      "tomorrow",
      "",
    ])
      expect(parseW3cDateTime(bad), bad).toBeUndefined();
  });
});

describe("the XML writer", () => {
  it("writes the declaration, the root, lists as repeated elements and absent values as empty ones", () => {
    const doc = toXml(
      "service_requests",
      list("request", [
        { service_request_id: "PRI-2026-000001", lat: 42.5, description: null, metadata: true },
      ]),
    );
    expect(doc).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request><service_request_id>PRI-2026-000001</service_request_id><lat>42.5</lat><description></description><metadata>true</metadata></request></service_requests>\n',
    );
    expect(serialize("json", "service_requests", list("request", []))).toBe("[]");
    expect(serialize("xml", "services", list("service", []))).toContain("<services></services>");
  });

  it("escapes markup and drops what XML 1.0 cannot carry, keeping every other character", () => {
    expect(xmlText(`a & b < c > d "e" 'f'`)).toBe("a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;");
    expect(xmlText("tab\there\nline\u0001\u0008\u000b\ufffe😀\ud800x")).toBe("tab\there\nline😀x");
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (s) => {
        const out = xmlText(s);
        // Only characters XML 1.0 allows, and no markup.
        // biome-ignore lint/suspicious/noControlCharactersInRegex: checking their absence
        expect(out).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF<>]/);
        expect(out).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
        // No unpaired surrogate (not a character at all).
        expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      }),
    );
  });
});
