import { formatMs, percentile, summarise } from './statistics';

describe('percentile (nearest rank)', () => {
  it('picks the sample at the rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarises unsorted samples', () => {
    expect(summarise([3, 1, 2])).toEqual({ count: 3, p50: 2, p95: 3, p99: 3, mean: 2, max: 3 });
  });

  it('leaves out samples that could not be measured instead of answering NaN', () => {
    expect(summarise([4, Number.NaN, 2, Number.POSITIVE_INFINITY])).toEqual({
      count: 2,
      p50: 2,
      p95: 4,
      p99: 4,
      mean: 3,
      max: 4,
    });
  });

  it('with no measurable sample every figure is missing', () => {
    const none = summarise([Number.NaN, Number.NaN]);
    expect(none.count).toBe(0);
    for (const figure of [none.p50, none.p95, none.p99, none.mean, none.max])
      expect(figure).toBeNaN();
  });
});

describe('formatMs', () => {
  it('shows one decimal, or "missing" for a figure that is not a number', () => {
    expect(formatMs(12.345)).toBe('12.3');
    expect(formatMs(Number.NaN)).toBe('missing');
    expect(formatMs(Number.POSITIVE_INFINITY)).toBe('missing');
  });
});
