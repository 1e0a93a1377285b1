// The figures of a chosen set of municipalities (a pilot evaluation), each and together. The indicators are
// the statistics' own (src/stats/query.ts), which read a set as they read the nation: sums of the
// aggregates, with medians and percentiles from the summed histograms, never averaged (docs/INDICATORS.md).
//
// Distinct participants are the one figure the aggregates do not keep: counted from the cases of the set and
// period, through cases_municipality_received, and never more than a count.
import { sql } from "drizzle-orm";
import { startOfLocalDay } from "../calendar/zone.ts";
import type { Db } from "../db/client.ts";
import { executeNamed } from "../db/named.ts";
import { sqlIndex } from "../stats/counters.ts";
import {
  comparison,
  type Indicators,
  indicators,
  isValidPeriod,
  monthly,
  type Period,
} from "../stats/query.ts";
import { addMonths, monthsOf } from "../stats/web/period.ts";

/** A set's ids as one array parameter: the statement's text stays the same whatever the set. */
const idArray = (ids: readonly number[]) => `{${ids.join(",")}}`;

function checkedIds(ids: readonly number[]): number[] {
  if (ids.length === 0 || !ids.every((id) => Number.isSafeInteger(id)))
    throw new RangeError("Not a set of municipality ids");
  return [...new Set(ids)].sort((a, b) => a - b);
}

function checkedPeriod(period: Period) {
  if (!isValidPeriod(period)) throw new RangeError(`Not a period of months: ${JSON.stringify(period)}`);
}

export interface SetIndicators {
  /** The municipalities' ids, ascending. */
  ids: number[];
  months: string[];
  together: Indicators;
  each: Map<number, Indicators>;
  /** Month by month, oldest first (each month's backlog is at its end; its overdue, its cases overdue now). */
  monthlyTogether: Indicators[];
  monthlyEach: Map<number, Indicators[]>;
}

/** The indicators of a set of municipalities over a period: together, each, and month by month. */
export async function setIndicators(
  db: Db,
  municipalityIds: readonly number[],
  period: Period,
): Promise<SetIndicators> {
  checkedPeriod(period);
  const ids = checkedIds(municipalityIds);
  const set = { municipalityIds: ids };
  // Each municipality's own figures from the side-by-side reading (two statements for any number), and
  // each one's months as the statistics pages read them.
  const [together, monthlyTogether, all, monthlyEach] = await Promise.all([
    indicators(db, set, period),
    monthly(db, set, period),
    comparison(db, period),
    Promise.all(ids.map((municipalityId) => monthly(db, { municipalityId }, period))),
  ]);
  const chosen = new Set(ids);
  return {
    ids,
    months: monthsOf(period),
    together,
    each: new Map(
      all
        .filter((r) => chosen.has(r.municipalityId))
        .map(({ municipalityId, ...ind }) => [municipalityId, ind]),
    ),
    monthlyTogether,
    monthlyEach: new Map(ids.map((id, i) => [id, monthlyEach[i]!])),
  };
}

/** A count per municipality (by id) and for the whole set. */
export interface Counted {
  together: number;
  each: Map<number, number>;
}

export interface Participation {
  /** Distinct people per month, oldest first. */
  byMonth: Counted[];
  /** Distinct people over the whole period (a person of several months counts once). */
  period: Counted;
}

/**
 * Distinct participants: the people with an account who submitted at least one input received in the month
 * (or the period), per municipality and for the set together (someone who wrote to two municipalities is one
 * participant of the set). Inputs without an account (anonymous, or taken at a counter, by phone or on paper
 * for someone without one) cannot be told apart and are not counted. Months are local months of `timeZone`.
 */
export async function participants(
  db: Db,
  municipalityIds: readonly number[],
  period: Period,
  timeZone: string,
): Promise<Participation> {
  checkedPeriod(period);
  const ids = checkedIds(municipalityIds);
  const from = startOfLocalDay(`${period.from}-01`, timeZone).toISOString();
  const to = startOfLocalDay(`${addMonths(period.to, 1)}-01`, timeZone).toISOString();
  // One pass over the set's cases of the period (a range of cases_municipality_received per municipality),
  // counted four ways at once: per municipality and month, per month, per municipality, and overall.
  const rows = await executeNamed<{
    municipality_id: number | null;
    month: string | null;
    all_municipalities: number;
    all_months: number;
    n: number;
  }>(
    db,
    "reports_participants",
    sql`select municipality_id, month,
          grouping(municipality_id)::int as all_municipalities, grouping(month)::int as all_months,
          count(distinct submitter_id)::int as n
        from (
          select municipality_id, submitter_id,
            to_char(received_at at time zone ${timeZone}::text, 'YYYY-MM') as month
          from cases
          where municipality_id = any(${idArray(ids)}::int[])
            and received_at >= ${from}::timestamptz and received_at < ${to}::timestamptz
            and submitter_id is not null
        ) c
        group by grouping sets ((municipality_id, month), (month), (municipality_id), ())`,
  );
  const months = monthsOf(period);
  const index = new Map(months.map((m, i) => [m, i]));
  const counted = (): Counted => ({ together: 0, each: new Map(ids.map((id) => [id, 0])) });
  const byMonth = months.map(counted);
  const whole = counted();
  for (const r of rows) {
    const n = Number(r.n);
    const slot = r.all_months ? whole : byMonth[index.get(r.month ?? "") ?? -1];
    if (!slot) continue;
    if (r.all_municipalities) slot.together = n;
    else if (r.municipality_id !== null) slot.each.set(Number(r.municipality_id), n);
  }
  return { byMonth, period: whole };
}

/**
 * Inputs received per municipality, month and channel, from the breakdown aggregates: `each` by id and
 * `together`, each a map month → channel → count. The small-count rule is the page's (protectSmall).
 */
export async function channelsByMonth(
  db: Db,
  municipalityIds: readonly number[],
  period: Period,
): Promise<{
  together: Map<string, Map<string, number>>;
  each: Map<number, Map<string, Map<string, number>>>;
}> {
  checkedPeriod(period);
  const ids = checkedIds(municipalityIds);
  const rows = await executeNamed<{ municipality_id: number; month: string; channel: string; n: number }>(
    db,
    "reports_set_channels",
    sql`select municipality_id, to_char(month, 'YYYY-MM') as month, channel,
          coalesce(sum(counters[${sqlIndex("received")}]), 0)::int as n
        from stats_breakdown
        where municipality_id = any(${idArray(ids)}::int[])
          and month between ${`${period.from}-01`}::date and ${`${period.to}-01`}::date
        group by 1, 2, 3`,
  );
  const together = new Map<string, Map<string, number>>();
  const each = new Map<number, Map<string, Map<string, number>>>(ids.map((id) => [id, new Map()]));
  const bump = (into: Map<string, Map<string, number>>, month: string, channel: string, n: number) => {
    const byChannel = into.get(month) ?? new Map<string, number>();
    byChannel.set(channel, (byChannel.get(channel) ?? 0) + n);
    into.set(month, byChannel);
  };
  for (const r of rows) {
    const n = Number(r.n);
    if (n <= 0) continue;
    bump(together, r.month, r.channel, n);
    const own = each.get(Number(r.municipality_id));
    if (own) bump(own, r.month, r.channel, n);
  }
  return { together, each };
}

/** Proposals formally decided in a period (decision_at within it), by decision; of one municipality or all. */
export async function proposalsDecided(
  db: Db,
  scope: { municipalityId: number } | { national: true },
  period: Period,
  timeZone: string,
): Promise<Record<string, number>> {
  checkedPeriod(period);
  const from = startOfLocalDay(`${period.from}-01`, timeZone).toISOString();
  const to = startOfLocalDay(`${addMonths(period.to, 1)}-01`, timeZone).toISOString();
  const rows =
    "national" in scope
      ? await executeNamed<{ decision: string; n: number }>(
          db,
          "reports_proposals_all",
          sql`select decision, count(*)::int as n from proposals
              where decision is not null and decision_at >= ${from}::timestamptz and decision_at < ${to}::timestamptz
              group by 1`,
        )
      : await executeNamed<{ decision: string; n: number }>(
          db,
          "reports_proposals",
          sql`select decision, count(*)::int as n from proposals
              where municipality_id = ${scope.municipalityId}::int and decision is not null
                and decision_at >= ${from}::timestamptz and decision_at < ${to}::timestamptz
              group by 1`,
        );
  return Object.fromEntries(rows.map((r) => [r.decision, Number(r.n)]));
}
