// Histogram buckets for times in working days (to acknowledge, to first response, to resolution), and
// percentiles read from a histogram. stats_month keeps one histogram per clock for each municipality and
// month, so a median or 90th percentile of any period and any set of municipalities is the sum of their
// histograms, read here, without touching a case. Fine near 0, where most acknowledgements fall:
//
//   bucket 0             exactly 0 (e.g. received and acknowledged on the same weekend)
//   (0, 10]              quarter days    40 buckets
//   (10, 30]             whole days      20
//   (30, 60]             5 days           6
//   (60, 120]            10 days          6
//   (120, 260]           20 days          7   (about a working year)
//   (260, ∞)             overflow         1
//
// A percentile is read as the middle of the bucket that holds it, so it is within half that bucket's
// width of the exact value: ±0.125 working days up to 10, ±0.5 up to 30, ±2.5 up to 60, ±5 up to 120,
// ±10 up to 260; beyond, it reads 260 ("at least"). docs/INDICATORS.md states the same.

function bounds(): number[] {
  const upper: number[] = [0];
  for (let q = 1; q <= 40; q++) upper.push(q / 4);
  for (let d = 11; d <= 30; d++) upper.push(d);
  for (let d = 35; d <= 60; d += 5) upper.push(d);
  for (let d = 70; d <= 120; d += 10) upper.push(d);
  for (let d = 140; d <= 260; d += 20) upper.push(d);
  return upper;
}

/** Each bucket's upper bound, inclusive (bucket i holds (UPPER[i-1], UPPER[i]]); the overflow bucket follows. */
export const BUCKET_UPPER: readonly number[] = bounds();
/** Buckets in every histogram array: the bounded ones and the overflow. */
export const BUCKET_COUNT = BUCKET_UPPER.length + 1;
const OVERFLOW = BUCKET_UPPER.length;
const LAST_BOUND = BUCKET_UPPER[OVERFLOW - 1]!;

export const emptyHistogram = (): number[] => new Array<number>(BUCKET_COUNT).fill(0);

/** The bucket a time in working days falls in (negative times count as 0). */
export function bucketOf(days: number): number {
  if (!(days > 0)) return 0;
  if (days > LAST_BOUND) return OVERFLOW;
  // Binary search for the first upper bound >= days.
  let lo = 1;
  let hi = OVERFLOW - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (BUCKET_UPPER[mid]! >= days) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The value a bucket stands for: its middle; 0 for the zero bucket; its lower bound for the overflow. */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return 0;
  if (bucket >= OVERFLOW) return LAST_BOUND;
  return (BUCKET_UPPER[bucket - 1]! + BUCKET_UPPER[bucket]!) / 2;
}

/**
 * The p-th quantile (0 < p <= 1) of the times a histogram counts, by the nearest-rank rule (the smallest
 * time that at least p of all times do not exceed), read as the value of the bucket holding it; null for
 * an empty histogram.
 */
export function percentile(hist: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 1)) throw new RangeError(`Bad percentile: ${p}`);
  let total = 0;
  for (const n of hist) total += n;
  if (total <= 0) return null;
  const rank = Math.max(1, Math.ceil(p * total - 1e-9));
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i]!;
    if (seen >= rank) return bucketValue(i);
  }
  return bucketValue(hist.length - 1);
}
