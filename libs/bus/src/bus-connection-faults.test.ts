import { SendToModality, createMessage } from '@mbs/contracts';
import { closeConnectionsNamed, deleteNamespace, uniqueName, useRabbitMq } from '@mbs/testing';
import { eventually, openProbe, quietLogger, sleep } from '../test/support';
import { Bus, on } from './index';

/**
 * Connections are closed from the broker's side (as an operator or a failing load balancer
 * would), by their connection_name, so suites running beside this one are not touched.
 */
describe('bus when the broker drops its connections (real RabbitMQ)', () => {
  const broker = useRabbitMq();

  it('keeps consuming and publishing, and every message takes effect exactly once', async () => {
    const namespace = uniqueName('bus-faults');
    const service = uniqueName('faulty');
    const bus = await Bus.connect({
      url: broker.current.url,
      service,
      namespace,
      logger: quietLogger(),
      reconnect: { baseMs: 50, maxMs: 500 },
    });
    // The handler's effect is idempotent by message id, as every handler in the system is;
    // deliveries counts every run, effects only the first per id.
    const deliveries = new Map<string, number>();
    const effects = new Set<string>();
    await bus.subscribe(
      'worker',
      [
        on(SendToModality, async (message) => {
          deliveries.set(message.id, (deliveries.get(message.id) ?? 0) + 1);
          await sleep(5);
          effects.add(message.id);
        }),
      ],
      { prefetch: 8 },
    );

    try {
      const total = 300;
      const sent: string[] = [];
      const publishing = (async () => {
        for (let i = 0; i < total; i++) {
          const message = createMessage(SendToModality, {
            appointmentId: `apt-${i}`,
            requestedBy: { userId: 'u', name: 'n' },
          });
          await bus.publish(SendToModality, message);
          sent.push(message.id);
        }
      })();

      await eventually(() => effects.size >= 50, 'some messages before the first fault');
      expect(await closeConnectionsNamed(`${service}:consume:worker`)).toHaveLength(1);
      await eventually(
        () => effects.size >= 150,
        'consuming to resume after the consumer connection closed',
      );
      expect(await closeConnectionsNamed(`${service}:publish`)).toHaveLength(1);
      await publishing;
      await eventually(() => effects.size === total, 'every message to take effect', 30_000);

      expect(new Set(sent).size).toBe(total);
      expect([...effects].sort()).toEqual([...sent].sort());
      const probe = await openProbe(broker.current.url);
      try {
        expect(await probe.depth(bus.names.deadLetterQueue('worker'))).toBe(0);
      } finally {
        await probe.close();
      }
    } finally {
      await bus.close(2_000);
      await deleteNamespace(broker.current.url, namespace);
    }
    expect(bus.health().ok).toBe(false);
  });
});
