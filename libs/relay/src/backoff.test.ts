import { backoffDelay } from './backoff';

describe('backoff with full jitter', () => {
  it('doubles the ceiling per attempt up to the maximum', () => {
    const top = () => 0.999999;
    const delays = [0, 1, 2, 3, 10, 50].map((attempt) =>
      backoffDelay(attempt, { initialDelayMs: 100, maxDelayMs: 1000, random: top }),
    );
    expect(delays).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('draws uniformly below the ceiling, so a crowd spreads out', () => {
    expect(backoffDelay(3, { initialDelayMs: 100, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { initialDelayMs: 100, random: () => 0.5 })).toBe(400);
  });

  it('never waits longer than the default 30 s', () => {
    expect(backoffDelay(1000, { random: () => 0.999 })).toBeLessThan(30_000);
  });
});
