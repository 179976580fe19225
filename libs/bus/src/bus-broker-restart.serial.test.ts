import { SendToModality, createMessage } from '@mbs/contracts';
import { deleteNamespace, restartBroker, uniqueName, useRabbitMq } from '@mbs/testing';
import { eventually, quietLogger, sleep } from '../test/support';
import { Bus, on } from './index';

/**
 * Restarts the whole broker, so it runs alone (`npm run test:serial`), after the parallel suites.
 */
describe('bus across a broker restart (real RabbitMQ, serial)', () => {
  const broker = useRabbitMq();

  it('reconnects by itself, loses nothing, and every message takes effect exactly once', async () => {
    const namespace = uniqueName('bus-restart');
    const bus = await Bus.connect({
      url: broker.current.url,
      service: uniqueName('restart'),
      namespace,
      logger: quietLogger(),
      reconnect: { baseMs: 100, maxMs: 1_000 },
      publishTimeoutMs: 60_000,
    });
    const deliveries = new Map<string, number>();
    const effects = new Set<string>();
    await bus.subscribe('worker', [
      on(SendToModality, async (message) => {
        deliveries.set(message.id, (deliveries.get(message.id) ?? 0) + 1);
        await sleep(2);
        effects.add(message.id);
      }),
    ]);

    try {
      const total = 200;
      const sent: string[] = [];
      const publishing = (async () => {
        for (let i = 0; i < total; i++) {
          const message = createMessage(SendToModality, {
            appointmentId: `apt-${i}`,
            requestedBy: { userId: 'u', name: 'n' },
          });
          await bus.publish(SendToModality, message);
          sent.push(message.id);
          await sleep(10);
        }
      })();

      await eventually(() => effects.size >= 40, 'some messages before the restart');
      // Prove the restart really cut the bus off, so the test cannot pass without recovering.
      let sawOutage = false;
      const watch = setInterval(() => (sawOutage ||= !bus.health().ok), 10);
      await restartBroker();
      clearInterval(watch);
      expect(sawOutage).toBe(true);
      await publishing;
      await eventually(() => effects.size === total, 'every message after the restart', 60_000);
      expect([...effects].sort()).toEqual([...sent].sort());
      await eventually(() => bus.health().ok, 'the bus to report healthy again');
    } finally {
      await bus.close(2_000);
      await deleteNamespace(broker.current.url, namespace);
    }
  }, 120_000);
});
