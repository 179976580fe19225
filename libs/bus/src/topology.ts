import type { AnyContract } from '@mbs/contracts';
import type { Channel, ChannelModel } from 'amqplib';
import type { TopologyNames } from './names';

/**
 * Quorum queues: replicated and durable, the only kind RabbitMQ recommends for data that
 * must not be lost. Dead-lettering out of them is at-least-once, which needs reject-publish.
 *
 * Queue arguments never depend on configuration (retry delays travel per message), because
 * RabbitMQ refuses to re-declare a queue with different arguments: a changed setting must
 * not stop a service from starting.
 */
function quorumQueue(deadLetterTo?: { exchange: string; routingKey: string }) {
  return {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      ...(deadLetterTo && {
        'x-dead-letter-exchange': deadLetterTo.exchange,
        'x-dead-letter-routing-key': deadLetterTo.routingKey,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      }),
    },
  };
}

/**
 * A message the broker has delivered this many times without an ack (the consumer crashed on
 * it each time) goes to the dead-letter queue: a poison message cannot take a service down in a
 * loop.
 */
export const BROKER_DELIVERY_LIMIT = 20;

/** An exchange, queue or binding as both the bus and a broker definitions file declare it. */
export interface SharedTopology {
  readonly exchanges: ReadonlyArray<{
    readonly name: string;
    readonly type: 'topic' | 'fanout';
    readonly arguments: Readonly<Record<string, string>>;
  }>;
  readonly queues: ReadonlyArray<{
    readonly name: string;
    readonly arguments: Readonly<Record<string, string>>;
  }>;
  readonly bindings: ReadonlyArray<{
    readonly source: string;
    readonly queue: string;
    readonly routingKey: string;
  }>;
}

/**
 * What every publisher and consumer of a namespace shares, declared once here: the commands and
 * events exchanges (with `<ns>.unrouted` as their alternate exchange, and its queue), and the
 * broadcast exchange. All durable. The bus declares them when they are missing; the broker setup
 * declares the same (docs/adr/0005), so that services whose users may not configure them find
 * them there.
 */
export function sharedTopology(names: TopologyNames): SharedTopology {
  const alternate = { 'alternate-exchange': names.unroutedExchange };
  return {
    exchanges: [
      { name: names.unroutedExchange, type: 'fanout', arguments: {} },
      { name: names.exchangeFor('command'), type: 'topic', arguments: alternate },
      { name: names.exchangeFor('event'), type: 'topic', arguments: alternate },
      { name: names.broadcastExchange, type: 'topic', arguments: {} },
    ],
    queues: [{ name: names.unroutedQueue, arguments: quorumQueue().arguments }],
    bindings: [{ source: names.unroutedExchange, queue: names.unroutedQueue, routingKey: '' }],
  };
}

/**
 * Declares the shared topology: exchanges (an alternate exchange need not exist yet), then
 * queues, then bindings. Idempotent, but needs the right to configure all of it.
 */
export async function declareExchanges(channel: Channel, names: TopologyNames): Promise<void> {
  const topology = sharedTopology(names);
  for (const exchange of topology.exchanges) {
    await channel.assertExchange(exchange.name, exchange.type, {
      durable: true,
      arguments: exchange.arguments,
    });
  }
  for (const queue of topology.queues) {
    await channel.assertQueue(queue.name, { durable: true, arguments: queue.arguments });
  }
  for (const binding of topology.bindings) {
    await channel.bindQueue(binding.queue, binding.source, binding.routingKey);
  }
}

/**
 * Makes sure the shared topology exists, with no right to configure it when it does: first a
 * passive check of each exchange and the unrouted queue (which needs no permission), on a
 * channel of its own, since a missing one closes it; only when something is missing is all of
 * it declared. A service whose broker user may not configure the shared exchanges (the broker
 * setup made them) so starts, and one that may (tests, a broker with one user) makes them.
 */
export async function ensureSharedTopology(
  model: ChannelModel,
  names: TopologyNames,
): Promise<void> {
  const topology = sharedTopology(names);
  const probe = await model.createChannel();
  probe.on('error', () => undefined);
  try {
    for (const exchange of topology.exchanges) await probe.checkExchange(exchange.name);
    for (const queue of topology.queues) await probe.checkQueue(queue.name);
    await probe.close();
    return;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 404) throw error;
  }
  const channel = await model.createChannel();
  channel.on('error', () => undefined);
  try {
    await declareExchanges(channel, names);
  } catch (error) {
    if ((error as { code?: unknown }).code === 403) {
      throw new Error(
        `the shared exchanges of namespace ${names.namespace} are missing and this broker user ` +
          `may not declare them: run the broker setup first (docs/adr/0005): ${String((error as Error).message)}`,
        { cause: error },
      );
    }
    throw error;
  }
  await channel.close().catch(() => undefined);
}

/**
 * A listener's own queue on the broadcast exchange: named by the broker, exclusive to its
 * connection and deleted with it, so an instance that stops leaves nothing behind. Classic, not
 * quorum: what it carries is re-announced, not kept (see `Bus.broadcast`).
 */
export async function declareBroadcastQueue(
  channel: Channel,
  names: TopologyNames,
  contracts: readonly AnyContract[],
): Promise<string> {
  const { queue } = await channel.assertQueue('', {
    exclusive: true,
    autoDelete: true,
    durable: false,
    // A listener that stalls must not make the broker hold an unbounded backlog for it.
    arguments: { 'x-max-length': 10_000, 'x-overflow': 'drop-head' },
  });
  for (const contract of contracts) {
    await channel.bindQueue(queue, names.broadcastExchange, contract.type);
  }
  return queue;
}

/**
 * A consumer's queue, its retry queues and its dead-letter queue, bound to its contracts, and its
 * own direct exchange, which reaches each of those queues by its name: where the bus sends retry
 * and dead-letter copies, and where the broker dead-letters (from the queue to the dead-letter
 * queue; from a retry queue, once its delay has passed, back to the consumer's queue only).
 */
export async function declareConsumerQueues(
  channel: Channel,
  names: TopologyNames,
  consumer: string,
  contracts: readonly AnyContract[],
  retries: number,
): Promise<void> {
  const queue = names.queue(consumer);
  const deadLetterQueue = names.deadLetterQueue(consumer);
  const exchange = names.consumerExchange(consumer);
  await channel.assertExchange(exchange, 'direct', { durable: true });
  await channel.assertQueue(deadLetterQueue, quorumQueue());
  await channel.assertQueue(queue, {
    ...quorumQueue({ exchange, routingKey: deadLetterQueue }),
    arguments: {
      ...quorumQueue({ exchange, routingKey: deadLetterQueue }).arguments,
      'x-delivery-limit': BROKER_DELIVERY_LIMIT,
    },
  });
  const retryQueues: string[] = [];
  for (let retry = 1; retry <= retries; retry++) {
    // An expired message goes back to the consumer's own queue only, not to every subscriber.
    retryQueues.push(names.retryQueue(consumer, retry));
    await channel.assertQueue(retryQueues.at(-1)!, quorumQueue({ exchange, routingKey: queue }));
  }
  for (const own of [queue, deadLetterQueue, ...retryQueues]) {
    await channel.bindQueue(own, exchange, own);
  }
  for (const contract of contracts) {
    await channel.bindQueue(queue, names.exchangeFor(contract.kind), contract.type);
  }
}
