import {
  brokerDefinitions,
  deleteUsersWithRabbitmqctl,
  importDefinitionsWithRabbitmqctl,
  rabbitPasswordHash,
  topologyNames,
  type BrokerDefinitions,
  type BrokerRole,
  type RabbitmqctlOptions,
} from '@mbs/bus';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { systemProcesses, type ProcessName, type SystemProcess } from './system-processes';

/** A process of the system that uses the bus, with its role there. */
export type BusProcess = SystemProcess & { readonly broker: BrokerRole };

/** The processes that use the bus, each of which gets a broker user of its own. */
export const busProcesses: readonly BusProcess[] = systemProcesses.filter(
  (process): process is BusProcess => process.broker !== undefined,
);

/**
 * The broker user of a process in a namespace: `mbs-appointment`, as the Kubernetes Secret that
 * holds its URL is named; `e2e-...-appointment` for an end-to-end system's own namespace.
 */
export function brokerUserName(namespace: string, process: ProcessName): string {
  return `${namespace}-${process}`;
}

/**
 * The variable that gives the broker setup (`broker-setup.js`) a process's `AMQP_URL`, user and
 * password included: `APPOINTMENT_AMQP_URL`, `RELAY_DISPATCHER_AMQP_URL`.
 */
export function brokerUrlVariable(process: ProcessName): string {
  return `${process.toUpperCase().replace(/-/g, '_')}_AMQP_URL`;
}

/** One process's broker user: its name and password. */
export interface BrokerCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * The definitions that make each process's user with exactly its role (the table's `broker`) on
 * `namespace` in `vhost`, and the namespace's shared exchanges: what every setup imports (npm
 * start, the end-to-end system and the tests through rabbitmqctl; compose, Kubernetes and
 * production through the management API).
 */
export function systemBrokerDefinitions(options: {
  readonly namespace: string;
  readonly vhost: string;
  readonly credentials: Readonly<Partial<Record<ProcessName, BrokerCredentials>>>;
}): BrokerDefinitions {
  const { namespace, vhost, credentials } = options;
  return brokerDefinitions({
    names: topologyNames(namespace),
    vhost,
    users: busProcesses.map((process) => {
      const given = credentials[process.name];
      if (!given) throw new Error(`no broker user given for ${process.name}`);
      return {
        name: given.username,
        passwordHash: rabbitPasswordHash(given.password),
        role: process.broker,
      };
    }),
  });
}

/** `adminUrl`'s broker and vhost, as `credentials`' user. */
export function brokerUrlAs(adminUrl: string, credentials: BrokerCredentials): string {
  const url = new URL(adminUrl);
  url.username = encodeURIComponent(credentials.username);
  url.password = encodeURIComponent(credentials.password);
  return url.toString();
}

/** The vhost an AMQP URL names: its path, `/` when it has none. */
export function vhostOf(amqpUrl: string): string {
  const { pathname } = new URL(amqpUrl);
  return pathname.length > 1 ? decodeURIComponent(pathname.slice(1)) : '/';
}

const newPassword = () => randomBytes(24).toString('base64url');

/** Broker users made on this machine's broker, and how to take them away again. */
export interface BrokerUsers {
  /** Each bus process's `AMQP_URL`, as its own user: `processEnvironment`'s `brokerUrls`. */
  readonly urls: Readonly<Record<ProcessName, string>>;
  readonly usernames: readonly string[];
  /** Deletes the users (what they declared stays; `deleteNamespace` takes that). */
  remove(): Promise<void>;
}

/**
 * Makes every bus process's user on this machine's broker for `namespace`, with passwords of its
 * own (or `passwords` given), in ONE `rabbitmqctl import_definitions` run, as the administrator
 * `rabbitmqctl` acts as. `adminUrl` gives the host, port and vhost the processes connect to.
 */
export async function setUpBrokerUsers(options: {
  readonly adminUrl: string;
  readonly namespace: string;
  readonly passwords?: Readonly<Partial<Record<ProcessName, string>>>;
  readonly rabbitmqctl?: RabbitmqctlOptions;
}): Promise<BrokerUsers> {
  const { adminUrl, namespace } = options;
  const credentials = Object.fromEntries(
    busProcesses.map((process) => [
      process.name,
      {
        username: brokerUserName(namespace, process.name),
        password: options.passwords?.[process.name] ?? newPassword(),
      },
    ]),
  ) as Record<ProcessName, BrokerCredentials>;
  await importDefinitionsWithRabbitmqctl(
    systemBrokerDefinitions({ namespace, vhost: vhostOf(adminUrl), credentials }),
    options.rabbitmqctl,
  );
  const usernames = Object.values(credentials).map((given) => given.username);
  return {
    urls: Object.fromEntries(
      Object.entries(credentials).map(([name, given]) => [name, brokerUrlAs(adminUrl, given)]),
    ) as Record<ProcessName, string>,
    usernames,
    remove: () => deleteUsersWithRabbitmqctl(usernames, options.rabbitmqctl),
  };
}

/**
 * `setUpBrokerUsers` for `npm start`: the passwords are made on first use and kept in `file`
 * (`.data/broker-users.json`, owner-only, never committed), by namespace, so the users are the
 * same on every start. Run on every start: it also brings the permissions up to date with the
 * code.
 */
export async function setUpDevelopmentBrokerUsers(options: {
  readonly adminUrl: string;
  readonly namespace: string;
  readonly file: string;
  readonly rabbitmqctl?: RabbitmqctlOptions;
}): Promise<BrokerUsers> {
  const { file, namespace } = options;
  const kept = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>)
    : {};
  const passwords = Object.fromEntries(
    busProcesses.map((process) => [process.name, kept[namespace]?.[process.name] ?? newPassword()]),
  );
  const changed = busProcesses.some((process) => kept[namespace]?.[process.name] === undefined);
  if (changed) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ ...kept, [namespace]: passwords }, null, 2)}\n`, {
      mode: 0o600,
    });
    chmodSync(file, 0o600);
  }
  return setUpBrokerUsers({ ...options, passwords });
}
