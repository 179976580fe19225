import amqp, { type Options } from 'amqplib';

/**
 * Publishes bytes as they are, confirmed, on a connection of its own that is closed after: what a
 * foreign or broken client sends (a message that breaks its contract, with the properties the
 * bus would give it), which the bus's own `publish` refuses to send. `url` carries the user.
 */
export async function publishRaw(
  url: string,
  message: {
    readonly exchange: string;
    readonly routingKey: string;
    readonly body: Buffer;
    readonly properties?: Options.Publish;
  },
): Promise<void> {
  const connection = await amqp.connect(url, {
    clientProperties: { connection_name: 'test:publish-raw' },
  });
  try {
    const channel = await connection.createConfirmChannel();
    channel.publish(message.exchange, message.routingKey, message.body, {
      persistent: true,
      ...message.properties,
    });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}
