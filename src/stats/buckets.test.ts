// Histogram buckets and percentiles read from them: the precision docs/INDICATORS.md promises.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUCKET_COUNT, BUCKET_UPPER, bucketOf, bucketValue, emptyHistogram, percentile } from "./buckets.ts";

const histogramOf = (times: readonly number[]) => {
  const h = emptyHistogram();
  for (const t of times) h[bucketOf(t)]! += 1;
  return h;
};

/** The exact nearest-rank quantile: the smallest time that at least p of all times do not exceed. */
const exact = (times: readonly number[], p: number) => {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length - 1e-9)) - 1]!;
};

/** Half the width of the bucket a time falls in: the promised precision. */
const halfWidth = (t: number) => {
  const b = bucketOf(t);
  return b === 0 ? 0 : (BUCKET_UPPER[b]! - BUCKET_UPPER[b - 1]!) / 2;
};

describe("buckets", () => {
  it("are quarter days up to 10, whole days to 30, coarser to 260, then one overflow", () => {
    expect(BUCKET_COUNT).toBe(81);
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(-1)).toBe(0);
    expect(bucketOf(0.0001)).toBe(1);
    expect(bucketOf(0.25)).toBe(1);
    expect(bucketOf(0.2501)).toBe(2);
    expect(bucketOf(10)).toBe(40);
    expect(bucketOf(10.5)).toBe(41);
    expect(bucketOf(30)).toBe(60);
    expect(bucketOf(31)).toBe(61);
    expect(bucketOf(260)).toBe(79);
    expect(bucketOf(261)).toBe(80);
    expect(bucketValue(0)).toBe(0);
    expect(bucketValue(1)).toBe(0.125);
    expect(bucketValue(41)).toBe(10.5);
    expect(bucketValue(80)).toBe(260);
  });

  it("reads a median and a 90th percentile by the nearest rank", () => {
    // 0.1 → (0, 0.25]; 0.3 → (0.25, 0.5]; 2 → (1.75, 2]; 5 → (4.75, 5]; 40 → (35, 40].
    const h = histogramOf([0.1, 0.3, 2, 5, 40]);
    expect(percentile(h, 0.5)).toBe(1.875);
    expect(percentile(h, 0.9)).toBe(37.5);
    // Ten times: the 90th percentile is the 9th, not the 10th.
    const ten = histogramOf([1, 1, 1, 1, 1, 1, 1, 1, 3, 100]);
    expect(percentile(ten, 0.9)).toBe(2.875);
    expect(percentile(emptyHistogram(), 0.5)).toBeNull();
    expect(percentile(histogramOf([0, 0, 7]), 0.5)).toBe(0);
    expect(percentile(histogramOf([300, 400]), 0.5)).toBe(260);
    expect(() => percentile(h, 0)).toThrow(RangeError);
  });

  it("is within half a bucket of the exact percentile, whatever the times", () => {
    const time = fc.oneof(
      fc.constant(0),
      fc.double({ min: 0, max: 12, noNaN: true }),
      fc.double({ min: 0, max: 280, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(time, { minLength: 1, maxLength: 200 }), fc.constantFrom(0.5, 0.9), (times, p) => {
        const want = exact(times, p);
        const got = percentile(histogramOf(times), p)!;
        if (want > 260) expect(got).toBe(260);
        else expect(Math.abs(got - want)).toBeLessThanOrEqual(halfWidth(want) + 1e-9);
      }),
    );
  });

  it("reads the same from histograms summed as from all the times at once", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { maxLength: 30 }), { minLength: 1 }),
        (groups) => {
          const summed = emptyHistogram();
          for (const g of groups) {
            const h = histogramOf(g);
            for (let i = 0; i < h.length; i++) summed[i]! += h[i]!;
          }
          expect(summed).toEqual(histogramOf(groups.flat()));
          expect(percentile(summed, 0.5)).toEqual(percentile(histogramOf(groups.flat()), 0.5));
        },
      ),
    );
  });
});
