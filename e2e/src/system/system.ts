import type { StaffRole } from '@mbs/contracts';
import {
  devKeysDir,
  ensureDevKeys,
  keyEnvironment,
  processEnvironment,
  processUrls,
  setUpBrokerUsers,
  systemProcesses,
  type DevKeys,
  type ProcessName,
  type ProcessPorts,
} from '@mbs/processes';
import { deleteNamespace, freePort, getMongoDb, uniqueName, type MongoDb } from '@mbs/testing';
import { StaffTokenCache, type StaffAudience } from '@mbs/trust';
import type { RelayedFrame } from '@mbs/relay-emulator';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManagedProcess, repositoryRoot } from './managed-process';

export type PartName = ProcessName;

export interface RunningSystem {
  readonly namespace: string;
  /** The broker as its administrator: for the harness's own observers, never a part. */
  readonly amqpUrl: string;
  /**
   * Each bus process's own broker user (docs/adr/0005), made for this system's namespace: what
   * each part connects as, and what a test acting as one of them uses (staff commands: web's).
   */
  readonly brokerUrls: Readonly<Record<ProcessName, string>>;
  readonly relayEndpoint: string;
  /** The development keys (as npm start's): web signs with them, the services verify. */
  readonly keys: DevKeys;
  /**
   * A staff token for a service, as web issues one for a signed-in member of staff of `role`
   * (the e2e user), signed with the development key.
   */
  staffToken(audience: StaffAudience, role: StaffRole): Promise<string>;
  readonly urls: Readonly<
    Record<'appointment' | 'fhirBuilder' | 'dispatcher' | 'gateway' | 'sink' | 'web', string>
  >;
  readonly parts: Readonly<Record<PartName, ManagedProcess>>;
  /**
   * Every frame the relay emulator carried between senders and listeners so far, as it carried
   * them (what a relay operator could read). Only with `tapRelay`.
   */
  relayFrames(): RelayedFrame[];
  /** What every part said recently, for a failing test's message. */
  logs(): string;
  stop(): Promise<void>;
}

export interface SystemOptions {
  /** Dispatcher retry settings: short in tests so waits and limits are reached quickly. */
  readonly dispatcher?: Partial<
    Record<
      | 'DISPATCHER_RETRY_LIMIT'
      | 'DISPATCHER_RETRY_BASE_MS'
      | 'DISPATCHER_RETRY_MAX_MS'
      | 'DISPATCHER_ACK_TIMEOUT_MS'
      | 'DISPATCHER_CONFIRM_TIMEOUT_MS'
      | 'DISPATCHER_ECHO_INTERVAL_MS',
      string
    >
  >;
  readonly logLevel?: string;
  /** web's settings (sign-in limits, idle timeout) for a suite that needs others. */
  readonly web?: Readonly<Record<string, string>>;
  /** Variables every part gets (an OpenTelemetry collector, say). */
  readonly env?: Readonly<Record<string, string>>;
  /** Tap the relay emulator (RELAY_EMULATOR_TAP_FILE): `relayFrames()` then reads what it carried. */
  readonly tapRelay?: boolean;
}

/**
 * Starts every part of the system as its own process, as `npm start` does (the same table of
 * processes, order and wiring: @mbs/processes), but isolated: its own bus namespace, databases,
 * ports and gateway data directory, so it disturbs nothing else on the machine. Uses the built
 * `dist/` of each part (turbo builds them before this suite). Each part is started once the one
 * before it is ready: its health route answers.
 */
export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const namespace = uniqueName('e2e');
  // The same development keys as npm start: web signs with them, the services verify.
  const keys = await ensureDevKeys(devKeysDir(repositoryRoot));
  const tokens = new StaffTokenCache({ signingKey: keys.web.privateKey });
  // Users of this namespace's own, as npm start and production have theirs: each part can do
  // its role and nothing else, and no two systems share a user.
  const brokerUsers = await setUpBrokerUsers({ adminUrl: amqpUrl, namespace });
  const mongo: MongoDb = await getMongoDb({ dbPrefix: 'e2e' }).catch(async (error: unknown) => {
    await brokerUsers.remove().catch(() => undefined);
    throw error;
  });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mbs-e2e-'));
  const ports = Object.fromEntries(
    await Promise.all(systemProcesses.map(async ({ name }) => [name, await freePort()] as const)),
  ) as ProcessPorts;
  const processUrl = processUrls(ports);
  const relayEndpoint = processUrl['relay-emulator'];
  const common = {
    ...options.env,
    BUS_NAMESPACE: namespace,
    MONGODB_URL: mongo.url,
    LOG_LEVEL: options.logLevel ?? 'info',
  };
  const urls = {
    appointment: processUrl.appointment,
    fhirBuilder: processUrl['fhir-builder'],
    dispatcher: processUrl['relay-dispatcher'],
    gateway: processUrl.gateway,
    sink: processUrl['hospital-sink'],
    web: processUrl.web,
  };
  /** What this system sets besides the table's wiring: its own databases, data, test settings. */
  const tapFile = path.join(dataDir, 'relay-tap.jsonl');
  const isolated: Record<ProcessName, Readonly<Record<string, string>>> = {
    'relay-emulator': options.tapRelay ? { RELAY_EMULATOR_TAP_FILE: tapFile } : {},
    'hospital-sink': {},
    gateway: {
      GATEWAY_DATA_DIR: path.join(dataDir, 'gateway'),
      GATEWAY_OUTBOX_RETRY_MS: '1000',
      GATEWAY_TARGETS: JSON.stringify([
        { name: 'ris-fhir', kind: 'http', url: `${urls.sink}/fhir`, timeoutMs: 5000, retries: 1 },
        { name: 'worklist-drop', kind: 'file', directory: path.join(dataDir, 'worklist') },
      ]),
    },
    appointment: { APPOINTMENT_DB_NAME: `${mongo.dbName}_appointment` },
    'fhir-builder': { FHIR_BUILDER_DB_NAME: `${mongo.dbName}_fhir` },
    'relay-dispatcher': { DISPATCHER_DB_NAME: `${mongo.dbName}_dispatcher`, ...options.dispatcher },
    web: {
      WEB_DB_NAME: `${mongo.dbName}_web`,
      // Sign-ins cost little here; the production cost is tested in web's own suite.
      WEB_PASSWORD_HASH_MEMORY_KIB: '1024',
      WEB_PASSWORD_HASH_ITERATIONS: '1',
      ...options.web,
    },
  };
  const parts = Object.fromEntries(
    systemProcesses.map((part) => [
      part.name,
      new ManagedProcess({
        name: part.name,
        script: part.entry,
        url: processUrl[part.name],
        health: part.health,
        env: {
          ...common,
          [part.listen.hostVariable]: '127.0.0.1',
          ...processEnvironment(part, ports, brokerUsers.urls),
          ...keyEnvironment(part, keys.env),
          ...isolated[part.name],
        },
      }),
    ]),
  ) as Record<ProcessName, ManagedProcess>;

  const order = systemProcesses.map((part) => part.name);
  const logs = () => order.map((name) => parts[name].recentLogs()).join('\n');
  const stop = async () => {
    for (const name of [...order].reverse()) await parts[name].stop();
    await mongo.stop();
    await brokerUsers.remove().catch(() => undefined);
    await deleteNamespace(amqpUrl, namespace).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (const name of order) await parts[name].start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    namespace,
    amqpUrl,
    brokerUrls: brokerUsers.urls,
    relayEndpoint,
    keys,
    staffToken: (audience, role) =>
      tokens.token({
        subject: `e2e-${role}`,
        name: role === 'admin' ? 'E2E Administrator' : 'E2E Radiographer',
        role,
        audience,
      }),
    urls,
    parts,
    relayFrames: () => {
      if (!options.tapRelay)
        throw new Error('the relay is not tapped: start the system with tapRelay');
      if (!existsSync(tapFile)) return [];
      return readFileSync(tapFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RelayedFrame);
    },
    logs,
    stop,
  };
}
