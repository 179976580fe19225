/** Events per bucket of `bucketMs` from `start` to `end` (the last bucket may be partial). */
export function perBucket(
  times: readonly number[],
  start: number,
  end: number,
  bucketMs = 1000,
): number[] {
  const buckets = new Array<number>(Math.max(0, Math.ceil((end - start) / bucketMs))).fill(0);
  for (const t of times) {
    const i = Math.floor((t - start) / bucketMs);
    if (t >= start && i < buckets.length) buckets[i]! += 1;
  }
  return buckets;
}

/** Events per second within [from, to): the sustained rate over that window. */
export function ratePerSecond(times: readonly number[], from: number, to: number): number {
  if (!(to > from)) return Number.NaN;
  const inside = times.filter((t) => t >= from && t < to).length;
  return inside / ((to - from) / 1000);
}
