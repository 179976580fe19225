import amqp from 'amqplib';
import { containerBrokerAt, type RabbitMq } from './rabbitmq';
import { rabbitmqctl, type RabbitmqctlOptions } from './rabbitmqctl';

/**
 * Deletes every queue and exchange whose name starts with `<namespace>.`: what a suite declared
 * under its unique namespace. Quorum queues are not free (each is a small replicated log), and a
 * shared broker that collects hundreds of them from earlier runs slows down for every suite.
 * Returns how many it deleted.
 *
 * `broker` is what getRabbitMq returned, or its URL. A Testcontainers broker (given either way)
 * is left alone and 0 returned: nobody else shares it, and everything in it goes with its
 * container at `stop()`. Any other broker's names are listed with this machine's `rabbitmqctl`
 * and deleted over AMQP.
 */
export async function deleteNamespace(
  broker: RabbitMq | string,
  namespace: string,
  options: Omit<RabbitmqctlOptions, 'broker'> = {},
): Promise<number> {
  const url = typeof broker === 'string' ? broker : broker.url;
  const target = typeof broker === 'string' ? containerBrokerAt(broker) : broker;
  if (target?.kind === 'container') return 0;

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
