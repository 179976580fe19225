import type { BrokerRole } from '@mbs/bus';
import {
  AppointmentCommandRejected,
  AppointmentSentToModality,
  AppointmentStateChanged,
  CancelAppointment,
  CheckIn,
  MarkDidNotAttend,
  MessageConfirmed,
  MessageDelivered,
  MessageFailed,
  MessageReady,
  ModalityEventReported,
  SendToModality,
  WithdrawSend,
} from '@mbs/contracts';
import type { KeyVariable } from './dev-keys';

export type ProcessName =
  | 'relay-emulator'
  | 'hospital-sink'
  | 'gateway'
  | 'appointment'
  | 'fhir-builder'
  | 'relay-dispatcher'
  | 'web';

/**
 * How a process is seen to be ready (and healthy): `http`, a GET of `path` answers 200; `tcp`, a
 * connect to its port succeeds (the relay emulator, which has no /health).
 */
export type HealthCheck =
  { readonly kind: 'http'; readonly path: '/health' } | { readonly kind: 'tcp' };

/** Every process's URL, by name: `http://127.0.0.1:3002`, `ws://127.0.0.1:9090`. */
export type ProcessUrls = Readonly<Record<ProcessName, string>>;

/** Every process's port, by name. */
export type ProcessPorts = Readonly<Record<ProcessName, number>>;

/** One process of the system: how it is run, reached, seen to be ready and wired to the others. */
export interface SystemProcess {
  readonly name: ProcessName;
  /** Its workspace folder, relative to the repository root. */
  readonly workspace: string;
  /**
   * The built file `node` runs, relative to the repository root: what its workspace's own
   * `npm start` and its Dockerfile target run.
   */
  readonly entry: string;
  /** Where it listens: the variables that set it, the port its code uses when none is set. */
  readonly listen: {
    readonly hostVariable: string;
    readonly portVariable: string;
    readonly defaultPort: number;
    /** How the others address it. */
    readonly scheme: 'http' | 'ws';
  };
  readonly health: HealthCheck;
  /** What it is, as `npm start` shows it after its URL. */
  readonly shows: string;
  /** The variables that connect it to the others, from their URLs (its own included). */
  readonly wiring?: (urls: ProcessUrls) => Readonly<Record<string, string>>;
  /**
   * What it does on the bus, by contract: the whole of what its own broker user may do
   * (docs/adr/0005-broker-users-per-service.md). Only the processes that use the bus have one.
   */
  readonly broker?: BrokerRole;
  /**
   * The key variables it reads (web's signing key; the services' copy of web's public keys; the
   * dispatcher's and the gateway's keys): what `keyEnvironment` gives it from the development
   * keys (`ensureDevKeys`).
   */
  readonly keys?: readonly KeyVariable[];
}

const health: HealthCheck = { kind: 'http', path: '/health' };
/** What web's pages show live: what it relays and its replicas hear. */
const live = [
  AppointmentStateChanged,
  AppointmentCommandRejected,
  MessageDelivered,
  MessageConfirmed,
  MessageFailed,
];
const http = (defaultPort: number) =>
  ({ hostVariable: 'HOST', portVariable: 'PORT', defaultPort, scheme: 'http' }) as const;

/**
 * The processes of the system, in start order: each starts once those before it are ready, and
 * they stop in reverse order. Whoever runs the system (`npm start`, the end-to-end suites) and
 * the deployment checks read this, so a process is added or rewired here, once.
 */
export const systemProcesses: readonly SystemProcess[] = [
  {
    name: 'relay-emulator',
    workspace: 'services/relay-emulator',
    entry: 'services/relay-emulator/dist/src/main.js',
    listen: {
      hostVariable: 'RELAY_EMULATOR_HOST',
      portVariable: 'RELAY_EMULATOR_PORT',
      defaultPort: 9090,
      scheme: 'ws',
    },
    health: { kind: 'tcp' },
    shows: 'Azure Relay Hybrid Connections emulator',
  },
  {
    name: 'hospital-sink',
    workspace: 'services/hospital-sink',
    entry: 'services/hospital-sink/dist/main.js',
    listen: http(3006),
    health,
    shows: 'the hospital: GET /received; acts as the modality',
    // The modality reports what it did to the gateway's local API.
    wiring: (urls) => ({ SINK_GATEWAY_URL: urls.gateway }),
  },
  {
    name: 'gateway',
    workspace: 'gateway',
    entry: 'gateway/dist/main.js',
    listen: http(3005),
    health,
    shows: 'hospital gateway: GET /health; data in .data/gateway',
    // The dispatcher's public keys (orders verify with them) and its own private keys (orders
    // are encrypted to them, it signs what it sends back).
    keys: ['GATEWAY_DISPATCHER_KEYS', 'GATEWAY_PRIVATE_KEYS'],
    wiring: (urls) => ({ GATEWAY_RELAY_ENDPOINT: urls['relay-emulator'] }),
  },
  {
    name: 'appointment',
    workspace: 'services/appointment',
    entry: 'services/appointment/dist/main.js',
    listen: http(3002),
    health,
    shows: 'settings, clinics, appointments: GET /clinics, /appointments/:id',
    // web's public keys: its staff tokens on the API, its signatures on staff commands.
    keys: ['STAFF_TOKEN_KEYS'],
    // It alone moves appointments, so it alone announces them.
    broker: {
      consumer: 'appointment',
      publishes: [AppointmentSentToModality, AppointmentStateChanged, AppointmentCommandRejected],
      consumes: [
        SendToModality,
        WithdrawSend,
        CheckIn,
        CancelAppointment,
        MarkDidNotAttend,
        MessageDelivered,
        MessageConfirmed,
        MessageFailed,
        ModalityEventReported,
      ],
    },
  },
  {
    name: 'fhir-builder',
    workspace: 'services/fhir-builder',
    entry: 'services/fhir-builder/dist/main.js',
    listen: http(3003),
    health,
    shows: 'destinations: GET /destinations, /message-types',
    keys: ['STAFF_TOKEN_KEYS'],
    // Message failed too: a send with no destination, or a payload that cannot be built, fails
    // here, before there is a message for the dispatcher.
    broker: {
      consumer: 'fhir-builder',
      publishes: [MessageReady, MessageFailed],
      consumes: [AppointmentSentToModality],
    },
  },
  {
    name: 'relay-dispatcher',
    workspace: 'services/relay-dispatcher',
    entry: 'services/relay-dispatcher/dist/main.js',
    listen: http(3004),
    health,
    shows: 'messages and gateways: GET /messages, /gateways',
    // web's public keys for its API; its own signing key for the orders it seals; the demo
    // gateway's public keys, which the seeded gateway is registered with.
    keys: ['STAFF_TOKEN_KEYS', 'DISPATCHER_SIGNING_KEY', 'DEMO_GATEWAY_PUBLIC_KEYS'],
    // The relay gateways may name: this emulator (the default allows only Azure's wss:// hosts).
    wiring: (urls) => ({ DISPATCHER_RELAY_ENDPOINTS: urls['relay-emulator'] }),
    // The only part that hears the gateways: what became of each message, what the modality did.
    broker: {
      consumer: 'relay-dispatcher',
      publishes: [MessageDelivered, MessageConfirmed, MessageFailed, ModalityEventReported],
      consumes: [MessageReady],
    },
  },
  {
    name: 'web',
    workspace: 'services/web',
    entry: 'services/web/dist/main.js',
    listen: http(3000),
    health,
    shows: 'the staff web application: open it in a browser',
    // It issues the staff tokens the others verify, and signs staff commands.
    keys: ['WEB_SIGNING_KEY'],
    wiring: (urls) => ({
      WEB_PUBLIC_URL: urls.web,
      APPOINTMENT_URL: urls.appointment,
      FHIR_BUILDER_URL: urls['fhir-builder'],
      DISPATCHER_URL: urls['relay-dispatcher'],
    }),
    // The only part staff use: it alone sends their commands. Its durable consumer re-announces
    // what pages show to every replica, whose listeners hear it (ADR 0001).
    broker: {
      consumer: 'web',
      publishes: [CheckIn, SendToModality, WithdrawSend, CancelAppointment, MarkDidNotAttend],
      consumes: live,
      broadcasts: live,
      hears: live,
    },
  },
];

export function processNamed(name: string): SystemProcess | undefined {
  return systemProcesses.find((process) => process.name === name);
}

/** Each process's URL on `host`, from the ports they listen on. */
export function processUrls(ports: ProcessPorts, host = '127.0.0.1'): ProcessUrls {
  return Object.fromEntries(
    systemProcesses.map(({ name, listen }) => [name, `${listen.scheme}://${host}:${ports[name]}`]),
  ) as Record<ProcessName, string>;
}

/**
 * The variables that place a process among the others on this machine: its port, its wiring to
 * the others' loopback URLs, and, for a process on the bus, its own broker user's `AMQP_URL`
 * when `brokerUrls` has one (`setUpBrokerUsers`).
 */
export function processEnvironment(
  process: SystemProcess,
  ports: ProcessPorts,
  brokerUrls?: Partial<Readonly<Record<ProcessName, string>>>,
): Record<string, string> {
  const amqpUrl = process.broker && brokerUrls?.[process.name];
  return {
    [process.listen.portVariable]: String(ports[process.name]),
    ...process.wiring?.(processUrls(ports)),
    ...(amqpUrl && { AMQP_URL: amqpUrl }),
  };
}

/**
 * The key variables `process` reads, with their values from `keys` (the development keys'
 * `env`): what a runner adds to its environment. Only those: a service never gets web's private
 * key.
 */
export function keyEnvironment(
  process: SystemProcess,
  keys: Readonly<Record<KeyVariable, string>>,
): Record<string, string> {
  return Object.fromEntries((process.keys ?? []).map((variable) => [variable, keys[variable]]));
}
