// Exits 0 when RabbitMQ completes a real AMQP handshake and declares a queue, 1 otherwise.
// A listening port is not enough: a broker can accept TCP and never answer (seen on this machine).
const amqp = require('amqplib');

const url = process.argv[2] ?? 'amqp://guest:guest@127.0.0.1:5672';
const timer = setTimeout(() => {
  console.error('RabbitMQ accepted no AMQP handshake within 10 s');
  process.exit(1);
}, 10_000);

(async () => {
  const connection = await amqp.connect(url, { clientProperties: { connection_name: 'ci:ping' } });
  const channel = await connection.createChannel();
  await channel.assertQueue('', { exclusive: true });
  await connection.close();
  clearTimeout(timer);
})().catch((error) => {
  console.error(`RabbitMQ did not answer: ${error.message}`);
  process.exit(1);
});
