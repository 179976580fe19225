/**
 * Relay round-trip benchmark on loopback, through the emulator:
 * - one session: every message is a `deliver` over one open connect socket, answered by `ack`;
 * - socket per message: connect, deliver, ack, close for each message (how the NHS proof of
 *   concept sends).
 * Prints latency (p50, p99) of sequential round trips and messages per second with several in
 * flight, side by side. Bounded: BENCH_MESSAGES (default 2000) per measurement.
 */
import { RelayListener, openRelaySession, type OpenSessionOptions } from '@mbs/relay';
import { createRelayEmulator } from '../src/index';

const messages = Number(process.env.BENCH_MESSAGES ?? 2000);
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 32);
const payload = { messageId: 'm', type: 'FHIR', payload: 'x'.repeat(2000) }; // ~ a small Bundle

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measure(count: number, roundTrip: () => Promise<void>) {
  const latencies: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await roundTrip();
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        next += 1;
        await roundTrip();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    sequentialRate: count / (latencies.reduce((sum, ms) => sum + ms, 0) / 1000),
    concurrentRate: count / seconds,
  };
}

async function main(): Promise<void> {
  const emulator = await createRelayEmulator();
  const listener = new RelayListener({
    endpoint: emulator.url,
    path: 'gateway-local',
    keyName: 'listen',
    key: 'dev-listen-key-not-secret',
    onSession: (session) =>
      session.onFrame(
        (frame, s) =>
          void s.send({ kind: 'ack', replyTo: frame.id, body: { status: 'processed' } }),
      ),
  });
  listener.start();
  await listener.waitUntilOnline(5000);
  const connect: OpenSessionOptions = {
    endpoint: emulator.url,
    path: 'gateway-local',
    keyName: 'send',
    key: 'dev-send-key-not-secret',
    timeoutMs: 10_000,
  };

  const session = await openRelaySession(connect);
  const overSession = () =>
    session.request({ kind: 'deliver', body: payload }).then(() => undefined);
  const perSocket = async () => {
    const single = await openRelaySession(connect);
    await single.request({ kind: 'deliver', body: payload });
    await single.close();
  };
  for (let i = 0; i < 100; i += 1) await overSession();
  for (let i = 0; i < 20; i += 1) await perSocket();

  const one = await measure(messages, overSession);
  const each = await measure(messages, perSocket);
  await session.close();
  await listener.stop();
  await emulator.close();

  const row = (name: string, r: Awaited<ReturnType<typeof measure>>) =>
    `| ${name.padEnd(20)} | ${r.p50.toFixed(3).padStart(8)} | ${r.p99.toFixed(3).padStart(8)} | ${r.sequentialRate
      .toFixed(0)
      .padStart(
        10,
      )} | ${r.concurrentRate.toFixed(0).padStart(`msg/s ${inFlight} at once`.length)} |`;
  console.log(
    `Relay round trips through the emulator on loopback: ${messages} messages of ~2 kB per measurement, Node ${process.version}`,
  );
  console.log(
    `| ${'mode'.padEnd(20)} | p50 (ms) | p99 (ms) | msg/s seq. | ${`msg/s ${inFlight} at once`.padEnd(14)} |`,
  );
  console.log(
    `|${'-'.repeat(22)}|----------|----------|------------|${'-'.repeat(Math.max(16, `msg/s ${inFlight} at once`.length + 2))}|`,
  );
  console.log(row('one session', one));
  console.log(row('socket per message', each));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
