/**
 * The offsets (ms from the start) at which `count` commands arrive at a steady `ratePerSecond`:
 * evenly spaced, so the load is the same in every second. An infinite rate is a burst: all at 0.
 */
export function arrivalOffsets(count: number, ratePerSecond: number): number[] {
  const gapMs = Number.isFinite(ratePerSecond) ? 1000 / ratePerSecond : 0;
  return Array.from({ length: count }, (_, i) => i * gapMs);
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Calls `send(i)` at each offset after the start, without waiting for earlier sends (an open
 * loop: a slow system does not slow the arrivals, as staff do not wait for each other), then
 * resolves once every send has, or rejects with the first failure.
 */
export async function driveArrivals(
  offsets: readonly number[],
  send: (index: number) => Promise<void>,
  clock: Clock = realClock,
): Promise<void> {
  const start = clock.now();
  const sends: Array<Promise<void>> = [];
  for (const [index, offset] of offsets.entries()) {
    const wait = start + offset - clock.now();
    if (wait > 0) await clock.sleep(wait);
    const sent = send(index);
    // Observed at once so a failure is not "unhandled" while later arrivals are still waited for.
    sent.catch(() => undefined);
    sends.push(sent);
  }
  await Promise.all(sends);
}
