import { SendToModality, createMessage } from '@mbs/contracts';
import { PermanentError, TransientError } from '@mbs/errors';
import { closeConnectionsNamed, deleteNamespace, uniqueName, useRabbitMq } from '@mbs/testing';
import type { GetMessage } from 'amqplib';
import { eventually, gate, openProbe, quietLogger, refusePublishesTo } from '../test/support';
import {
  BROKER_DELIVERY_LIMIT,
  Bus,
  BusUnavailableError,
  Header,
  PublishRejectedError,
  on,
  type BusOptions,
} from './index';

const command = () =>
  createMessage(SendToModality, {
    appointmentId: 'apt-1',
    requestedBy: { userId: 'u-1', name: 'Ada' },
  });

describe('bus failure paths (real RabbitMQ)', () => {
  const broker = useRabbitMq();
  let namespace: string;
  let service: string;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeEach(() => {
    namespace = uniqueName('bus-fail');
    service = uniqueName('failing');
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await deleteNamespace(broker.current, namespace);
  });

  async function connect(options: Partial<BusOptions> = {}) {
    const bus = await Bus.connect({
      url: broker.current.url,
      service,
      namespace,
      logger: quietLogger(),
      ...options,
    });
    cleanups.push(() => bus.close(2_000));
    return bus;
  }
  async function probe() {
    const opened = await openProbe(broker.current.url);
    cleanups.push(() => opened.close());
    return opened;
  }
  async function refuse(queues: string[]) {
    const refusal = await refusePublishesTo(broker.current, `${namespace}.refuse`, queues);
    cleanups.push(() => refusal.lift());
    return refusal;
  }

  it('rejects a publish the broker nacks with PublishRejectedError, and publishes again once it accepts', async () => {
    const bus = await connect();
    const raw = await probe();
    // A queue that is always full and refuses more: the broker nacks whatever routes to it.
    const full = `${namespace}.always-full`;
    await raw.channel.assertQueue(full, {
      arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' },
    });
    await raw.channel.bindQueue(full, bus.names.exchangeFor('command'), SendToModality.type);

    const refused = bus.publish(SendToModality, command());
    await expect(refused).rejects.toBeInstanceOf(PublishRejectedError);
    await expect(refused).rejects.toMatchObject({ code: 'publish_rejected', retryable: true });

    await raw.channel.deleteQueue(full);
    await bus.publish(SendToModality, command());
    expect(await raw.depth(bus.names.unroutedQueue)).toBe(1);
  });

  it('fails a publish with bus_unavailable when the broker connection stays away past publishTimeoutMs', async () => {
    // Reconnects only after 2-4 s, so the publisher is certainly without a connection for longer
    // than the publish may wait.
    const bus = await connect({
      publishTimeoutMs: 300,
      reconnect: { baseMs: 4_000, maxMs: 4_000 },
    });
    expect(
      await closeConnectionsNamed(`${service}:publish`, { broker: broker.current }),
    ).toHaveLength(1);
    await eventually(() => !bus.health().publisher, 'the publisher to notice its lost connection');

    const started = Date.now();
    const publishing = bus.publish(SendToModality, command());
    await expect(publishing).rejects.toBeInstanceOf(BusUnavailableError);
    await expect(publishing).rejects.toMatchObject({ code: 'bus_unavailable', retryable: true });
    await expect(publishing).rejects.toThrow('no broker connection within 300 ms');
    // It waited for the connection to return before giving up, rather than failing at once.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    await eventually(() => bus.health().publisher, 'the publisher to reconnect', 10_000);
    const raw = await probe();
    await bus.publish(SendToModality, command());
    expect(await raw.depth(bus.names.unroutedQueue)).toBe(1);
  }, 60_000);

  it('returns a message to its queue when its retry copy is refused, and retries it once the copy goes through', async () => {
    const bus = await connect();
    const runs: Array<{ attempt: number; redelivered: boolean }> = [];
    const afterLift = gate();
    await bus.subscribe(
      'worker',
      [
        on(SendToModality, async (_message, { attempt, redelivered }) => {
          runs.push({ attempt, redelivered });
          if (attempt > 1) return;
          // Hold the message's return until the retry queue accepts copies again.
          if (runs.length > 1) await afterLift.passed;
          throw new TransientError('hospital_busy', 'the destination is busy');
        }),
      ],
      { retry: { attempts: 2, baseDelayMs: 50, maxDelayMs: 50 } },
    );
    const refusal = await refuse([bus.names.retryQueue('worker', 1)]);

    await bus.publish(SendToModality, command());
    await eventually(() => runs.length === 2, 'the message back after its retry copy was refused');
    await refusal.lift();
    afterLift.open();
    await eventually(() => runs.length === 3, 'the retry');

    expect(runs).toEqual([
      { attempt: 1, redelivered: false },
      // Nacked and requeued by the bus: the same try again, now flagged by the broker.
      { attempt: 1, redelivered: true },
      { attempt: 2, redelivered: false },
    ]);
    const raw = await probe();
    await eventually(
      async () => (await raw.depth(bus.names.queue('worker'))) === 0,
      'the queue to be empty',
    );
    expect(await raw.depth(bus.names.retryQueue('worker', 1))).toBe(0);
    expect(await raw.depth(bus.names.deadLetterQueue('worker'))).toBe(0);
  }, 60_000);

  it('returns a message to its queue when its dead-letter copy is refused, and parks it once the copy goes through', async () => {
    const bus = await connect();
    const runs: boolean[] = [];
    const afterLift = gate();
    await bus.subscribe('worker', [
      on(SendToModality, async (_message, { redelivered }) => {
        runs.push(redelivered);
        if (runs.length > 1) await afterLift.passed;
        throw new PermanentError('unknown_appointment', 'no appointment apt-1');
      }),
    ]);
    const refusal = await refuse([bus.names.deadLetterQueue('worker')]);

    const sent = command();
    await bus.publish(SendToModality, sent);
    await eventually(
      () => runs.length === 2,
      'the message back after its dead-letter copy was refused',
    );
    await refusal.lift();
    afterLift.open();

    const raw = await probe();
    const [dead] = await raw.take(bus.names.deadLetterQueue('worker'), 1);
    expect(dead!.properties.messageId).toBe(sent.id);
    expect(dead!.properties.headers?.[Header.failureCode]).toBe('unknown_appointment');
    expect(runs).toEqual([false, true]);
    await eventually(
      async () => (await raw.depth(bus.names.queue('worker'))) === 0,
      'the queue to be empty',
    );
  }, 60_000);

  it('closes within its timeout while a handler is still busy, and the unfinished message is delivered again', async () => {
    const runs: boolean[] = [];
    const release = gate();
    let firstRunFinished = false;
    const handler = on(SendToModality, async (_message, { redelivered }) => {
      runs.push(redelivered);
      if (redelivered) return;
      await release.passed;
      firstRunFinished = true;
    });
    const first = await connect();
    await first.subscribe('worker', [handler], { prefetch: 1 });
    await first.publish(SendToModality, command());
    await eventually(() => runs.length === 1, 'the handler to start');

    // Were close() to wait for the handler past its timeout, it would never return here.
    await first.close(200);
    expect(firstRunFinished).toBe(false);
    expect(first.health().ok).toBe(false);

    // Never acknowledged, so the broker kept it: the next instance gets it, flagged.
    const second = await connect();
    await second.subscribe('worker', [handler]);
    await eventually(() => runs.length === 2, 'the message delivered again');
    expect(runs).toEqual([false, true]);

    // The first handler finishing late changes nothing (its ack has no channel to go to).
    release.open();
    await eventually(() => firstRunFinished, 'the first run to finish');
    const raw = await probe();
    await eventually(
      async () => (await raw.depth(second.names.queue('worker'))) === 0,
      'the queue to be empty',
    );
    expect(runs).toHaveLength(2);
  });

  it('dead-letters a message that crashes its consumer again and again, at the broker delivery limit', async () => {
    const bus = await connect();
    // Declares the consumer's queues, then goes away: the crashing consumer below takes its place.
    await bus.subscribe('worker', [on(SendToModality, async () => {})]);
    await bus.close(2_000);
    const raw = await probe();
    const queue = bus.names.queue('worker');
    const deadLetterQueue = bus.names.deadLetterQueue('worker');
    const sent = command();
    await raw.publishRaw(
      bus.names.exchangeFor('command'),
      SendToModality.type,
      JSON.stringify(sent),
    );

    // A consumer that dies with the message in hand: its channel closes without an ack, so the
    // broker takes the message back and counts one more delivery.
    let crashes = 0;
    for (;;) {
      const channel = await raw.connection.createChannel();
      const delivery: GetMessage | false = await channel.get(queue, { noAck: false });
      await channel.close();
      if (delivery) crashes++;
      else if ((await raw.depth(deadLetterQueue)) > 0) break;
      if (crashes > BROKER_DELIVERY_LIMIT * 2) throw new Error(`still looping after ${crashes}`);
    }

    expect(crashes).toBe(BROKER_DELIVERY_LIMIT + 1);
    const [dead] = await raw.take(deadLetterQueue, 1);
    expect(JSON.parse(dead!.content.toString())).toEqual(sent);
    const headers = dead!.properties.headers ?? {};
    // The broker dead-lettered it, not the bus: only the broker's x-death record, no x-failure-*.
    expect(headers['x-death']).toEqual([
      expect.objectContaining({ queue, reason: 'delivery_limit', count: 1 }),
    ]);
    expect(Object.keys(headers).filter((name) => name.startsWith('x-failure-'))).toEqual([]);
    expect(await raw.depth(queue)).toBe(0);
  });
});
