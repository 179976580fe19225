import { percentile, summarise } from './statistics';

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
    expect(summarise([3, 1, 2])).toEqual({ p50: 2, p95: 3, p99: 3, mean: 2, max: 3 });
  });
});
