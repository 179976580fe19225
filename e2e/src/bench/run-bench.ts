// npm run bench: drives "send to modality" through the whole system (every part its own process,
// real RabbitMQ, the relay emulator on loopback) at a steady rate, or as one burst, and prints
// where the time goes. See bench-options.ts for the settings.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectObserverBus, connectStaffBus } from '../system/clients';
import { pointDemoGatewayAtThisRelay } from '../system/flow';
import { repositoryRoot } from '../system/managed-process';
import { startSystem, type PartName } from '../system/system';
import { bookedPool } from './appointment-pool';
import { arrivalOffsets, driveArrivals } from './arrivals';
import { benchOptions, BenchOptionsError, type BenchOptions } from './bench-options';
import { renderChart } from './chart';
import { allMessages } from './dispatcher-messages';
import { endToEnd, hopMedians, type Journey } from './latency-breakdown';
import { Outcomes } from './outcomes';
import { peakMemoryMiB } from './peak-memory';
import { startProgress } from './progress';
import { printReport } from './report';
import { summarise } from './statistics';
import { perBucket, ratePerSecond } from './throughput';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** How long the last sends may take to be confirmed once the arrivals have stopped. */
const DRAIN_TIMEOUT_MS = 120_000;

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = benchOptions(process.env);
  } catch (error) {
    if (!(error instanceof BenchOptionsError)) throw error;
    log(error.message);
    process.exit(1);
  }
  log(
    options.mode === 'steady'
      ? `Steady load: ${options.messages} sends at ${options.ratePerSecond}/s ` +
          `(${(options.messages / options.ratePerSecond).toFixed(0)} s, the first ${options.warmupMs / 1000} s not measured)`
      : `Burst: ${options.messages} sends at once`,
  );
  log('Starting the system (6 processes)...');
  const system = await startSystem({
    dispatcher: {
      DISPATCHER_RETRY_BASE_MS: '200',
      DISPATCHER_RETRY_MAX_MS: '2000',
      DISPATCHER_ECHO_INTERVAL_MS: '5000',
    },
  });
  const staff = await connectStaffBus(system);
  const observer = await connectObserverBus(system);
  try {
    const outcomes = new Outcomes();
    await outcomes.listen(observer);
    await pointDemoGatewayAtThisRelay(system);
    const ids = (await bookedPool(system, options.messages)).slice(0, options.messages);

    log(
      `Checking in ${ids.length} participants at Leeds (FHIR R4 over HTTP) and York (worklist JSON to a folder)...`,
    );
    await inBatches(ids, 50, (id) => staff.checkIn(id));
    await until(
      () => outcomes.countReached(ids, 'checked_in') === ids.length,
      120_000,
      () => `${ids.length - outcomes.countReached(ids, 'checked_in')} check-ins`,
    );

    const offsets = arrivalOffsets(
      ids.length,
      options.mode === 'steady' ? options.ratePerSecond : Number.POSITIVE_INFINITY,
    );
    const accepted = new Map<string, number>();
    const start = Date.now();
    const progress = startProgress(() => {
      const seconds = (Date.now() - start) / 1000;
      const confirmed = outcomes.confirmationTimes(ids);
      const recent = ratePerSecond(confirmed, Date.now() - 5000, Date.now());
      return (
        `  ${seconds.toFixed(0).padStart(3)} s  sent ${accepted.size}/${ids.length}  ` +
        `confirmed ${confirmed.length}  (${recent.toFixed(1)}/s over the last 5 s)  ` +
        `in flight ${accepted.size - confirmed.length}`
      );
    });
    try {
      await driveArrivals(offsets, async (i) => {
        await staff.sendToModality(ids[i]!);
        accepted.set(ids[i]!, Date.now());
      });
      const arrivalsEnded = Date.now();
      // Confirmed is not the end: the appointment becomes with_modality only when the
      // confirmation has travelled back over the bus, and the last hop is measured up to there.
      await until(
        () =>
          outcomes.countReached(ids, 'with_modality') + outcomes.failures(ids).length >= ids.length,
        DRAIN_TIMEOUT_MS,
        () =>
          `${ids.length - outcomes.countReached(ids, 'with_modality')} appointments to be ` +
          `with_modality, ${(Date.now() - arrivalsEnded) / 1000} s after the last send`,
      );
    } finally {
      progress.stop();
    }

    const memory = Object.fromEntries(
      (Object.keys(system.parts) as PartName[]).map((name) => [
        name,
        peakMemoryMiB(system.parts[name].pid),
      ]),
    );
    const messages = new Map((await allMessages(system)).map((m) => [m.appointmentId, m]));
    const journeys = new Map<string, Journey>();
    for (const id of ids) {
      const message = messages.get(id);
      if (message?.status !== 'confirmed') continue;
      journeys.set(id, {
        accepted: accepted.get(id)!,
        sentToModality: outcomes.reachedAt(id, 'sent_to_modality') ?? Number.NaN,
        stored: Date.parse(message.createdAt),
        picked: Date.parse(message.sentAt ?? ''),
        delivered: Date.parse(message.deliveredAt ?? ''),
        confirmed: Date.parse(message.confirmedAt ?? ''),
        withModality: outcomes.reachedAt(id, 'with_modality') ?? Number.NaN,
      });
    }

    if (journeys.size === 0)
      throw new Error(
        `no send was confirmed, so there is nothing to measure: ${outcomes.failures(ids).slice(0, 5).join('; ') || 'no failure was reported either'}`,
      );
    const confirmations = [...journeys.values()].map((j) => j.confirmed);
    const lastConfirmed = Math.max(...confirmations);
    // Steady: the window after the warm-up until the last arrival, so neither the ramp-up nor
    // the drain counts. Burst: from the first command until the last confirmation.
    const window =
      options.mode === 'steady'
        ? { from: start + options.warmupMs, to: start + offsets.at(-1)! }
        : { from: start, to: lastConfirmed };
    const measured = [...journeys.values()].filter(
      (j) => options.mode === 'burst' || (j.accepted >= window.from && j.accepted <= window.to),
    );
    const latency = summarise(measured.map(endToEnd));
    const confirmedPerSecond = ratePerSecond(
      confirmations,
      window.from,
      options.mode === 'burst' ? window.to + 1 : window.to,
    );
    const hops = hopMedians(measured);
    // Sent but not yet confirmed when the last command went: steady when it stays near the rate
    // times the latency, a growing queue when the system cannot keep up.
    const inFlightAtLastSend =
      [...accepted.values()].filter((t) => t <= window.to).length -
      confirmations.filter((t) => t <= window.to).length;

    const figures = {
      options,
      sent: ids.length,
      measuredSends: measured.length,
      windowS: (window.to - window.from) / 1000,
      latency,
      confirmedPerSecond,
      inFlightAtLastSend,
      hops,
      memory,
      failures: outcomes.failures(ids),
    };
    printReport(figures, log);

    // A burst is over in a few seconds: quarter seconds show how it drained.
    const bucketMs = lastConfirmed - start < 10_000 ? 250 : 1000;
    const reports = path.join(repositoryRoot, 'reports');
    mkdirSync(reports, { recursive: true });
    const file = path.join(reports, 'bench-latest.svg');
    writeFileSync(
      file,
      renderChart({
        title:
          options.mode === 'steady'
            ? `send to modality, steady ${options.ratePerSecond}/s: ${confirmedPerSecond.toFixed(1)} confirmed/s sustained`
            : `send to modality, burst of ${ids.length}: drained at ${confirmedPerSecond.toFixed(1)} confirmed/s`,
        percentiles: [
          { label: 'p50', ms: latency.p50 },
          { label: 'p95', ms: latency.p95 },
          { label: 'p99', ms: latency.p99 },
        ],
        hops,
        timeline: {
          confirmedPerSecond: perBucket(confirmations, start, lastConfirmed + 1, bucketMs).map(
            (count) => count * (1000 / bucketMs),
          ),
          bucketS: bucketMs / 1000,
          offeredPerSecond: options.mode === 'steady' ? options.ratePerSecond : undefined,
          measured: { fromS: (window.from - start) / 1000, toS: (window.to - start) / 1000 },
          caption:
            options.mode === 'steady'
              ? `Shaded: the measured window (after ${options.warmupMs / 1000} s of warm-up, until the last send); dashed: the rate sent.`
              : `All ${ids.length} commands were sent at 0 s; the bars show how the system drained them.`,
        },
      }),
    );
    log(`\nChart: ${path.relative(process.cwd(), file)}`);
  } finally {
    await observer.close();
    await staff.bus.close();
    await system.stop();
  }
}

/** Runs `act` over the items, `size` at a time. */
async function inBatches<T>(
  items: readonly T[],
  size: number,
  act: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(act));
}

async function until(
  done: () => boolean,
  timeoutMs: number,
  waitingFor: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline)
      throw new Error(`the benchmark timed out after ${timeoutMs} ms waiting for ${waitingFor()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
