import type { AnyContract } from '@mbs/contracts';
import type { Channel } from 'amqplib';
import type { TopologyNames } from './names';

/**
 * Quorum queues: replicated and durable, the only kind RabbitMQ recommends for data that
 * must not be lost. Dead-lettering out of them is at-least-once, which needs reject-publish.
 *
 * Queue arguments never depend on configuration (retry delays travel per message), because
 * RabbitMQ refuses to re-declare a queue with different arguments: a changed setting must
 * not stop a service from starting.
 */
function quorumQueue(deadLetterTo?: string) {
  return {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      ...(deadLetterTo && {
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': deadLetterTo,
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

/** The exchanges every publisher and consumer needs. Idempotent: safe on every (re)connect. */
export async function declareExchanges(channel: Channel, names: TopologyNames): Promise<void> {
  await channel.assertExchange(names.unroutedExchange, 'fanout', { durable: true });
  await channel.assertQueue(names.unroutedQueue, quorumQueue());
  await channel.bindQueue(names.unroutedQueue, names.unroutedExchange, '');
  for (const kind of ['command', 'event'] as const) {
    await channel.assertExchange(names.exchangeFor(kind), 'topic', {
      durable: true,
      alternateExchange: names.unroutedExchange,
    });
  }
  await channel.assertExchange(names.broadcastExchange, 'topic', { durable: true });
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

/** A consumer's queue, its retry queues and its dead-letter queue, bound to its contracts. */
export async function declareConsumerQueues(
  channel: Channel,
  names: TopologyNames,
  consumer: string,
  contracts: readonly AnyContract[],
  retries: number,
): Promise<void> {
  const queue = names.queue(consumer);
  const deadLetterQueue = names.deadLetterQueue(consumer);
  await channel.assertQueue(deadLetterQueue, quorumQueue());
  await channel.assertQueue(queue, {
    ...quorumQueue(deadLetterQueue),
    arguments: {
      ...quorumQueue(deadLetterQueue).arguments,
      'x-delivery-limit': BROKER_DELIVERY_LIMIT,
    },
  });
  for (let retry = 1; retry <= retries; retry++) {
    // An expired message goes back to the consumer's own queue only, not to every subscriber.
    await channel.assertQueue(names.retryQueue(consumer, retry), quorumQueue(queue));
  }
  for (const contract of contracts) {
    await channel.bindQueue(queue, names.exchangeFor(contract.kind), contract.type);
  }
}
