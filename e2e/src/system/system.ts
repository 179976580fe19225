import { deleteNamespace, freePort, getMongoDb, uniqueName, type MongoDb } from '@mbs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManagedProcess } from './managed-process';

export type PartName =
  | 'relay-emulator'
  | 'hospital-sink'
  | 'gateway'
  | 'appointment'
  | 'fhir-builder'
  | 'relay-dispatcher'
  | 'web';

export interface RunningSystem {
  readonly namespace: string;
  readonly amqpUrl: string;
  readonly relayEndpoint: string;
  readonly urls: Readonly<
    Record<'appointment' | 'fhirBuilder' | 'dispatcher' | 'gateway' | 'sink' | 'web', string>
  >;
  readonly parts: Readonly<Record<PartName, ManagedProcess>>;
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
}

/**
 * Starts every part of the system as its own process, as `npm start` does, but isolated: its own
 * bus namespace, databases, ports and gateway data directory, so it disturbs nothing else on the
 * machine. Uses the built `dist/` of each part (turbo builds them before this suite).
 */
export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const namespace = uniqueName('e2e');
  const mongo: MongoDb = await getMongoDb({ dbPrefix: 'e2e' });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mbs-e2e-'));
  const [relayPort, sinkPort, gatewayPort, appointmentPort, fhirPort, dispatcherPort, webPort] =
    await Promise.all(Array.from({ length: 7 }, () => freePort()));
  const relayEndpoint = `ws://127.0.0.1:${relayPort}`;
  const common = {
    ...options.env,
    AMQP_URL: amqpUrl,
    BUS_NAMESPACE: namespace,
    MONGODB_URL: mongo.url,
    LOG_LEVEL: options.logLevel ?? 'info',
    HOST: '127.0.0.1',
  };
  const urls = {
    appointment: `http://127.0.0.1:${appointmentPort}`,
    fhirBuilder: `http://127.0.0.1:${fhirPort}`,
    dispatcher: `http://127.0.0.1:${dispatcherPort}`,
    gateway: `http://127.0.0.1:${gatewayPort}`,
    sink: `http://127.0.0.1:${sinkPort}`,
    web: `http://127.0.0.1:${webPort}`,
  };
  const parts: Record<PartName, ManagedProcess> = {
    'relay-emulator': new ManagedProcess({
      name: 'relay-emulator',
      script: 'services/relay-emulator/dist/src/main.js',
      env: { ...common, RELAY_EMULATOR_PORT: String(relayPort), RELAY_EMULATOR_HOST: '127.0.0.1' },
      ready: /relay emulator listening/,
    }),
    'hospital-sink': new ManagedProcess({
      name: 'hospital-sink',
      script: 'services/hospital-sink/dist/main.js',
      env: { ...common, PORT: String(sinkPort), SINK_GATEWAY_URL: urls.gateway },
      ready: /hospital sink listening/,
    }),
    gateway: new ManagedProcess({
      name: 'gateway',
      script: 'gateway/dist/main.js',
      env: {
        ...common,
        PORT: String(gatewayPort),
        GATEWAY_RELAY_ENDPOINT: relayEndpoint,
        GATEWAY_DATA_DIR: path.join(dataDir, 'gateway'),
        GATEWAY_OUTBOX_RETRY_MS: '1000',
        GATEWAY_TARGETS: JSON.stringify([
          { name: 'ris-fhir', kind: 'http', url: `${urls.sink}/fhir`, timeoutMs: 5000, retries: 1 },
          { name: 'worklist-drop', kind: 'file', directory: path.join(dataDir, 'worklist') },
        ]),
      },
      ready: /gateway (listening|started|online)/,
    }),
    appointment: new ManagedProcess({
      name: 'appointment',
      script: 'services/appointment/dist/main.js',
      env: {
        ...common,
        PORT: String(appointmentPort),
        APPOINTMENT_DB_NAME: `${mongo.dbName}_appointment`,
      },
      ready: /appointment service listening/,
    }),
    'fhir-builder': new ManagedProcess({
      name: 'fhir-builder',
      script: 'services/fhir-builder/dist/main.js',
      env: { ...common, PORT: String(fhirPort), FHIR_BUILDER_DB_NAME: `${mongo.dbName}_fhir` },
      ready: /fhir-builder listening/,
    }),
    'relay-dispatcher': new ManagedProcess({
      name: 'relay-dispatcher',
      script: 'services/relay-dispatcher/dist/main.js',
      env: {
        ...common,
        PORT: String(dispatcherPort),
        DISPATCHER_DB_NAME: `${mongo.dbName}_dispatcher`,
        DISPATCHER_RELAY_ENDPOINTS: relayEndpoint,
        ...options.dispatcher,
      },
      ready: /relay-dispatcher listening/,
    }),
    web: new ManagedProcess({
      name: 'web',
      script: 'services/web/dist/main.js',
      env: {
        ...common,
        PORT: String(webPort),
        WEB_DB_NAME: `${mongo.dbName}_web`,
        WEB_PUBLIC_URL: urls.web,
        APPOINTMENT_URL: urls.appointment,
        FHIR_BUILDER_URL: urls.fhirBuilder,
        DISPATCHER_URL: urls.dispatcher,
        // Sign-ins cost little here; the production cost is tested in web's own suite.
        WEB_PASSWORD_HASH_MEMORY_KIB: '1024',
        WEB_PASSWORD_HASH_ITERATIONS: '1',
        ...options.web,
      },
      ready: /web listening/,
    }),
  };

  const order: PartName[] = [
    'relay-emulator',
    'hospital-sink',
    'gateway',
    'appointment',
    'fhir-builder',
    'relay-dispatcher',
    'web',
  ];
  const logs = () => order.map((name) => parts[name].recentLogs()).join('\n');
  const stop = async () => {
    for (const name of [...order].reverse()) await parts[name].stop();
    await mongo.stop();
    await deleteNamespace(amqpUrl, namespace).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (const name of order) await parts[name].start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { namespace, amqpUrl, relayEndpoint, urls, parts, logs, stop };
}
