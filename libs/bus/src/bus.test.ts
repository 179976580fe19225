import {
  ContractViolation,
  MessageConfirmed,
  SendToModality,
  createMessage,
  type MessageOf,
} from '@mbs/contracts';
import { PermanentError, TransientError } from '@mbs/errors';
import { currentTraceId, startInMemoryTracing, withSpan, SpanKind } from '@mbs/telemetry';
import { deleteNamespace, uniqueName, useRabbitMq } from '@mbs/testing';
import { eventually, openProbe, quietLogger, recordingLogger, sleep } from '../test/support';
import {
  Bus,
  BusUnavailableError,
  Header,
  on,
  type BusOptions,
  type DeliveryContext,
} from './index';

type Command = MessageOf<typeof SendToModality>;

const command = (appointmentId = 'apt-1') =>
  createMessage(SendToModality, { appointmentId, requestedBy: { userId: 'u-1', name: 'Ada' } });

describe('bus (real RabbitMQ)', () => {
  const broker = useRabbitMq();
  let namespace: string;
  const buses: Bus[] = [];
  const probes: Array<{ close(): Promise<void> }> = [];

  beforeEach(() => {
    namespace = uniqueName('bus');
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close(2_000)));
    await Promise.all(probes.splice(0).map((probe) => probe.close()));
    await deleteNamespace(broker.current, namespace);
  });

  async function connect(service = 'svc', options: Partial<BusOptions> = {}) {
    const bus = await Bus.connect({
      url: broker.current.url,
      service,
      namespace,
      logger: quietLogger(),
      ...options,
    });
    buses.push(bus);
    return bus;
  }
  async function probe() {
    const opened = await openProbe(broker.current.url);
    probes.push(opened);
    return opened;
  }

  it('publishes with confirms and delivers the validated message to its handler', async () => {
    const bus = await connect();
    const received: Array<{ message: Command; context: DeliveryContext }> = [];
    await bus.subscribe('appointment', [
      on(SendToModality, async (message, context) => void received.push({ message, context })),
    ]);
    const sent = command();
    await bus.publish(SendToModality, sent);
    await eventually(() => received.length === 1, 'the command');
    expect(received[0]!.message).toEqual(sent);
    expect(received[0]!.context.attempt).toBe(1);
    expect(received[0]!.context.redelivered).toBe(false);
    expect(bus.health()).toEqual({
      ok: true,
      publisher: true,
      consumers: { appointment: true },
      unrouted: 0,
    });
  });

  it('refuses to publish a message that breaks its contract, before it reaches the broker', async () => {
    const bus = await connect();
    const broken = {
      ...command(),
      data: { appointmentId: 'has spaces', requestedBy: { userId: 'u', name: 'n' } },
    };
    await expect(bus.publish(SendToModality, broken)).rejects.toBeInstanceOf(ContractViolation);
  });

  it('dead-letters malformed and invalid messages with the reason, never retries them, and keeps consuming', async () => {
    const bus = await connect();
    const handled: string[] = [];
    await bus.subscribe('appointment', [
      on(SendToModality, async (message) => void handled.push(message.id)),
    ]);
    const raw = await probe();
    const exchange = bus.names.exchangeFor('command');

    await raw.publishRaw(exchange, SendToModality.type, '{not json');
    await raw.publishRaw(
      exchange,
      SendToModality.type,
      JSON.stringify({ ...command(), data: { appointmentId: '' } }),
    );
    await raw.publishRaw(exchange, SendToModality.type, JSON.stringify({ hello: 'no type' }));
    const good = command('apt-after-poison');
    await bus.publish(SendToModality, good);

    await eventually(() => handled.length === 1, 'the good message after the bad ones');
    expect(handled).toEqual([good.id]);

    const dead = await raw.take(bus.names.deadLetterQueue('appointment'), 3);
    const reasons = dead.map((m) => ({
      code: m.properties.headers?.[Header.failureCode],
      reason: String(m.properties.headers?.[Header.failureReason]),
      attempt: m.properties.headers?.[Header.attempt],
      routingKey: m.properties.headers?.[Header.originalRoutingKey],
    }));
    expect(reasons).toEqual([
      {
        code: 'malformed_json',
        reason: expect.stringContaining('body is not JSON'),
        attempt: 1,
        routingKey: SendToModality.type,
      },
      {
        code: 'contract_violation',
        reason: expect.stringContaining('data.appointmentId'),
        attempt: 1,
        routingKey: SendToModality.type,
      },
      {
        code: 'missing_type',
        reason: expect.stringContaining('no "type"'),
        attempt: 1,
        routingKey: SendToModality.type,
      },
    ]);
    // The body is kept byte for byte, so an operator can see and replay exactly what arrived.
    expect(dead[0]!.content.toString()).toBe('{not json');
  });

  it('retries a transient failure with growing delays, then dead-letters it at the limit', async () => {
    const bus = await connect();
    const attempts: Array<{ at: number; attempt: number; lastAttempt: boolean }> = [];
    // Steps of 300, 600, 1200 ms: the third wait (at least 600) outgrows the first (at most 300)
    // by 300 ms, a margin a stall on a loaded machine does not eat as easily as 150 ms.
    const policy = { attempts: 4, baseDelayMs: 300, maxDelayMs: 5_000 };
    await bus.subscribe(
      'appointment',
      [
        on(SendToModality, async (_message, { attempt, lastAttempt }) => {
          attempts.push({ at: Date.now(), attempt, lastAttempt });
          throw new TransientError('hospital_busy', 'the destination is busy');
        }),
      ],
      { retry: policy },
    );
    const sent = command();
    await bus.publish(SendToModality, sent);
    const raw = await probe();
    const [dead] = await raw.take(bus.names.deadLetterQueue('appointment'), 1, 20_000);

    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    // The handler is told which try is its last, so it can report before the dead letter.
    expect(attempts.map((a) => a.lastAttempt)).toEqual([false, false, false, true]);
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
    // Each wait is at least half its step: delays grow, and never come early.
    gaps.forEach((gap, i) =>
      expect(gap).toBeGreaterThanOrEqual((policy.baseDelayMs * 2 ** i) / 2 - 20),
    );
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);

    expect(dead!.properties.messageId).toBe(sent.id);
    expect(dead!.properties.headers?.[Header.failureCode]).toBe('retries_exhausted');
    expect(dead!.properties.headers?.[Header.failureReason]).toBe(
      'gave up after 4 attempts; last error: TransientError: the destination is busy',
    );
    expect(JSON.parse(dead!.content.toString())).toEqual(sent);
    // Where it was first published, not the retry queue's dead-letter hop (exchange "", the
    // consumer's own queue), so an operator can replay it to the right place.
    expect(dead!.properties.headers?.[Header.originalExchange]).toBe(`${namespace}.commands`);
    expect(dead!.properties.headers?.[Header.originalRoutingKey]).toBe(SendToModality.type);
    expect(await raw.depth(bus.names.queue('appointment'))).toBe(0);
  });

  it('dead-letters a permanent failure met on a retry with where the message was first published', async () => {
    const bus = await connect();
    const attempts: number[] = [];
    await bus.subscribe(
      'appointment',
      [
        on(SendToModality, async (_message, { attempt }) => {
          attempts.push(attempt);
          if (attempt === 1) throw new TransientError('hospital_busy', 'busy');
          throw new PermanentError('unknown_appointment', 'no appointment apt-1');
        }),
      ],
      { retry: { attempts: 5, baseDelayMs: 50, maxDelayMs: 100 } },
    );
    await bus.publish(SendToModality, command());
    const raw = await probe();
    const [dead] = await raw.take(bus.names.deadLetterQueue('appointment'), 1);
    expect(attempts).toEqual([1, 2]);
    expect(dead!.fields.routingKey).toBe(bus.names.deadLetterQueue('appointment'));
    expect(dead!.properties.headers).toMatchObject({
      [Header.failureCode]: 'unknown_appointment',
      [Header.attempt]: 2,
      [Header.originalExchange]: `${namespace}.commands`,
      [Header.originalRoutingKey]: 'appointment.send-to-modality',
    });
  });

  it('succeeds on a retry when the fault passes', async () => {
    const bus = await connect();
    const attempts: number[] = [];
    await bus.subscribe(
      'appointment',
      [
        on(SendToModality, async (_message, { attempt }) => {
          attempts.push(attempt);
          if (attempt < 2) throw new Error('ECONNRESET');
        }),
      ],
      { retry: { attempts: 5, baseDelayMs: 50, maxDelayMs: 100 } },
    );
    await bus.publish(SendToModality, command());
    await eventually(() => attempts.length === 2, 'the second attempt');
    await sleep(300);
    expect(attempts).toEqual([1, 2]);
    const raw = await probe();
    expect(await raw.depth(bus.names.deadLetterQueue('appointment'))).toBe(0);
  });

  it('dead-letters a permanent failure at once', async () => {
    const bus = await connect();
    let calls = 0;
    await bus.subscribe('appointment', [
      on(SendToModality, async () => {
        calls++;
        throw new PermanentError('unknown_appointment', 'no appointment apt-1');
      }),
    ]);
    await bus.publish(SendToModality, command());
    const raw = await probe();
    const [dead] = await raw.take(bus.names.deadLetterQueue('appointment'), 1);
    expect(calls).toBe(1);
    expect(dead!.properties.headers?.[Header.failureCode]).toBe('unknown_appointment');
    expect(dead!.properties.headers?.[Header.failedConsumer]).toBe('appointment');
    // A first-try failure takes its origin from the delivery itself.
    expect(dead!.properties.headers?.[Header.originalExchange]).toBe(`${namespace}.commands`);
    expect(dead!.properties.headers?.[Header.originalRoutingKey]).toBe(SendToModality.type);
  });

  it('routes each contract only to the consumers that handle it', async () => {
    const bus = await connect();
    const a: string[] = [];
    const b: string[] = [];
    await bus.subscribe('appointment', [on(SendToModality, async (m) => void a.push(m.type))]);
    await bus.subscribe('web', [
      on(SendToModality, async (m) => void b.push(m.type)),
      on(MessageConfirmed, async (m) => void b.push(m.type)),
    ]);
    await bus.publish(SendToModality, command());
    await bus.publish(
      MessageConfirmed,
      createMessage(MessageConfirmed, {
        messageId: 'm-1',
        appointmentId: 'apt-1',
        gatewayId: 'g-1',
        confirmedAt: new Date().toISOString(),
        alreadyHad: false,
      }),
    );
    await eventually(() => a.length === 1 && b.length === 2, 'both consumers');
    expect(b.sort()).toEqual(['appointment.send-to-modality', 'message.confirmed']);
  });

  it('keeps a message that no queue is bound for, counts it in health and warns', async () => {
    const { logger, lines } = recordingLogger();
    const bus = await connect('svc', { logger, unroutedCheckMs: 50 });
    expect(bus.health().unrouted).toBe(0);
    // Nobody consumes this type yet: its consumer has never declared its queue.
    await bus.publish(SendToModality, command());
    await eventually(() => bus.health().unrouted === 1, 'health to count the unrouted message');
    expect(bus.health().ok).toBe(true);
    const warnings = lines.filter((line) => line.unrouted !== undefined);
    expect(warnings).toEqual([
      expect.objectContaining({ level: 'warn', queue: bus.names.unroutedQueue, unrouted: 1 }),
    ]);

    const raw = await probe();
    const [kept] = await raw.take(bus.names.unroutedQueue, 1);
    // It keeps where it was sent, so it can be replayed there once a consumer is bound.
    expect(kept!.fields.exchange).toBe(bus.names.exchangeFor('command'));
    expect(kept!.fields.routingKey).toBe(SendToModality.type);
    // A quorum queue's count catches up with a take a moment later (seen in CI under load).
    await eventually(async () => (await bus.checkUnrouted()) === 0, 'the count to drop to 0');
    // Shrinking is not news: still the one warning.
    expect(lines.filter((line) => line.unrouted !== undefined)).toHaveLength(1);
  });

  it('counts a missing unrouted queue as empty, without disturbing publishing', async () => {
    const bus = await connect();
    const raw = await probe();
    await raw.channel.deleteQueue(bus.names.unroutedQueue);
    // The passive check meets a 404 on its own short-lived channel, not the publish channel.
    expect(await bus.checkUnrouted()).toBe(0);
    expect(bus.health()).toMatchObject({ ok: true, publisher: true, unrouted: 0 });
    const received: string[] = [];
    await bus.subscribe('appointment', [
      on(SendToModality, async (message) => void received.push(message.id)),
    ]);
    const sent = command();
    await bus.publish(SendToModality, sent);
    await eventually(() => received.length === 1, 'the command after the check');
    expect(received).toEqual([sent.id]);
  });

  it('carries the trace from publish to the handler', async () => {
    const tracing = startInMemoryTracing();
    try {
      const bus = await connect();
      const seen: Array<string | undefined> = [];
      await bus.subscribe('appointment', [
        on(SendToModality, async () => void seen.push(currentTraceId())),
      ]);
      const publishedIn = await withSpan(
        'click send to modality',
        { kind: SpanKind.PRODUCER },
        async () => {
          await bus.publish(SendToModality, command());
          return currentTraceId();
        },
      );
      await eventually(() => seen.length === 1, 'the traced message');
      expect(publishedIn).toMatch(/^[0-9a-f]{32}$/);
      expect(seen[0]).toBe(publishedIn);
      const consumerSpan = tracing
        .spans()
        .find((s) => s.name === `${namespace}.appointment process`);
      const producerSpan = tracing.spans().find((s) => s.name === 'click send to modality');
      expect(consumerSpan?.parentSpanContext?.spanId).toBe(producerSpan?.spanContext().spanId);
    } finally {
      await tracing.shutdown();
    }
  });

  it('on close, stops taking messages and finishes the one in hand before closing', async () => {
    const bus = await Bus.connect({
      url: broker.current.url,
      service: 'svc',
      namespace,
      logger: quietLogger(),
    });
    const finished: string[] = [];
    let started = 0;
    await bus.subscribe(
      'appointment',
      [
        on(SendToModality, async (message) => {
          started++;
          await sleep(400);
          finished.push(message.id);
        }),
      ],
      { prefetch: 1 },
    );
    const first = command('apt-1');
    await bus.publish(SendToModality, first);
    await bus.publish(SendToModality, command('apt-2'));
    await eventually(() => started === 1, 'the first message to start');
    await bus.close();
    expect(finished).toEqual([first.id]);
    expect(started).toBe(1);
    // The one in hand was acknowledged; the other waits in the queue for the next start.
    const raw = await probe();
    expect(await raw.depth(bus.names.queue('appointment'))).toBe(1);
    await expect(bus.publish(SendToModality, command())).rejects.toMatchObject({
      code: 'bus_closed',
    });
  });

  it('fails to start with a clear error when the broker cannot be reached', async () => {
    const started = Bus.connect({
      url: 'amqp://guest:secret@127.0.0.1:1',
      service: 'svc',
      logger: quietLogger(),
      startupRetries: 1,
      reconnect: { baseMs: 10, maxMs: 20 },
    });
    await expect(started).rejects.toBeInstanceOf(BusUnavailableError);
    await expect(started).rejects.toThrow(
      /could not connect to RabbitMQ at amqp:\/\/127\.0\.0\.1:1 \(2 attempts\)/,
    );
    await expect(started).rejects.not.toThrow(/secret/);
  });
});
