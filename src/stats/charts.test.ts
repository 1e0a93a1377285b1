// Charts rendered on the server: well-formed SVG that a page with a strict CSP can show (no inline style),
// one labelled image per chart with ids of its own, the values written on it, and a missing value drawn
// as missing.
import { describe, expect, it } from "vitest";
import { CHART_COLOURS, type ChartSpec, cleanSvg, renderChart } from "./charts.ts";

const count = new Intl.NumberFormat("sq");
const share = new Intl.NumberFormat("sq", { style: "percent", maximumFractionDigits: 1 });

const months = ["dhj 25", "jan 26", "shk 26", "mar 26"];
const spec = (over: Partial<ChartSpec>): ChartSpec => ({
  kind: "columns",
  id: "chart-received",
  label: "Grafik me shtylla: parashtresat e pranuara",
  categories: months,
  values: [12, 0, 12345, 7],
  format: (v) => count.format(v),
  ...over,
});

/**
 * Checks XML well-formedness the way a parser would: every tag closed in order, attributes quoted and
 * unique, no raw "<" or stray "&" in text. Answers the element names seen.
 */
function wellFormed(svg: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  const token =
    /<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let at = 0;
  for (let m = token.exec(svg); m; m = token.exec(svg)) {
    at = token.lastIndex;
    const [, closing, name, attributes, selfClosing, text] = m;
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|#\d+|#x[\da-f]+);)/i.test(text)) throw new Error(`stray & in ${text}`);
      continue;
    }
    if (!name) continue;
    if (closing) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes nothing open`);
      continue;
    }
    const seen = [...(attributes ?? "").matchAll(/([\w:-]+)=/g)].map((a) => a[1]);
    if (new Set(seen).size !== seen.length) throw new Error(`repeated attribute on <${name}>`);
    names.push(name);
    if (!selfClosing) stack.push(name);
  }
  if (at !== svg.length) throw new Error(`not markup at ${at}: ${svg.slice(at, at + 40)}`);
  if (stack.length) throw new Error(`unclosed ${stack.join(", ")}`);
  return names;
}

/** The texts drawn on a chart. */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe("renderChart", () => {
  it("gives one well-formed, labelled SVG image that scales down with its page", async () => {
    const svg = await renderChart(spec({}));
    expect(wellFormed(svg)[0]).toBe("svg");
    expect(svg).toMatch(/^<svg role="img" aria-label="Grafik me shtylla: parashtresat e pranuara"/);
    expect(svg).toMatch(/viewBox="0 0 560 280"/);
    // No fixed size: the viewBox lets it shrink to a 320 px screen.
    expect(svg).not.toMatch(/^<svg[^>]* width=/);
  });

  it("writes its values in the page's language, and the months along the axis", async () => {
    const svg = await renderChart(spec({}));
    // Albanian groups thousands with a space: 12 345, not 12,345 or 12345.
    expect(count.format(12345)).toMatch(/^12\s345$/);
    expect(texts(svg)).toEqual(expect.arrayContaining(["12", count.format(12345), "7", ...months]));
  });

  it("carries nothing a strict Content Security Policy refuses, and no script", async () => {
    const svg = await renderChart(
      spec({ kind: "line", values: [0.5, null, 0.75, 1], max: 1, format: share.format }),
    );
    expect(svg).not.toMatch(/ style=|<style|<script|on[a-z]+=|<foreignObject|@font-face|<image/i);
    expect(svg).toMatch(/font-family="sans-serif"/);
  });

  it("draws with colours of sufficient contrast only", async () => {
    const svg = await renderChart(spec({ kind: "bars", categories: ["A", "B"], values: [3, 9] }));
    const colours = new Set(
      [...svg.matchAll(/(?:fill|stroke)="(#[\da-f]{3,6})"/gi)].map((m) => m[1]!.toLowerCase()),
    );
    // #000 is the clip path's own fill (never painted); #fff the rectangle behind.
    const allowed = new Set([...Object.values(CHART_COLOURS), "#000", "#fff", "#ffffff"]);
    expect([...colours].filter((c) => !allowed.has(c))).toEqual([]);
    expect(colours.has(CHART_COLOURS.series)).toBe(true);
  });

  it("draws a missing value as missing: no point on the line, no bar, no label", async () => {
    const line = await renderChart(
      spec({ kind: "line", values: [0.5, null, 0.75, 1], max: 1, format: share.format }),
    );
    expect(texts(line)).toEqual(expect.arrayContaining(["50%", "75%"]));
    // Three points drawn (one marker each), not four; the line breaks at the gap (two moves).
    expect(line.match(/<path d="M1 0A1 1 0 1 1/g)).toHaveLength(3);
    const bars = await renderChart(
      spec({ kind: "bars", categories: ["Gropa", "Ndriçimi (<5)", "Mbeturinat"], values: [12, null, 30] }),
    );
    const barPaths = bars.match(new RegExp(`<path d="M[^"]*Z" fill="${CHART_COLOURS.series}"`, "g"));
    expect(barPaths).toHaveLength(2);
    expect(texts(bars)).toEqual(expect.arrayContaining(["Gropa", "Ndriçimi (&lt;5)", "12", "30"]));
  });

  it("escapes names typed by people (a category, a department) in the markup and the label", async () => {
    const svg = await renderChart(
      spec({
        kind: "bars",
        label: 'By "category" <b>',
        categories: ['<script>alert("x")</script>', "A & B"],
        values: [2, 5],
      }),
    );
    expect(svg).not.toContain("<script");
    expect(svg).toContain('aria-label="By &quot;category&quot; &lt;b&gt;"');
    expect(texts(svg)).toEqual(expect.arrayContaining(["A &amp; B"]));
    wellFormed(svg);
  });

  it("gives each chart of a page its own ids, so clip paths never point at another chart", async () => {
    const a = await renderChart(spec({ id: "chart-a", kind: "line", values: [1, 2, 3, 4] }));
    const b = await renderChart(spec({ id: "chart-b", kind: "line", values: [1, 2, 3, 4] }));
    const ids = (svg: string) => [...svg.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids(a).length).toBeGreaterThan(0);
    expect(ids(a).every((id) => id.startsWith("chart-a-"))).toBe(true);
    expect(ids(b).every((id) => id.startsWith("chart-b-"))).toBe(true);
    for (const id of ids(a)) expect(a).toContain(`url(#${id})`);
  });

  it("grows a bar chart with its number of groups, every group named", async () => {
    const names = Array.from({ length: 20 }, (_, i) => `Kategoria ${i + 1}`);
    const svg = await renderChart(
      spec({ kind: "bars", categories: names, values: names.map((_, i) => i + 5) }),
    );
    const height = Number(svg.match(/viewBox="0 0 560 (\d+)"/)?.[1]);
    expect(height).toBeGreaterThanOrEqual(20 * 28);
    expect(texts(svg)).toEqual(expect.arrayContaining(names));
  });

  it("stays small: a year by month under 12 kB", async () => {
    const svg = await renderChart(
      spec({ categories: Array.from({ length: 12 }, (_, i) => `m${i}`), values: Array(12).fill(40) }),
    );
    expect(svg.length).toBeLessThan(12_000);
  });
});

describe("charts drawn before", () => {
  it("are given again for the same data, and drawn anew when anything that shows changes", async () => {
    const first = await renderChart(spec({ id: "chart-kept" }));
    expect(await renderChart(spec({ id: "chart-kept" }))).toBe(first);
    const changed = await renderChart(spec({ id: "chart-kept", values: [12, 0, 12345, 8] }));
    expect(changed).not.toBe(first);
    expect(texts(changed)).toContain("8");
    // Another language's numbers are another chart.
    const english = new Intl.NumberFormat("en");
    const inEnglish = await renderChart(spec({ id: "chart-kept", format: (v) => english.format(v) }));
    expect(texts(inEnglish)).toContain("12,345");
  });
});

describe("cleanSvg", () => {
  it("refuses an id that could break out of the markup", async () => {
    expect(() => cleanSvg("<svg></svg>", 'x" onload="alert(1)', "label")).toThrow();
  });
});
