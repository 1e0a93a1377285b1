import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../kernel/csv.ts";
import { csvLines, csvText, jsonElements, jsonText, textStream } from "./writers.ts";

async function* batchesOf<T>(...batches: T[][]) {
  for (const b of batches) yield b;
}
async function* chunksOf(...chunks: string[]) {
  for (const c of chunks) yield c;
}
async function text(chunks: AsyncIterable<string>) {
  let out = "";
  for await (const c of textStream(chunks)) out += c;
  return out;
}

const FIELDS = ["id", "answer", "met", "lat"];

describe("the writers", () => {
  it("write CSV with a header, CRLF, empty cells for null and true/false for booleans", async () => {
    const out = await text(
      csvText(
        FIELDS,
        batchesOf(
          [{ id: "A-1", answer: 'Po, "sot", 8,30', met: true, lat: 42.662 }],
          [{ id: "A-2", answer: null, met: false, lat: null }],
        ),
      ),
    );
    expect(out).toBe('id,answer,met,lat\r\nA-1,"Po, ""sot"", 8,30",true,42.662\r\nA-2,,false,\r\n');
  });

  it("keep a text a spreadsheet would run as a formula as text, and signed numbers as numbers", async () => {
    const out = await text(csvText(["a", "b"], batchesOf([{ a: '=HYPERLINK("http://x")', b: -21.166 }])));
    expect(parseCsv(out)).toEqual([{ a: '\'=HYPERLINK("http://x")', b: "-21.166" }]);
  });

  it("write one valid JSON array whatever the batches, the fields in order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.record({ id: fc.string(), answer: fc.option(fc.string()), met: fc.option(fc.boolean()) }),
          ),
          { maxLength: 4 },
        ),
        async (batches) => {
          const out = await text(jsonText(["met", "id", "answer"], batchesOf(...batches)));
          const rows = batches.flat().map((r) => ({ met: r.met, id: r.id, answer: r.answer }));
          expect(JSON.parse(out)).toEqual(rows);
          expect(out.endsWith("]\n")).toBe(true);
          for (const row of JSON.parse(out)) expect(Object.keys(row)).toEqual(["met", "id", "answer"]);
        },
      ),
    );
  });

  it("round-trip any text through CSV", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: "grapheme" })), async (answers) => {
        const rows = answers.map((answer, i) => ({ id: `A-${i}`, answer }));
        const parsed = parseCsv(await text(csvText(["id", "answer"], batchesOf(rows))));
        expect(parsed.map((r) => r.answer)).toEqual(
          answers.map((a) => (/^[=+\-@\t\r]/.test(a) && !/^[+-]?[\d\s().-]+$/.test(a) ? `'${a}` : a)),
        );
      }),
    );
  });

  it("write the JSON array of objects written elsewhere, each after a comma, as jsonText writes records", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.record({ id: fc.string(), met: fc.option(fc.boolean()) }), { minLength: 1 }), {
          maxLength: 4,
        }),
        async (batches) => {
          const written = batches.map((rows) => rows.map((r) => `,\n${JSON.stringify(r)}`).join(""));
          expect(await text(jsonElements(chunksOf(...written)))).toBe(
            await text(jsonText(["id", "met"], batchesOf(...batches))),
          );
        },
      ),
    );
  });

  it("write the header before CSV lines written elsewhere", async () => {
    const lines = chunksOf("A-1,true\r\n", "A-2,\r\n");
    expect(await text(csvLines(["id", "met"], lines))).toBe("id,met\r\nA-1,true\r\nA-2,\r\n");
  });

  it("read no further ahead than a few chunks while the reader does not read", async () => {
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield "x".repeat(1_000);
      }
    }
    const stream = textStream(endless());
    const reader = stream[Symbol.asyncIterator]();
    await reader.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pulled).toBeLessThanOrEqual(4);
    stream.destroy();
  });
});
