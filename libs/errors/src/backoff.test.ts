import { backoffCeiling, backoffDelay } from './backoff';

describe('backoff', () => {
  const options = { baseMs: 100, maxMs: 1_000 };

  it('doubles the ceiling each attempt up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffCeiling(n, options))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('puts the delay in the upper half of the step (equal jitter)', () => {
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(200);
    expect(backoffDelay(3, { ...options, random: () => 0.999999 })).toBe(400);
  });

  it('keeps delays growing whatever the jitter, until the cap', () => {
    const low = backoffDelay(4, { ...options, random: () => 0 });
    const high = backoffDelay(3, { ...options, random: () => 0.999999 });
    expect(low).toBeGreaterThanOrEqual(high);
  });

  it('survives absurd attempt numbers without overflow', () => {
    expect(backoffCeiling(10_000, options)).toBe(1000);
    expect(backoffCeiling(0, options)).toBe(100);
  });
});
