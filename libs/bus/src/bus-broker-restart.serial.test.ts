import { deleteNamespace, restartBroker, uniqueName, useRabbitMq } from '@mbs/testing';
import {
  effectMiscounts,
  eventually,
  idempotentRecorder,
  publishCommands,
  quietLogger,
} from '../test/support';
import { Bus } from './index';

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
    const recorder = idempotentRecorder(2);
    await bus.subscribe('worker', [recorder.handler]);

    try {
      const total = 200;
      const publishing = publishCommands(bus, total, 10);

      await eventually(() => recorder.effects.size >= 40, 'some messages before the restart');
      // Prove the restart really cut the bus off, so the test cannot pass without recovering.
      let sawOutage = false;
      const watch = setInterval(() => (sawOutage ||= !bus.health().ok), 10);
      await restartBroker({ broker: broker.current });
      clearInterval(watch);
      expect(sawOutage).toBe(true);
      await publishing.done;
      await eventually(
        () => recorder.effects.size === total,
        'every message after the restart',
        60_000,
      );
      // Nothing lost, nothing applied twice: every id's effect count is exactly 1.
      expect(effectMiscounts(publishing.sent, recorder.effects)).toEqual({});
      await eventually(() => bus.health().ok, 'the bus to report healthy again');
    } finally {
      await bus.close(2_000);
      await deleteNamespace(broker.current, namespace);
    }
  }, 120_000);
});
