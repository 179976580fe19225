import { createHash, randomBytes } from 'node:crypto';
import { brokerPermissions, type BrokerRole } from './broker-permissions';
import type { TopologyNames } from './names';
import { sharedTopology } from './topology';

/** One broker user: its name, its password's hash (`rabbitPasswordHash`) and its role. */
export interface BrokerUser {
  readonly name: string;
  readonly passwordHash: string;
  readonly role: BrokerRole;
}

/**
 * RabbitMQ definitions (`rabbitmqctl import_definitions`, `POST /api/definitions`, or
 * `load_definitions` at boot), the parts this writes: the vhost, the users with their
 * permissions and topic permissions, and the shared topology of the namespace. Importing adds
 * and updates, never removes: safe to run again, and it leaves other users and queues alone.
 */
export interface BrokerDefinitions {
  readonly vhosts: ReadonlyArray<{ name: string }>;
  readonly users: ReadonlyArray<{
    name: string;
    password_hash: string;
    hashing_algorithm: 'rabbit_password_hashing_sha256';
    tags: string;
  }>;
  readonly permissions: ReadonlyArray<{
    user: string;
    vhost: string;
    configure: string;
    write: string;
    read: string;
  }>;
  readonly topic_permissions: ReadonlyArray<{
    user: string;
    vhost: string;
    exchange: string;
    write: string;
    read: string;
  }>;
  readonly exchanges: ReadonlyArray<{
    name: string;
    vhost: string;
    type: string;
    durable: true;
    auto_delete: false;
    internal: false;
    arguments: Readonly<Record<string, string>>;
  }>;
  readonly queues: ReadonlyArray<{
    name: string;
    vhost: string;
    durable: true;
    auto_delete: false;
    arguments: Readonly<Record<string, string>>;
  }>;
  readonly bindings: ReadonlyArray<{
    source: string;
    vhost: string;
    destination: string;
    destination_type: 'queue';
    routing_key: string;
    arguments: Record<string, never>;
  }>;
}

/** The definitions that give each user exactly its role on `names`' namespace in `vhost`. */
export function brokerDefinitions(options: {
  readonly names: TopologyNames;
  readonly vhost: string;
  readonly users: readonly BrokerUser[];
}): BrokerDefinitions {
  const { names, vhost, users } = options;
  const topology = sharedTopology(names);
  const granted = users.map((user) => ({ user, permissions: brokerPermissions(names, user.role) }));
  return {
    vhosts: [{ name: vhost }],
    users: users.map((user) => ({
      name: user.name,
      password_hash: user.passwordHash,
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: '',
    })),
    permissions: granted.map(({ user, permissions }) => ({
      user: user.name,
      vhost,
      configure: permissions.configure,
      write: permissions.write,
      read: permissions.read,
    })),
    topic_permissions: granted.flatMap(({ user, permissions }) =>
      permissions.topics.map((topic) => ({ user: user.name, vhost, ...topic })),
    ),
    exchanges: topology.exchanges.map((exchange) => ({
      name: exchange.name,
      vhost,
      type: exchange.type,
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: exchange.arguments,
    })),
    queues: topology.queues.map((queue) => ({
      name: queue.name,
      vhost,
      durable: true,
      auto_delete: false,
      arguments: queue.arguments,
    })),
    bindings: topology.bindings.map((binding) => ({
      source: binding.source,
      vhost,
      destination: binding.queue,
      destination_type: 'queue',
      routing_key: binding.routingKey,
      arguments: {},
    })),
  };
}

/**
 * A password as RabbitMQ's internal users store it (`rabbit_password_hashing_sha256`): a random
 * 4-byte salt, then SHA-256 of the salt and the password, in base64. So definitions carry no
 * password, and the broker checks the password a service sends against this.
 */
export function rabbitPasswordHash(password: string, salt: Buffer = randomBytes(4)): string {
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
    .digest();
  return Buffer.concat([salt, digest]).toString('base64');
}
