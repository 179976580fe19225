// npm run bench: drives a batch of "send to modality" through the whole system (every part its own
// process, real RabbitMQ, the relay emulator on loopback) and prints where the time goes.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectStaffBus, getJson } from '../system/clients';
import {
  appointment,
  bookedAppointments,
  pointDemoGatewayAtThisRelay,
  type AppointmentView,
  type MessageView,
} from '../system/flow';
import { repositoryRoot } from '../system/managed-process';
import { startSystem, type PartName, type RunningSystem } from '../system/system';
import { renderChart } from './chart';
import { peakMemoryMiB } from './peak-memory';
import { formatMs, summarise } from './statistics';

interface Timed extends MessageView {
  appointmentId: string;
  createdAt: string;
}

const requested = Number(process.env.BENCH_MESSAGES ?? 100);
const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  log(`Starting the system (6 processes)...`);
  const system = await startSystem({
    dispatcher: {
      DISPATCHER_RETRY_BASE_MS: '200',
      DISPATCHER_RETRY_MAX_MS: '2000',
      DISPATCHER_ECHO_INTERVAL_MS: '5000',
    },
  });
  const staff = await connectStaffBus(system);
  try {
    await pointDemoGatewayAtThisRelay(system);
    const pool = [
      ...(await bookedAppointments(system, 'setting-leeds')),
      ...(await bookedAppointments(system, 'setting-york')),
    ];
    const ids = pool.slice(0, requested);
    log(
      `Checking in ${ids.length} participants (demo data: Leeds sends FHIR R4 over HTTP, York worklist JSON to a folder)...`,
    );
    for (const id of ids) await staff.checkIn(id);
    await until(
      async () => {
        const states = await Promise.all(
          ids.map(async (id) => (await appointment(system, id)).state),
        );
        return states.every((s) => s === 'checked_in');
      },
      60_000,
      () => 'every appointment to be checked_in',
    );

    log(`Sending ${ids.length} to the modality...`);
    const accepted = new Map<string, number>();
    const started = Date.now();
    for (const id of ids) {
      await staff.sendToModality(id);
      accepted.set(id, Date.now());
    }
    const messages = await until(
      async () => {
        const { messages: all } = await getJson<{ messages: Timed[] }>(
          `${system.urls.dispatcher}/messages?limit=500`,
        );
        const confirmed = all.filter((m) => m.status === 'confirmed');
        process.stdout.write(
          `\r  confirmed ${confirmed.length}/${ids.length} after ${((Date.now() - started) / 1000).toFixed(1)} s `,
        );
        return confirmed.length >= ids.length ? confirmed : undefined;
      },
      300_000,
      () => `all ${ids.length} messages to be confirmed`,
    );
    log('');

    // Confirmed is not the end: the appointment becomes with_modality only when the confirmation
    // has travelled back over the bus. Sampling before that would leave the last hop unmeasured.
    const views = await waitUntilAllWithModality(system, ids);

    const memory = Object.fromEntries(
      (Object.keys(system.parts) as PartName[]).map((name) => [
        name,
        peakMemoryMiB(system.parts[name].pid),
      ]),
    );
    const rows = messages.map((m) => {
      const view = views.get(m.appointmentId)!;
      const at = (to: string) => Date.parse(view.history.find((h) => h.to === to)?.at ?? '');
      const t0 = accepted.get(m.appointmentId)!;
      return {
        total: Date.parse(m.confirmedAt!) - t0,
        appointment: at('sent_to_modality') - t0,
        build: Date.parse(m.createdAt) - at('sent_to_modality'),
        relay: Date.parse(m.deliveredAt!) - Date.parse(m.createdAt),
        hospital: Date.parse(m.confirmedAt!) - Date.parse(m.deliveredAt!),
        back: at('with_modality') - Date.parse(m.confirmedAt!),
      };
    });
    const lastConfirmed = Math.max(...messages.map((m) => Date.parse(m.confirmedAt!)));
    const throughput = messages.length / ((lastConfirmed - started) / 1000);
    const total = summarise(rows.map((r) => r.total));
    const hops = [
      {
        label: 'command to sent_to_modality (appointment)',
        ms: summarise(rows.map((r) => r.appointment)).p50,
      },
      {
        label: 'build and validate, to the dispatcher (fhir-builder)',
        ms: summarise(rows.map((r) => r.build)).p50,
      },
      {
        label: 'over the relay to the gateway receipt',
        ms: summarise(rows.map((r) => r.relay)).p50,
      },
      {
        label: 'to the hospital and its confirmation back',
        ms: summarise(rows.map((r) => r.hospital)).p50,
      },
      {
        label: 'confirmed to with_modality (appointment)',
        ms: summarise(rows.map((r) => r.back)).p50,
      },
    ];

    log(
      `\nEnd to end, command accepted to confirmed, ${messages.length} messages, Node ${process.version}, 2 cores shared:`,
    );
    log('| p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | confirmed msg/s |');
    log('|---------:|---------:|---------:|---------:|----------------:|');
    log(
      `| ${f(total.p50)} | ${f(total.p95)} | ${f(total.p99)} | ${f(total.max)} | ${throughput.toFixed(1).padStart(15)} |`,
    );
    log('\nMedian time in each hop:');
    log('| hop | p50 (ms) |');
    log('|---|---:|');
    for (const hop of hops) log(`| ${hop.label} | ${formatMs(hop.ms)} |`);
    log('\nPeak memory (resident, MiB):');
    log('| process | peak RSS |');
    log('|---|---:|');
    for (const [name, mib] of Object.entries(memory))
      log(`| ${name} | ${mib === undefined ? 'n/a' : mib.toFixed(0)} |`);

    const reports = path.join(repositoryRoot, 'reports');
    mkdirSync(reports, { recursive: true });
    const file = path.join(reports, 'bench-latest.svg');
    writeFileSync(
      file,
      renderChart({
        title: `send to modality: ${messages.length} messages, ${throughput.toFixed(1)} confirmed/s`,
        percentiles: [
          { label: 'p50', ms: total.p50 },
          { label: 'p95', ms: total.p95 },
          { label: 'p99', ms: total.p99 },
        ],
        hops,
      }),
    );
    log(`\nChart: ${path.relative(process.cwd(), file)}`);
  } finally {
    await staff.bus.close();
    await system.stop();
  }
}

function f(ms: number): string {
  return formatMs(ms).padStart(8);
}

/** Every appointment once it is with_modality; on timeout, names those that are not, and where. */
async function waitUntilAllWithModality(
  system: RunningSystem,
  ids: readonly string[],
  timeoutMs = 60_000,
): Promise<Map<string, AppointmentView>> {
  const views = new Map<string, AppointmentView>();
  let missing: AppointmentView[] = [];
  await until(
    async () => {
      const pending = ids.filter((id) => !views.has(id));
      missing = [];
      for (const view of await Promise.all(pending.map((id) => appointment(system, id))))
        if (view.state === 'with_modality') views.set(view.appointmentId, view);
        else missing.push(view);
      return missing.length === 0;
    },
    timeoutMs,
    () =>
      `every appointment to be with_modality; ${missing.length} of ${ids.length} are not: ` +
      missing
        .slice(0, 20)
        .map((view) => `${view.appointmentId} (${view.state})`)
        .join(', ') +
      (missing.length > 20 ? ', ...' : ''),
  );
  return views;
}

async function until<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  waitingFor: () => string = () => 'the system',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`the benchmark timed out after ${timeoutMs} ms waiting for ${waitingFor()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
