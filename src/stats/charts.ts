// Statistics charts: Apache ECharts rendered on the server to SVG, so a chart is there without JavaScript and
// costs the browser nothing. Every page shows the chart's data beside it as a table; the SVG is one image
// with a label saying what it shows (its inner text is not read out separately).
//
// ECharts' SVG carries inline `style` attributes and a <style> element (hover effects) that the pages'
// Content Security Policy refuses, and element ids that would repeat when a page shows several charts:
// the markup is cleaned before it leaves (see cleanSvg).
//
// ECharts is loaded on the first chart, not with the server: it holds some 85 MB that a process which
// never draws a chart (a worker, a server streaming an export) need not carry.
import type { EChartsCoreOption } from "echarts/core";

type ECharts = typeof import("echarts/core");
let loading: Promise<ECharts> | undefined;
function loadECharts(): Promise<ECharts> {
  loading ??= (async () => {
    const [core, charts, components, renderers] = await Promise.all([
      import("echarts/core"),
      import("echarts/charts"),
      import("echarts/components"),
      import("echarts/renderers"),
    ]);
    core.use([charts.BarChart, charts.LineChart, components.GridComponent, renderers.SVGRenderer]);
    return core;
  })();
  return loading;
}

/** Colours with at least 4.5:1 against white: the series (the brand blue), text, axis and grid lines. */
export const CHART_COLOURS = { series: "#0b3d91", text: "#1b1f24", axis: "#4a5561", grid: "#c9d1d9" };

const FONT_SIZE = 13;
/** Values are written on the marks while they fit; past this many the table beside the chart has them. */
const MAX_VALUE_LABELS = 24;

export interface ChartSpec {
  /** columns: counts over time; line: a rate or a time over time; bars: one value per named group. */
  kind: "columns" | "line" | "bars";
  /** Unique on the page: prefixes the SVG's own ids. Letters, digits and dashes. */
  id: string;
  /** What the chart shows, for assistive technology (aria-label of the image). */
  label: string;
  /** The labels along the category axis (months, or group names). */
  categories: string[];
  /** One value per category; null is plotted as missing (no data, or a suppressed small count). */
  values: (number | null)[];
  /** Writes a value (and an axis tick) in the page's language. */
  format: (value: number) => string;
  /** The value axis' upper end when it is fixed (1 for shares); absent: from the data. */
  max?: number;
  width?: number;
  height?: number;
}

const WIDTH = 560;
const TIME_HEIGHT = 280;
const BAR_ROW = 28;

// Drawing a chart costs ECharts several milliseconds; a page has up to seven. The same chart is asked for
// again and again (visitors' pages expire from the page cache every few seconds; signed-in people bypass
// it), so recent ones are kept, keyed by everything that shapes them.
const recent = new Map<string, string>();
const RECENT_MAX = 500;

/** What a chart depends on; the formatter by what it makes of two sample values (its language and kind). */
function keyOf(spec: ChartSpec): string {
  const { kind, id, label, categories, values, max, width, height, format } = spec;
  return JSON.stringify([
    kind,
    id,
    label,
    categories,
    values,
    max,
    width,
    height,
    format(1234.5),
    format(0.25),
  ]);
}

/** The chart as SVG markup, ready to put into a page. */
export async function renderChart(spec: ChartSpec): Promise<string> {
  const key = keyOf(spec);
  const kept = recent.get(key);
  if (kept !== undefined) {
    // Most recently used last: the first key is the one to drop.
    recent.delete(key);
    recent.set(key, kept);
    return kept;
  }
  const svg = draw(await loadECharts(), spec);
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value as string);
  recent.set(key, svg);
  return svg;
}

function draw(echarts: ECharts, spec: ChartSpec): string {
  const bars = spec.kind === "bars";
  const width = spec.width ?? WIDTH;
  const height = spec.height ?? (bars ? 40 + BAR_ROW * Math.max(1, spec.categories.length) : TIME_HEIGHT);
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption(optionOf(spec));
    return cleanSvg(chart.renderToSVGString(), spec.id, spec.label);
  } finally {
    chart.dispose();
  }
}

function optionOf(spec: ChartSpec): EChartsCoreOption {
  const bars = spec.kind === "bars";
  const text = { color: CHART_COLOURS.text, fontSize: FONT_SIZE, fontFamily: "sans-serif" };
  const showValues = spec.values.length <= MAX_VALUE_LABELS;
  const valueAxis = {
    type: "value",
    min: 0,
    ...(spec.max !== undefined ? { max: spec.max } : {}),
    // Counts have no fractions: ticks at whole numbers only.
    ...(spec.kind === "columns" || bars ? { minInterval: 1 } : {}),
    axisLabel: { ...text, color: CHART_COLOURS.axis, formatter: (v: number) => spec.format(v) },
    splitLine: { lineStyle: { color: CHART_COLOURS.grid } },
  };
  const categoryAxis = {
    type: "category",
    data: spec.categories,
    // Groups read top to bottom in the order given, as the table beside them does.
    inverse: bars,
    axisLabel: {
      ...text,
      color: CHART_COLOURS.axis,
      ...(bars ? { width: 180, overflow: "truncate" } : { hideOverlap: true }),
    },
    axisLine: { lineStyle: { color: CHART_COLOURS.axis } },
    axisTick: { alignWithLabel: true },
  };
  const label = {
    show: showValues,
    position: bars ? "right" : "top",
    ...text,
    formatter: (p: { value: unknown }) => (typeof p.value === "number" ? spec.format(p.value) : ""),
  };
  const series =
    spec.kind === "line"
      ? {
          type: "line",
          data: spec.values,
          // A month without a value is a gap in the line, never a fall to zero.
          connectNulls: false,
          symbol: "circle",
          symbolSize: 6,
          lineStyle: { color: CHART_COLOURS.series, width: 2 },
          itemStyle: { color: CHART_COLOURS.series },
          label,
        }
      : {
          type: "bar",
          data: spec.values,
          barMaxWidth: 32,
          itemStyle: { color: CHART_COLOURS.series },
          label,
        };
  return {
    animation: false,
    aria: { enabled: false },
    textStyle: text,
    grid: bars ? { left: 8, right: 56, top: 8, bottom: 24 } : { left: 8, right: 16, top: 24, bottom: 8 },
    xAxis: bars ? valueAxis : categoryAxis,
    yAxis: bars ? categoryAxis : valueAxis,
    series: [series],
  };
}

/**
 * ECharts' SVG made fit for the pages: inline styles become presentation attributes and the hover
 * <style> goes (the CSP allows neither), the ids get the chart's prefix (a page holds several charts),
 * the fixed size gives way to the viewBox (the chart shrinks to a 320 px screen), and the root becomes
 * one labelled image.
 */
export function cleanSvg(svg: string, id: string, label: string): string {
  if (!/^[A-Za-z][\w-]*$/.test(id)) throw new Error(`not a chart id: ${id}`);
  return svg
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>\s*/g, "")
    .replace(/ style="([^"]*)"/g, (_m, css: string) => presentation(css))
    .replace(/ class="[^"]*"/g, "")
    .replace(/ ecmeta_[a-z_]+="[^"]*"/g, "")
    .replace(/ pointer-events="[^"]*"/g, "")
    .replace(/\bzr\d+-/g, `${id}-`)
    .replace(/<defs >\s*<\/defs>\s*/g, "")
    .replace(/\n+/g, "")
    .replace(
      /^<svg width="\d+" height="\d+"/,
      `<svg role="img" aria-label="${escapeAttribute(label)}" focusable="false" preserveAspectRatio="xMinYMin meet"`,
    );
}

/** The CSS declarations ECharts writes on text, as the equivalent SVG attributes. */
function presentation(css: string): string {
  const attributes: string[] = [];
  for (const declaration of css.split(";")) {
    const [name, value] = declaration.split(":").map((s) => s.trim());
    if (!name || !value) continue;
    if (name === "font-size") attributes.push(`font-size="${escapeAttribute(value.replace(/px$/, ""))}"`);
    else if (name === "font-family" || name === "font-weight" || name === "font-style")
      attributes.push(`${name}="${escapeAttribute(value)}"`);
  }
  return attributes.length ? ` ${attributes.join(" ")}` : "";
}

function escapeAttribute(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
