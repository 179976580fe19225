import type { BenchOptions } from './bench-options';
import { formatMs, type summarise } from './statistics';

export interface BenchFigures {
  readonly options: BenchOptions;
  readonly sent: number;
  /** Sends whose latency counts: those of the measured window (all of a burst). */
  readonly measuredSends: number;
  readonly windowS: number;
  readonly latency: ReturnType<typeof summarise>;
  readonly confirmedPerSecond: number;
  readonly inFlightAtLastSend: number;
  readonly hops: ReadonlyArray<{ label: string; ms: number }>;
  readonly memory: Readonly<Record<string, number | undefined>>;
  readonly failures: readonly string[];
}

/** The figures as Markdown tables, ready to paste into an issue or the README. */
export function printReport(figures: BenchFigures, log: (line: string) => void): void {
  const { options, latency } = figures;
  const steady = options.mode === 'steady';
  log(
    steady
      ? `\nSteady load, ${options.ratePerSecond} sends/s for ${(figures.sent / options.ratePerSecond).toFixed(0)} s ` +
          `(${figures.sent} sends); measured over ${figures.windowS.toFixed(1)} s after ${options.warmupMs / 1000} s of warm-up ` +
          `(${figures.measuredSends} sends), Node ${process.version}:`
      : `\nBurst of ${figures.sent} sends at once, until the last was confirmed (${figures.windowS.toFixed(1)} s), Node ${process.version}:`,
  );
  log(
    `| end to end, command accepted to confirmed | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | ${steady ? 'sustained' : 'drained'} confirmed/s |`,
  );
  log('|---|---:|---:|---:|---:|---:|');
  log(
    `| ${figures.measuredSends} sends | ${formatMs(latency.p50)} | ${formatMs(latency.p95)} | ${formatMs(latency.p99)} | ` +
      `${formatMs(latency.max)} | ${figures.confirmedPerSecond.toFixed(1)} |`,
  );
  if (steady)
    log(`In flight (sent, not yet confirmed) at the last send: ${figures.inFlightAtLastSend}.`);
  if (steady && figures.confirmedPerSecond < options.ratePerSecond * 0.95)
    log(
      `Confirmations (${figures.confirmedPerSecond.toFixed(1)}/s) fell behind the ${options.ratePerSecond}/s sent: ` +
        'the system is saturated at this rate, and latency grows with the queue.',
    );
  if (figures.failures.length > 0)
    log(`${figures.failures.length} sends failed: ${figures.failures.slice(0, 5).join('; ')}`);
  log('\nMedian time in each hop:');
  log('| hop | p50 (ms) |');
  log('|---|---:|');
  for (const hop of figures.hops) log(`| ${hop.label} | ${formatMs(hop.ms)} |`);
  log('\nPeak memory (resident, MiB):');
  log('| process | peak RSS |');
  log('|---|---:|');
  for (const [name, mib] of Object.entries(figures.memory))
    log(`| ${name} | ${mib === undefined ? 'n/a' : mib.toFixed(0)} |`);
}
