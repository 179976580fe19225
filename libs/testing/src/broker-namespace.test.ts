import amqp from 'amqplib';
import { deleteNamespace } from './broker-namespace';
import { listConnections } from './rabbitmqctl';
import { useRabbitMq } from './jest-hooks';
import { uniqueName } from './unique-name';

// Five rabbitmqctl runs (each starts an Erlang VM, seconds apiece when CI runs every suite at
// once; CI once took 38 s here) and two quorum-queue deletions: each step has its own timeout
// that names it, so the test's own allowance only has to exceed their sum.
const SLOW_BROKER_TOOLS_MS = 120_000;

describe('deleteNamespace (real RabbitMQ)', () => {
  const broker = useRabbitMq();

  it(
    "deletes the namespace's queues and exchanges, and nothing else",
    async () => {
      const namespace = uniqueName('testing.cleanup');
      const bystander = uniqueName('testing.bystander');
      const connection = await amqp.connect(broker.current.url);
      const channel = await connection.createChannel();
      try {
        await channel.assertQueue(`${namespace}.work`, {
          durable: true,
          arguments: { 'x-queue-type': 'quorum' },
        });
        await channel.assertExchange(`${namespace}.events`, 'topic', { durable: true });
        await channel.assertQueue(`${bystander}.work`, { durable: true });

        // Given the broker itself (local here: listed with this machine's rabbitmqctl) ...
        expect(await deleteNamespace(broker.current, namespace)).toBe(2);
        await expect(channel.checkQueue(`${bystander}.work`)).resolves.toMatchObject({
          messageCount: 0,
        });
        // ... or only its URL, as most suites call it.
        expect(await deleteNamespace(broker.current.url, namespace)).toBe(0);
      } finally {
        await connection.close().catch(() => undefined);
      }
      const probe = await amqp.connect(broker.current.url);
      const check = await probe.createChannel();
      check.on('error', () => undefined);
      // checkQueue on a missing queue closes the channel with 404: the queue is gone.
      await expect(check.checkQueue(`${namespace}.work`)).rejects.toThrow(/NOT_FOUND/);
      const other = await probe.createChannel();
      await other.deleteQueue(`${bystander}.work`);
      await probe.close();
      expect(
        (await listConnections()).some((c) => c.connectionName === `cleanup:${namespace}`),
      ).toBe(false);
    },
    SLOW_BROKER_TOOLS_MS,
  );
});
