import type { AnyContract, ContractKind } from '@mbs/contracts';
import { escapeRegExp, type TopologyNames } from './names';

/**
 * What one service does on the bus, by contract: the whole of what its broker user is allowed.
 * Declared once per service in the table of processes (@mbs/processes); `brokerPermissions`
 * turns it into the broker's permissions (docs/adr/0005-broker-users-per-service.md).
 */
export interface BrokerRole {
  /** Its durable consumer (`Bus.subscribe`), whose queues and direct exchange are its own. */
  readonly consumer?: string;
  /** What it publishes (`Bus.publish`): the routing keys it may write to commands and events. */
  readonly publishes: readonly AnyContract[];
  /** What its consumer handles: the routing keys it may bind its queue to. */
  readonly consumes: readonly AnyContract[];
  /** What it re-announces to every instance (`Bus.broadcast`). */
  readonly broadcasts?: readonly AnyContract[];
  /** What its instances hear of the broadcasts (`Bus.listen`), each on a server-named queue. */
  readonly hears?: readonly AnyContract[];
}

/** A topic exchange's routing keys a user may publish with (`write`) and bind with (`read`). */
export interface TopicPermission {
  readonly exchange: string;
  readonly write: string;
  readonly read: string;
}

/**
 * A broker user's permissions in a vhost, as RabbitMQ takes them: regular expressions over the
 * names of exchanges and queues it may configure (declare, delete), write (publish to an
 * exchange, bind a queue) and read (consume a queue, bind from an exchange); and, per topic
 * exchange, over the routing keys.
 */
export interface BrokerPermissions {
  readonly configure: string;
  readonly write: string;
  readonly read: string;
  readonly topics: readonly TopicPermission[];
}

/** Matches nothing: what RabbitMQ reads an empty permission as, spelt out. */
export const NOTHING = '^$';

/** Queues the broker names itself (`amq.gen-...`): a broadcast listener's exclusive queue. */
const SERVER_NAMED_QUEUE = 'amq\\.gen-.*';

/** Exactly one of `patterns` (regular expressions), or nothing when there are none. */
function anyOf(patterns: readonly string[]): string {
  const unique = [...new Set(patterns)];
  return unique.length === 0 ? NOTHING : `^(?:${unique.join('|')})$`;
}

const namesOf = (contracts: readonly AnyContract[], kind?: ContractKind) =>
  contracts
    .filter((contract) => kind === undefined || contract.kind === kind)
    .map((contract) => escapeRegExp(contract.type));

/**
 * The least a service's user needs to do its role, and nothing else:
 *
 * - its own consumer's queues and direct exchange: configure, write, read (it declares them,
 *   binds them, consumes them and sends its retry and dead-letter copies through the exchange);
 * - the commands or events exchange: write where it publishes, read where it binds its queue,
 *   each limited by topic permissions to the contracts it publishes or handles;
 * - the broadcast exchange likewise, and server-named queues (`amq.gen-*`, exclusive to the
 *   connection that made them) for a listener.
 *
 * Nothing else: not the default exchange (which would reach every queue by name), not another
 * consumer's queues, not configuring the shared exchanges (the broker setup declares them and
 * the bus only checks them, passively, which needs no permission).
 */
export function brokerPermissions(names: TopologyNames, role: BrokerRole): BrokerPermissions {
  const own = role.consumer === undefined ? [] : [names.consumerResourcesPattern(role.consumer)];
  const broadcasts = role.broadcasts ?? [];
  const hears = role.hears ?? [];
  const listener = hears.length > 0 ? [SERVER_NAMED_QUEUE] : [];
  const exchanges = (['command', 'event'] as const).map((kind) => ({
    name: names.exchangeFor(kind),
    publishes: namesOf(role.publishes, kind),
    binds: role.consumer === undefined ? [] : namesOf(role.consumes, kind),
  }));
  const broadcast = {
    name: names.broadcastExchange,
    publishes: namesOf(broadcasts),
    binds: namesOf(hears),
  };
  const topicExchanges = [...exchanges, broadcast];
  return {
    configure: anyOf([...own, ...listener]),
    write: anyOf([
      ...own,
      ...listener,
      ...topicExchanges.filter((e) => e.publishes.length > 0).map((e) => escapeRegExp(e.name)),
    ]),
    read: anyOf([
      ...own,
      ...listener,
      ...topicExchanges.filter((e) => e.binds.length > 0).map((e) => escapeRegExp(e.name)),
    ]),
    // Every topic exchange is listed, allowed or not: RabbitMQ lets any routing key through an
    // exchange for which a user has no topic permission at all.
    topics: topicExchanges.map((exchange) => ({
      exchange: exchange.name,
      write: anyOf(exchange.publishes),
      read: anyOf(exchange.binds),
    })),
  };
}
