/** The value below which `p` percent of the sorted samples fall (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * Percentiles, mean and maximum of the finite samples. A sample that could not be measured (a
 * timestamp that was missing, so NaN) is left out rather than turning every figure into NaN;
 * `count` says how many were used, and with none every figure is NaN (shown as "missing").
 */
export function summarise(samples: readonly number[]) {
  const sorted = samples.filter(Number.isFinite).sort((a, b) => a - b);
  const mean = sorted.length === 0 ? Number.NaN : sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** Milliseconds to one decimal, or "missing" for a figure that could not be measured. */
export function formatMs(ms: number): string {
  return Number.isFinite(ms) ? ms.toFixed(1) : 'missing';
}
