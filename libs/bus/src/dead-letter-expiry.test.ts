import { createMessage, SendToModality } from '@mbs/contracts';
import { PermanentError } from '@mbs/errors';
import { deleteNamespace, uniqueName, useRabbitMq } from '@mbs/testing';
import { eventually, openProbe, quietLogger, sleep } from '../test/support';
import { Bus, Header, on, type BusOptions } from './index';

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
  const broker = useRabbitMq();
  let namespace: string;
  const buses: Bus[] = [];
  const probes: Array<{ close(): Promise<void> }> = [];

  beforeEach(() => {
    namespace = uniqueName('bus-dl-expiry');
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close(2_000)));
    await Promise.all(probes.splice(0).map((probe) => probe.close()));
    await deleteNamespace(broker.current, namespace);
  });

  async function connect(options: Partial<BusOptions> = {}) {
    const bus = await Bus.connect({
      url: broker.current.url,
      service: 'svc',
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

  it('refuses a period the broker cannot time', async () => {
    await expect(connect({ deadLetterRetentionMs: 0 })).rejects.toThrow(/deadLetterRetentionMs/);
    await expect(connect({ deadLetterRetentionMs: 2 ** 32 })).rejects.toThrow(
      /deadLetterRetentionMs/,
    );
  });
});
