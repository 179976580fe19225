import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { eventually, uniqueName, useRabbitMq } from '@mbs/testing';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { startInstrumentedTracing, type InstrumentedTracing } from '../test/apply-instrumentation';
import { type InMemoryTracing } from './in-memory-tracing';
import { currentTraceparent, withSpan } from './trace-context';

describe('amqplib instrumentation (applied explicitly; real RabbitMQ)', () => {
  const broker = useRabbitMq();
  let instrumented: InstrumentedTracing;
  let tracing: InMemoryTracing;
  // Publisher and consumer on separate connections, as the services run them.
  let publisher: ChannelModel;
  let consumer: ChannelModel;
  let publishChannel: Channel;
  let consumeChannel: Channel;
  let queue: string;

  beforeEach(async () => {
    // jest bypasses the require hook: the instrumentation's own patches are applied to amqplib.
    instrumented = startInstrumentedTracing(
      new AmqplibInstrumentation({ enabled: false }),
      'amqplib',
    );
    ({ tracing } = instrumented);

    const name = uniqueName('telemetry.amqplib');
    publisher = await amqp.connect(broker.current.url, {
      clientProperties: { connection_name: `${name}.publisher` },
    });
    consumer = await amqp.connect(broker.current.url, {
      clientProperties: { connection_name: `${name}.consumer` },
    });
    publishChannel = await publisher.createChannel();
    consumeChannel = await consumer.createChannel();
    // Exclusive: only this suite sees it, and the broker deletes it when the consumer closes.
    queue = (await consumeChannel.assertQueue(name, { exclusive: true })).queue;
  });

  afterEach(async () => {
    await Promise.allSettled([publisher?.close(), consumer?.close()]);
    await instrumented.stop();
  });

  /** Consumes one message, lets `settle` ack or nack it, and reports what the handler saw. */
  async function consumeOne(
    settle: (message: ConsumeMessage) => void,
  ): Promise<{ message: ConsumeMessage; traceparentInHandler: string | undefined }> {
    return new Promise((resolve) => {
      void consumeChannel.consume(queue, (message) => {
        if (!message) return;
        const traceparentInHandler = currentTraceparent();
        settle(message);
        resolve({ message, traceparentInHandler });
      });
    });
  }

  /** Spans end when the broker has answered (the consumer's on ack/nack): wait for them. */
  const endedSpan = (kind: SpanKind): Promise<ReadableSpan> =>
    eventually(
      () => tracing.spans().find((span) => span.kind === kind),
      `a ${SpanKind[kind]} span`,
    );

  it('records a producer span on publish and a consumer span, continuing it, on consume', async () => {
    const consumed = consumeOne((message) => consumeChannel.ack(message));
    const callerTraceId = await withSpan('send to modality', {}, async (span) => {
      publishChannel.publish('', queue, Buffer.from('{"hello":"modality"}'), {
        messageId: 'message-1',
      });
      return span.spanContext().traceId;
    });
    const { message, traceparentInHandler } = await consumed;

    const producer = await endedSpan(SpanKind.PRODUCER);
    const consumerSpan = await endedSpan(SpanKind.CONSUMER);

    expect(producer.name).toBe('publish <default>');
    expect(producer.spanContext().traceId).toBe(callerTraceId);
    expect(producer.attributes['messaging.rabbitmq.routing_key']).toBe(queue);

    expect(consumerSpan.name).toBe(`${queue} process`);
    expect(consumerSpan.spanContext().traceId).toBe(callerTraceId);
    expect(consumerSpan.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumerSpan.attributes['messaging.message_id']).toBe('message-1');
    expect(consumerSpan.status.code).not.toBe(SpanStatusCode.ERROR);

    // The trace travels in the message's own headers, and the handler runs inside the span.
    expect(String(message.properties.headers?.['traceparent'])).toMatch(
      new RegExp(`^00-${callerTraceId}-${producer.spanContext().spanId}-`),
    );
    expect(traceparentInHandler).toBe(
      `00-${callerTraceId}-${consumerSpan.spanContext().spanId}-01`,
    );
  });

  it('marks the consumer span as an error when the message is rejected', async () => {
    const consumed = consumeOne((message) => consumeChannel.nack(message, false, false));
    publishChannel.publish('', queue, Buffer.from('not json'));
    await consumed;

    const consumerSpan = await endedSpan(SpanKind.CONSUMER);
    expect(consumerSpan.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'nack called on message without requeue',
    });
  });
});
