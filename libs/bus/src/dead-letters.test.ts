import { createMessage, SendToModality } from '@mbs/contracts';
import { PermanentError } from '@mbs/errors';
import type { GetMessage } from 'amqplib';
import { busPerTest, eventually, sleep } from '../test/support';
import { peekDeadLetters, refuseCountingBroker } from './dead-letters';
import {
  BROKER_DELIVERY_LIMIT,
  DeadLettersUnavailableError,
  Header,
  MAX_DEAD_LETTER_PEEK,
  on,
} from './index';

const DAY = 24 * 60 * 60 * 1000;
/** What a dead letter's body holds and a look must never show. */
const PATIENT = { name: 'Marker-Thompson', nhsNumber: '9434765919' };

const command = () =>
  createMessage(SendToModality, {
    appointmentId: 'apt-1',
    requestedBy: { userId: PATIENT.nhsNumber, name: PATIENT.name },
  });

const refuse = on(SendToModality, async () => {
  throw new PermanentError('unknown_appointment', 'no such appointment');
});

describe('looking at dead letters without taking them (real RabbitMQ)', () => {
  const suite = busPerTest('bus-dl-peek');
  const { broker, connect, probe } = suite;

  /**
   * `count` dead letters put on worker's dead-letter queue as the bus's copies are (its exchange,
   * properties, x-failure-* headers, an expiry), each with its own id, headers and body.
   */
  async function givenDeadLetters(count: number) {
    const bus = await connect();
    await bus.subscribe('worker', [refuse]);
    const raw = await probe();
    const queue = bus.names.deadLetterQueue('worker');
    for (let i = 1; i <= count; i++) {
      raw.channel.publish(
        bus.names.consumerExchange('worker'),
        queue,
        Buffer.from(JSON.stringify({ i, ...PATIENT })),
        {
          persistent: true,
          messageId: `m-${i}`,
          type: SendToModality.type,
          correlationId: `c-${i}`,
          expiration: String(DAY + i),
          headers: {
            [Header.failureCode]: 'unknown_appointment',
            [Header.failureReason]: `no such appointment ${i}`,
            [Header.failedAt]: '2026-12-07T10:00:00.000Z',
            [Header.attempt]: i,
            [Header.failedConsumer]: 'worker',
            [Header.originalExchange]: bus.names.exchangeFor('command'),
            [Header.originalRoutingKey]: SendToModality.type,
          },
        },
      );
    }
    await raw.channel.waitForConfirms();
    await eventually(async () => (await raw.depth(queue)) === count, `${count} dead letters`);
    return { bus, raw, queue, reader: bus.deadLetters('worker') };
  }

  /** What a message is, broker bookkeeping aside: a look adds to x-delivery-count, nothing else. */
  const asStored = (message: GetMessage) => {
    const { 'x-delivery-count': _count, ...headers } = message.properties.headers ?? {};
    return {
      id: message.properties.messageId,
      body: message.content.toString(),
      expiration: message.properties.expiration,
      type: message.properties.type,
      correlationId: message.properties.correlationId,
      headers,
    };
  };

  it("lists a dead letter by its properties and the bus's headers, with its size and expiry, never its body", async () => {
    const bus = await connect();
    await bus.subscribe('appointment', [refuse]);
    const sent = command();
    await bus.publish(SendToModality, sent);
    const reader = bus.deadLetters('appointment');
    const look = await eventually(async () => {
      const found = await reader.peek();
      return found.total === 1 && found;
    }, 'the dead letter');

    expect(look).toEqual({
      queue: `${suite.namespace}.appointment.dead-letter`,
      total: 1,
      deadLetters: [
        {
          id: sent.id,
          type: SendToModality.type,
          correlationId: sent.correlationId,
          failureCode: 'unknown_appointment',
          failureReason: 'PermanentError: no such appointment',
          failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          attempt: 1,
          failedConsumer: 'appointment',
          originalExchange: bus.names.exchangeFor('command'),
          originalRoutingKey: SendToModality.type,
          sizeBytes: Buffer.byteLength(JSON.stringify(sent)),
          expirationMs: 14 * DAY,
          expiresAt: expect.any(String),
        },
      ],
    });
    const [entry] = look.deadLetters;
    expect(Date.parse(entry!.expiresAt!) - Date.parse(entry!.failedAt!)).toBe(14 * DAY);
    const shown = JSON.stringify(look);
    for (const secret of [PATIENT.name, PATIENT.nhsNumber, 'requestedBy', 'apt-1']) {
      expect(shown).not.toContain(secret);
    }
  });

  it('leaves the queue as it was: the same messages, in the same order, with their headers, properties and expiry', async () => {
    const { raw, queue, reader } = await givenDeadLetters(12);
    const ids = Array.from({ length: 12 }, (_, i) => `m-${i + 1}`);
    // Every limit, in an order that would rotate the broker's returns if a look took only what
    // it lists (10, then 3 of those 10 again, then 1...).
    for (const limit of [10, 3, MAX_DEAD_LETTER_PEEK, 1, 5, 12]) {
      const look = await reader.peek(limit);
      expect([limit, look.total, look.deadLetters.map((entry) => entry.id)]).toEqual([
        limit,
        12,
        ids.slice(0, limit),
      ]);
    }
    // Two looks at once (one service): one after the other, so both see the same.
    const [first, second] = await Promise.all([reader.peek(4), reader.peek(4)]);
    expect(second).toEqual(first);

    // What the queue holds, taken out at last: exactly what was put there, in order.
    const stored = (await raw.take(queue, 12)).map(asStored);
    expect(stored.map((message) => message.id)).toEqual(ids);
    expect(stored[0]).toEqual({
      id: 'm-1',
      body: JSON.stringify({ i: 1, ...PATIENT }),
      expiration: String(DAY + 1),
      type: SendToModality.type,
      correlationId: 'c-1',
      headers: {
        [Header.failureCode]: 'unknown_appointment',
        [Header.failureReason]: 'no such appointment 1',
        [Header.failedAt]: '2026-12-07T10:00:00.000Z',
        [Header.attempt]: 1,
        [Header.failedConsumer]: 'worker',
        [Header.originalExchange]: `${suite.namespace}.commands`,
        [Header.originalRoutingKey]: SendToModality.type,
      },
    });
    expect(stored.map((message) => message.expiration)).toEqual(
      ids.map((_, i) => String(DAY + i + 1)),
    );
    expect(await raw.depth(queue)).toBe(0);
  });

  it('keeps a dead letter looked at more often than any delivery limit: the broker counts each look, and drops nothing', async () => {
    const { raw, queue, reader } = await givenDeadLetters(2);
    const looks = BROKER_DELIVERY_LIMIT + 5;
    for (let i = 0; i < looks; i++) {
      expect((await reader.peek()).deadLetters.map((entry) => entry.id)).toEqual(['m-1', 'm-2']);
    }
    const stored = await raw.take(queue, 2);
    expect(stored.map((message) => message.properties.messageId)).toEqual(['m-1', 'm-2']);
    // Each look was a delivery the broker counted: that is the count RabbitMQ 4 would limit.
    expect(Number(stored[0]!.properties.headers?.['x-delivery-count'])).toBeGreaterThanOrEqual(
      looks,
    );
  });

  it('does not extend a dead letter: looked at over and over, it expires at its own time', async () => {
    const periodMs = 3_000;
    const bus = await connect({ deadLetterRetentionMs: periodMs });
    await bus.subscribe('appointment', [refuse]);
    const reader = bus.deadLetters('appointment');
    const publishedAt = Date.now();
    await bus.publish(SendToModality, command());
    await eventually(async () => (await reader.peek()).total === 1, 'the dead letter');
    // Looked at all along its period...
    while (Date.now() - publishedAt < periodMs / 2) {
      expect((await reader.peek()).deadLetters.map((entry) => entry.expirationMs)).toEqual([
        periodMs,
      ]);
      await sleep(100);
    }
    // ...it is gone once the period is over, as one nobody looked at is.
    await eventually(
      async () => (await reader.peek()).total === 0,
      'the dead letter to expire',
      periodMs + 10_000,
    );
    expect(Date.now() - publishedAt).toBeGreaterThanOrEqual(periodMs);
  });

  it('lists the first `limit`, counting all; a queue that does not exist holds none', async () => {
    const { reader } = await givenDeadLetters(3);
    expect(await reader.peek(2)).toMatchObject({
      total: 3,
      deadLetters: [{ id: 'm-1' }, { id: 'm-2' }],
    });
    const bus = await connect();
    expect(await bus.deadLetters('nobody').peek()).toEqual({
      queue: `${suite.namespace}.nobody.dead-letter`,
      total: 0,
      deadLetters: [],
    });
  });

  it('cuts a long failure reason, and refuses a limit outside 1 to 200', async () => {
    const bus = await connect();
    await bus.subscribe('appointment', [
      on(SendToModality, async () => {
        throw new PermanentError('unknown_appointment', 'x'.repeat(5_000));
      }),
    ]);
    await bus.publish(SendToModality, command());
    const reader = bus.deadLetters('appointment');
    const [entry] = await eventually(async () => {
      const { deadLetters } = await reader.peek();
      return deadLetters.length > 0 && deadLetters;
    }, 'the dead letter');
    expect(entry!.failureReason).toHaveLength(500);
    expect(entry!.failureReason!.endsWith('…')).toBe(true);

    for (const limit of [0, MAX_DEAD_LETTER_PEEK + 1, 1.5, Number.NaN]) {
      await expect(reader.peek(limit)).rejects.toThrow(
        'limit must be a whole number from 1 to 200',
      );
    }
    // A refused look leaves the next one working.
    expect((await reader.peek(1)).total).toBe(1);
  });

  it('fails as unavailable when the broker cannot be reached, naming no credentials', async () => {
    const away = new URL(broker.current.url);
    away.port = '1';
    const failure: unknown = await peekDeadLetters({
      url: away.toString(),
      connectionName: 'svc:dead-letters',
      queue: `${suite.namespace}.appointment.dead-letter`,
      limit: 1,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeadLettersUnavailableError);
    const { message } = failure as Error;
    expect(message).toContain(`could not connect to RabbitMQ at amqp://${away.hostname}:1`);
    expect(message).not.toContain(`${away.username}:${away.password}@`);
  });
});

describe('which brokers a look is refused on', () => {
  it('refuses RabbitMQ 4 and later, which would count looks towards a delivery limit of 20, and allows 3', () => {
    for (const version of ['4.0.5', '4.3.0', '5.0.0']) {
      expect(() => refuseCountingBroker({ product: 'RabbitMQ', version })).toThrow(
        DeadLettersUnavailableError,
      );
    }
    for (const version of ['3.10.8', '3.13.7', undefined]) {
      expect(() => refuseCountingBroker({ product: 'RabbitMQ', version })).not.toThrow();
    }
  });
});
