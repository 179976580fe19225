import { closeConnectionsNamed, deleteNamespace, uniqueName, useRabbitMq } from '@mbs/testing';
import {
  effectMiscounts,
  eventually,
  idempotentRecorder,
  openProbe,
  publishCommands,
  quietLogger,
} from '../test/support';
import { Bus } from './index';

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
    const recorder = idempotentRecorder(5);
    await bus.subscribe('worker', [recorder.handler], { prefetch: 8 });

    try {
      const total = 300;
      const publishing = publishCommands(bus, total);

      await eventually(() => recorder.effects.size >= 50, 'some messages before the first fault');
      // Hold the handlers before their write until the prefetch window is full, so messages are
      // certainly in hand when the consumer's connection goes: their acks are lost with it.
      recorder.hold();
      await eventually(() => recorder.inHand >= 8, 'a full prefetch window in hand');
      expect(
        await closeConnectionsNamed(`${service}:consume:worker`, { broker: broker.current }),
      ).toHaveLength(1);
      recorder.release();
      await eventually(
        () => recorder.effects.size >= 150,
        'consuming to resume after the consumer connection closed',
      );
      expect(
        await closeConnectionsNamed(`${service}:publish`, { broker: broker.current }),
      ).toHaveLength(1);
      await publishing.done;
      await eventually(
        () => recorder.effects.size === total,
        'every message to take effect',
        30_000,
      );

      expect(new Set(publishing.sent).size).toBe(total);
      // Nothing lost, nothing applied twice: every id's effect count is exactly 1.
      expect(effectMiscounts(publishing.sent, recorder.effects)).toEqual({});
      // The messages in hand were delivered again (flagged by the broker) after their effect had
      // happened, and the idempotency key absorbed them: the exactly-once path was exercised.
      expect(recorder.redelivered).toBeGreaterThanOrEqual(8);
      expect(recorder.duplicates).toBeGreaterThanOrEqual(8);
      expect([...recorder.deliveries.values()].filter((runs) => runs > 1).length).toBeGreaterThan(
        0,
      );
      const probe = await openProbe(broker.current.url);
      try {
        expect(await probe.depth(bus.names.deadLetterQueue('worker'))).toBe(0);
      } finally {
        await probe.close();
      }
    } finally {
      await bus.close(2_000);
      await deleteNamespace(broker.current, namespace);
    }
    expect(bus.health().ok).toBe(false);
  });
});
