import amqp from 'amqplib';
import { rabbitmqctl, type RabbitmqctlOptions } from './rabbitmqctl';

/**
 * Deletes every queue and exchange whose name starts with `<namespace>.`: what a suite declared
 * under its unique namespace. Quorum queues are not free (each is a small replicated log), and a
 * shared broker that collects hundreds of them from earlier runs slows down for every suite.
 *
 * Lists names with `rabbitmqctl` (so it needs the broker on this machine) and deletes them over
 * AMQP. Against a Testcontainers broker there is nothing to clean: it dies with its container.
 */
export async function deleteNamespace(
  url: string,
  namespace: string,
  options: RabbitmqctlOptions = {},
): Promise<number> {
  const prefix = `${namespace}.`;
  const list = async (what: 'list_queues' | 'list_exchanges') =>
    (await rabbitmqctl(['-q', what, 'name', '--no-table-headers'], options))
      .split('\n')
      .map((line) => line.trim())
      .filter((name) => name.startsWith(prefix));
  const [queues, exchanges] = [await list('list_queues'), await list('list_exchanges')];
  if (queues.length + exchanges.length === 0) return 0;
  const connection = await amqp.connect(url, {
    clientProperties: { connection_name: `cleanup:${namespace}` },
  });
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
    for (const exchange of exchanges) await channel.deleteExchange(exchange);
    await channel.close();
  } finally {
    await connection.close();
  }
  return queues.length + exchanges.length;
}
