import { createMessage, SendToModality } from '@mbs/contracts';
import { PermanentError } from '@mbs/errors';
import { busPerTest, eventually, sleep } from '../test/support';
import type { GetMessage } from 'amqplib';
import { BROKER_DELIVERY_LIMIT, Header, on } from './index';

const DAY = 24 * 60 * 60 * 1000;

const command = () =>
  createMessage(SendToModality, {
    appointmentId: 'apt-1',
    requestedBy: { userId: 'u-1', name: 'Ada' },
  });

const refuse = on(SendToModality, async () => {
  throw new PermanentError('unknown_appointment', 'no such appointment');
});

describe('dead letters expire after their own period (real RabbitMQ)', () => {
  const { connect, probe } = busPerTest('bus-dl-expiry');

  it('gives a dead letter an expiry of 14 days by default, on the copy only', async () => {
    const bus = await connect();
    await bus.subscribe('appointment', [refuse]);
    const sent = command();
    await bus.publish(SendToModality, sent);
    const [dead] = await (await probe()).take(bus.names.deadLetterQueue('appointment'), 1);
    expect(dead!.properties.messageId).toBe(sent.id);
    expect(dead!.properties.headers?.[Header.failureCode]).toBe('unknown_appointment');
    expect(dead!.properties.expiration).toBe(String(14 * DAY));
  });

  it('keeps a dead letter visible for its period, then it is gone', async () => {
    const periodMs = 3000;
    const bus = await connect({ deadLetterRetentionMs: periodMs });
    await bus.subscribe('appointment', [refuse]);
    const raw = await probe();
    const deadLetterQueue = bus.names.deadLetterQueue('appointment');
    const publishedAt = Date.now();
    await bus.publish(SendToModality, command());

    await eventually(async () => (await raw.depth(deadLetterQueue)) === 1, 'the dead letter');
    // Still there well inside its period, for someone to look at or replay.
    await sleep(Math.max(0, publishedAt + periodMs / 2 - Date.now()));
    expect(await raw.depth(deadLetterQueue)).toBe(1);

    await eventually(
      async () => (await raw.depth(deadLetterQueue)) === 0,
      'the dead letter to expire',
      periodMs + 10_000,
    );
    expect(Date.now() - publishedAt).toBeGreaterThanOrEqual(periodMs);
  });

  it('dead-letters a message that crashed its consumer on every delivery itself, with the expiry, before the broker would without one', async () => {
    const periodMs = 60_000;
    const first = await connect({ deadLetterRetentionMs: periodMs });
    // Declares the consumer's queues, then goes away: crashing consumers take its place.
    await first.subscribe('worker', [on(SendToModality, async () => {})]);
    await first.close(2_000);
    const raw = await probe();
    const queue = first.names.queue('worker');
    const sent = command();
    await raw.publishRaw(
      first.names.exchangeFor('command'),
      SendToModality.type,
      JSON.stringify(sent),
    );
    // Every delivery but the broker's last ends with its consumer dying (the channel closes
    // without an ack), as a handler that crashes the process would.
    for (let crashes = 0; crashes < BROKER_DELIVERY_LIMIT;) {
      const channel = await raw.connection.createChannel();
      const delivery: GetMessage | false = await channel.get(queue, { noAck: false });
      await channel.close();
      if (delivery) crashes++;
    }

    const handled: string[] = [];
    const bus = await connect({ deadLetterRetentionMs: periodMs });
    await bus.subscribe('worker', [
      on(SendToModality, async (message) => void handled.push(message.id)),
    ]);
    const [dead] = await raw.take(bus.names.deadLetterQueue('worker'), 1);
    expect(dead!.properties.messageId ?? JSON.parse(dead!.content.toString()).id).toBe(sent.id);
    expect(dead!.properties.expiration).toBe(String(periodMs));
    expect(dead!.properties.headers).toMatchObject({
      [Header.failureCode]: 'delivery_limit',
      [Header.failedConsumer]: 'worker',
    });
    expect(String(dead!.properties.headers?.[Header.failureReason])).toMatch(
      /delivered 21 times without an acknowledgement/,
    );
    // Not run a 21st time: it crashed its consumer on each of the others.
    expect(handled).toEqual([]);
    expect(await raw.depth(queue)).toBe(0);
  });

  it('refuses a period the broker cannot time', async () => {
    await expect(connect({ deadLetterRetentionMs: 0 })).rejects.toThrow(/deadLetterRetentionMs/);
    await expect(connect({ deadLetterRetentionMs: 2 ** 32 })).rejects.toThrow(
      /deadLetterRetentionMs/,
    );
  });
});
