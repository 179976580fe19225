import { eventually, sleep, testLogger } from '@mbs/testing';
import { SendToModality, createMessage } from '@mbs/contracts';
import amqp, { type GetMessage } from 'amqplib';
import { on, type Bus } from '../src/index';

export { eventually, sleep };

export const quietLogger = () => testLogger('bus-test');

/** A plain amqplib connection for looking at queues and publishing raw bytes, as a foreign client would. */
export async function openProbe(url: string) {
  const connection = await amqp.connect(url, {
    clientProperties: { connection_name: 'bus-test-probe' },
  });
  const channel = await connection.createConfirmChannel();
  return {
    channel,
    async publishRaw(
      exchange: string,
      routingKey: string,
      content: Buffer | string,
      headers: Record<string, unknown> = {},
    ) {
      channel.publish(exchange, routingKey, Buffer.from(content), { persistent: true, headers });
      await channel.waitForConfirms();
    },
    /** Takes up to `count` messages from a queue, waiting for them to arrive. */
    async take(queue: string, count: number, timeoutMs = 15_000): Promise<GetMessage[]> {
      const taken: GetMessage[] = [];
      const deadline = Date.now() + timeoutMs;
      while (taken.length < count) {
        const message = await channel.get(queue, { noAck: true });
        if (message) taken.push(message);
        else if (Date.now() > deadline)
          throw new Error(`only ${taken.length} of ${count} messages in ${queue}`);
        else await sleep(25);
      }
      return taken;
    },
    async depth(queue: string): Promise<number> {
      return (await channel.checkQueue(queue)).messageCount;
    },
    close: () => connection.close(),
  };
}

/**
 * A handler whose effect is idempotent by message id, as every handler in the system is:
 * `deliveries` counts every run (redeliveries included), `effects` only the first per id.
 */
export function idempotentRecorder(workMs: number) {
  const deliveries = new Map<string, number>();
  const effects = new Set<string>();
  return {
    deliveries,
    effects,
    handler: on(SendToModality, async (message) => {
      deliveries.set(message.id, (deliveries.get(message.id) ?? 0) + 1);
      await sleep(workMs);
      effects.add(message.id);
    }),
  };
}

/** Publishes `total` commands one after another (each confirmed), pausing between them. */
export function publishCommands(bus: Bus, total: number, pauseMs = 0) {
  const sent: string[] = [];
  const done = (async () => {
    for (let i = 0; i < total; i++) {
      const message = createMessage(SendToModality, {
        appointmentId: `apt-${i}`,
        requestedBy: { userId: 'u', name: 'n' },
      });
      await bus.publish(SendToModality, message);
      sent.push(message.id);
      if (pauseMs > 0) await sleep(pauseMs);
    }
  })();
  return { sent, done };
}
