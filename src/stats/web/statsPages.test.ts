// The statistics pages' tables, which the pages show and the CSV files give: small counts suppressed, numbers
// in the page's language on the page and plain in the CSV, breakdown order that tells nothing of small groups,
// the side-by-side sort, and the markup of a page (figures, tables, links) without a database.
import { describe, expect, it } from "vitest";
import { translator } from "../../kernel/i18n.ts";
import type { PageContext } from "../../web/context.ts";
import type { Indicators } from "../query.ts";
import {
  breakdownTable,
  type ComparisonRow,
  comparisonTable,
  indicatorLabel,
  indicatorsTable,
  monthlyTable,
  type NamedRow,
  orderBreakdown,
  periodText,
  ScopePage,
  SortableTable,
  sortComparison,
  TRENDS,
  trendTable,
} from "./statsPages.tsx";

const ctxOf = (lang: "sq" | "sr" | "en"): PageContext =>
  ({
    lang,
    t: translator(lang),
    path: "/statistics",
    assets: { url: (name: string) => `/assets/${name}` },
    ministry: { sq: "Ministria", sr: "Ministarstvo", en: "Ministry" },
    timeZone: "Europe/Belgrade",
    user: undefined,
    map: undefined,
    csrf: "token",
  }) as unknown as PageContext;

const period = { from: "2025-12", to: "2026-11" };

const none: Indicators = {
  received: 0,
  acknowledged: 0,
  ackWithinShare: null,
  ackMedianDays: null,
  ackP90Days: null,
  firstResponseMedianDays: null,
  firstResponseP90Days: null,
  answeredWithinShare: null,
  resolutionMedianDays: null,
  resolutionP90Days: null,
  resolutionWithinShare: null,
  resolutionRate: null,
  backlog: 0,
  overdue: 0,
  reopenRate: null,
  satisfactionAverage: null,
  satisfactionCount: 0,
  escalations: 0,
};

const row = (code: string, received: number, share: number | null = 0.5): NamedRow => ({
  key: code,
  code,
  name: code,
  received,
  answeredWithinShare: share,
  resolutionRate: share,
});

describe("a breakdown's table", () => {
  it("hides the next smallest group with a lone small one, so the total less the others does not tell it", () => {
    const table = breakdownTable(ctxOf("en"), period, "department", [
      row("public-services", 7, 0.5),
      row("none", 6, 0.5),
      row("administration", 1, 1),
    ]);
    const byCode = new Map(table.rows.map((r) => [r[0]!.raw, r.slice(2).map((c) => c.raw)]));
    expect(byCode.get("public-services")).toEqual(["7", "0.5", "0.5"]);
    expect(byCode.get("administration")).toEqual(["<5", "", ""]);
    expect(byCode.get("none")).toEqual(["…", "", ""]);
  });

  it("hides nothing where no group is small: zeros are zeros", () => {
    const table = breakdownTable(ctxOf("en"), period, "category", [
      row("potholes", 5, 0.8),
      row("water", 0, null),
    ]);
    expect(table.rows.map((r) => r[2]!.raw)).toEqual(["5", "0"]);
  });

  it("shows a count from 1 to 4 as <5 with no shares, on the page and in the CSV, and the zeros beside it too", () => {
    const table = breakdownTable(ctxOf("en"), period, "category", [
      row("potholes", 5, 0.8),
      row("lighting", 4, 1),
      row("noise", 1, 0),
      row("water", 0, null),
    ]);
    const byCode = new Map(table.rows.map((r) => [r[0]!.raw, r.slice(2)]));
    expect(byCode.get("potholes")!.map((c) => [c.text, c.raw])).toEqual([
      ["5", "5"],
      ["80%", "0.8"],
      ["80%", "0.8"],
    ]);
    for (const code of ["lighting", "noise"]) {
      expect(byCode.get(code)!.map((c) => c.raw)).toEqual(["<5", "", ""]);
      expect(byCode.get(code)![0]!.text).toBe("<5");
      expect(
        byCode
          .get(code)!
          .slice(1)
          .every((c) => c.none),
      ).toBe(true);
    }
    // A 0 beside a hidden group would let the total tell it: hidden too.
    expect(byCode.get("water")!.map((c) => c.raw)).toEqual(["<5", "", ""]);
    expect(table.columns.map((c) => c.key)).toEqual([
      "code",
      "name",
      "received",
      "answered_within_share",
      "resolution_rate",
    ]);
  });

  it("shows small counts as they are on internal pages, each name leading further, the shares still not given", () => {
    const withLink = (r: NamedRow): NamedRow => ({
      ...r,
      href: `/ministry/m/prishtine/categories/${r.code}`,
    });
    const table = breakdownTable(
      ctxOf("en"),
      period,
      "category",
      [withLink(row("potholes", 5, 0.8)), withLink(row("noise", 1, null))],
      { smallCounts: "shown" },
    );
    expect(table.rows.map((r) => r.slice(2).map((c) => c.raw))).toEqual([
      ["5", "0.8", "0.8"],
      ["1", "", ""],
    ]);
    expect(table.rows[1]![1]!.href).toBe("/ministry/m/prishtine/categories/noise");
  });

  it("lists the big groups biggest first, then the small ones by name, so their order tells nothing", () => {
    const ordered = orderBreakdown("en", [
      row("b-small", 4),
      row("big", 50),
      row("a-small", 1),
      row("middle", 9),
      row("c-small", 2),
    ]);
    expect(ordered.map((r) => r.code)).toEqual(["big", "middle", "a-small", "b-small", "c-small"]);
  });
});

describe("numbers and months in the page's language", () => {
  it("writes shares, days and months per language on the page, plainly in the CSV", () => {
    const monthly = [
      {
        month: "2026-01",
        ...none,
        received: 1234,
        answeredWithinShare: 0.8571,
        firstResponseMedianDays: 2.5,
      },
    ];
    const answered = trendTable(ctxOf("sq"), period, TRENDS[1], monthly);
    expect(answered.rows[0]!.map((c) => [c.text, c.raw])).toEqual([
      ["janar 2026", "2026-01"],
      ["85,7%", "0.8571"],
    ]);
    const days = trendTable(ctxOf("sr"), period, TRENDS[2], monthly);
    expect(days.rows[0]!.map((c) => c.text)).toEqual(["januar 2026.", "2,5"]);
    expect(days.columns.map((c) => c.key)).toEqual(["month", "first_response_median_days"]);
    const received = trendTable(ctxOf("en"), period, TRENDS[0], monthly);
    expect(received.rows[0]!.map((c) => [c.text, c.raw])).toEqual([
      ["January 2026", "2026-01"],
      ["1,234", "1234"],
    ]);
  });

  it("gives indicators month by month, a column each, a header given where the page says more", () => {
    const table = monthlyTable(
      ctxOf("en"),
      { name: "months", caption: "By month" },
      ["received", "satisfactionAverage", "overdue"],
      [{ month: "2026-02", received: 12, satisfactionAverage: null, overdue: 3 }],
      (key) => (key === "overdue" ? "Of these, overdue now" : indicatorLabel(ctxOf("en"), key)),
    );
    expect(table.columns.map((c) => [c.key, c.label])).toEqual([
      ["month", "Month"],
      ["received", "Inputs received"],
      ["satisfaction_average", "Average satisfaction (1 to 5)"],
      ["overdue", "Of these, overdue now"],
    ]);
    expect(table.rows[0]!.map((c) => c.raw)).toEqual(["2026-02", "12", "", "3"]);
    expect(table.rows[0]![0]!.text).toBe("February 2026");
  });

  it("names a period by its months", () => {
    expect(periodText(ctxOf("en"), period)).toBe("December 2025 to November 2026");
    expect(periodText(ctxOf("sq"), { from: "2026-03", to: "2026-03" })).toBe("mars 2026");
  });

  it("gives every indicator a row, with no value where nothing was counted", () => {
    const table = indicatorsTable(ctxOf("en"), period, { ...none, received: 7, satisfactionAverage: 4.25 });
    expect(table.rows).toHaveLength(18);
    const byKey = new Map(table.rows.map((r) => [r[0]!.raw, r]));
    expect(byKey.get("received")![2]!.raw).toBe("7");
    expect(byKey.get("satisfaction_average")![2]!.text).toBe("4.3");
    expect(byKey.get("ack_p90_days")![1]!.text).toBe("Time to acknowledge, 90th percentile (working days)");
    expect(byKey.get("answered_within_share")![2]!.none).toBe(true);
  });
});

describe("the side-by-side table", () => {
  const m = (slug: string, name: string, over: Partial<Indicators>): ComparisonRow => ({
    ...none,
    slug,
    name,
    ...over,
  });
  const rows = [
    m("peje", "Pejë", { received: 30, answeredWithinShare: 0.5 }),
    m("decan", "Deçan", { received: 2, answeredWithinShare: null }),
    m("ferizaj", "Ferizaj", { received: 30, answeredWithinShare: 0.9 }),
    m("gjakove", "Gjakovë", { received: 12, answeredWithinShare: 0.7 }),
  ];

  it("sorts by name in the page language's order", () => {
    expect(sortComparison("sq", rows, { sort: "name", dir: "asc" }).map((r) => r.slug)).toEqual([
      "decan",
      "ferizaj",
      "gjakove",
      "peje",
    ]);
  });

  it("sorts by an indicator either way, ties by name, a municipality without a value last both ways", () => {
    const desc = sortComparison("sq", rows, { sort: "answeredWithinShare", dir: "desc" });
    expect(desc.map((r) => r.slug)).toEqual(["ferizaj", "gjakove", "peje", "decan"]);
    const asc = sortComparison("sq", rows, { sort: "answeredWithinShare", dir: "asc" });
    expect(asc.map((r) => r.slug)).toEqual(["peje", "gjakove", "ferizaj", "decan"]);
    expect(sortComparison("sq", rows, { sort: "received", dir: "desc" }).map((r) => r.slug)).toEqual([
      "ferizaj",
      "peje",
      "gjakove",
      "decan",
    ]);
  });

  it("sorts through links in its column headers, the sorted one marked for screen readers", async () => {
    const table = comparisonTable(ctxOf("en"), period, rows, undefined, "", [
      "received",
      "answeredWithinShare",
    ]);
    const html = await SortableTable({
      ctx: ctxOf("en"),
      table,
      labelledBy: "compare-heading",
      sortKeys: ["name", "received", "answeredWithinShare"],
      sort: { sort: "received", dir: "desc" },
      href: (key, dir) => `/x?sort=${key}&amp;dir=${dir}`,
    });
    expect(html).toContain(`<caption>${table.caption}</caption>`);
    expect(html.match(/aria-sort=/g)).toHaveLength(1);
    expect(html).toMatch(
      /<th scope="col" class="number" aria-sort="descending"><a href="\/x\?sort=received&amp;dir=asc">/,
    );
    // Another column sorts names A–Z and figures high to low first.
    expect(html).toContain('href="/x?sort=name&amp;dir=asc"');
    expect(html).toContain('href="/x?sort=answeredWithinShare&amp;dir=desc"');
    expect(html.match(/<th scope="row">/g)).toHaveLength(rows.length);
  });

  it("does not suppress small counts: a municipality over a period is not finer than municipality × month", () => {
    const table = comparisonTable(ctxOf("en"), period, rows, undefined, "", ["received"]);
    expect(table.rows.find((r) => r[0]!.raw === "decan")![2]!.raw).toBe("2");
    expect(table.rows[0]![1]!.href).toBe("/m/peje/statistics");
  });
});

describe("a municipality's page", () => {
  const data = {
    period: { from: "2026-10", to: "2026-11" },
    indicators: { ...none, received: 9 },
    monthly: [
      { month: "2026-10", ...none, received: 6, answeredWithinShare: 0.5 },
      { month: "2026-11", ...none, received: 3, answeredWithinShare: null },
    ],
    breakdowns: [{ by: "channel" as const, rows: [row("web", 6), row("phone", 3)] }],
    updatedAt: new Date("2026-12-01T13:05:00Z"),
    consultations: { held: 2, comments: 7, withDisposition: 3, reportsPublished: 1, reportsOverdue: 0 },
  };

  it("puts each chart in a figure with a heading, a labelled image, its table and its CSV link", async () => {
    const html = await ScopePage({
      ctx: ctxOf("en"),
      municipality: { slug: "prishtine", name: "Prishtina" },
      path: "/m/prishtine/statistics",
      values: { from: "2026-10", to: "2026-11" },
      errors: {},
      data,
    });
    const figures = html.match(/<figure class="stats-chart" id="chart-[a-z-]+">/g) ?? [];
    expect(figures).toHaveLength(4);
    // Three charts drawn; the median time has no value in any month, so it says so instead of an empty frame.
    expect(html.match(/<svg role="img"/g)).toHaveLength(3);
    expect(html).toContain("<p>No chart: there is no value to draw for this period.</p>");
    expect(html).toContain('<h3 id="chart-channel-heading">Inputs by channel</h3>');
    expect(html).toContain(
      'aria-label="Bar chart: Inputs by channel, October 2026 to November 2026. The same data is in the table that follows."',
    );
    expect(html).toContain('href="/m/prishtine/statistics?from=2026-10&to=2026-11&format=csv&table=channel"');
    expect(html).toContain("<caption>Inputs by channel, October 2026 to November 2026</caption>");
    // Consultations count too, as a table with its CSV.
    expect(html).toContain("<caption>Public consultations, October 2026 to November 2026</caption>");
    expect(html).toMatch(
      /Comments with the municipality&#39;s disposition<\/span><\/th><td class="number"><span>3</,
    );
    expect(html).toContain(
      'href="/m/prishtine/statistics?from=2026-10&to=2026-11&format=csv&table=consultations"',
    );
    // How fresh the figures are, in the profile's time zone (Prishtinë: UTC+1 in December).
    expect(html).toContain("Figures as of Dec 1, 2026, 2:05 PM.");
    // The small-count rule is told, with a link to the definitions.
    expect(html).toContain('href="/statistics/indicators#small-counts"');
    expect(html).toMatch(
      /<th scope="row"><span>phone<\/span><\/th><td class="number"><span>&lt;5<\/span><\/td>/,
    );
    // No CSRF token, no inline style: the page can be kept in the page cache and passes the CSP.
    expect(html).not.toContain("_csrf");
    expect(html).not.toMatch(/ style=/);
  });
});
