import type { AnyContract } from '@mbs/contracts';
import { SpanKind, extractTraceContext, withSpan, type Logger } from '@mbs/telemetry';
import type {
  Channel,
  ChannelModel,
  ConsumeMessage,
  Options,
  RecoveringChannelModel,
} from 'amqplib';
import { openBrokerConnection } from './broker-connection';
import { decodeDelivery } from './decode-delivery';
import type { MessageHandler } from './handler';
import { Header, attemptOf, originOf } from './headers';
import type { TopologyNames } from './names';
import type { Publisher } from './publisher';
import { decideFailure, type RetryPolicy } from './retry-policy';
import { BROKER_DELIVERY_LIMIT, declareConsumerQueues, ensureSharedTopology } from './topology';

export interface ConsumerOptions {
  readonly url: string;
  readonly connectionName: string;
  /** The consumer's name; its queue is `<namespace>.<name>`. */
  readonly name: string;
  readonly handlers: readonly MessageHandler<AnyContract>[];
  /** Messages handled at once. */
  readonly prefetch: number;
  readonly retry: RetryPolicy;
  readonly names: TopologyNames;
  /** Retry and dead-letter copies go through the confirmed publisher before the ack. */
  readonly publisher: Publisher;
  /** The dead-letter copy's own expiry, in milliseconds. */
  readonly deadLetterRetentionMs: number;
  readonly logger: Logger;
  readonly reconnect?: { baseMs: number; maxMs: number };
  readonly startupRetries?: number;
}

/**
 * Consumes one queue: validates each message against its contract, runs its handler inside a
 * span continuing the publisher's trace, and acknowledges only after the outcome is safe:
 * handled; or copied (with confirm) to a delay queue for a retry; or to the dead-letter queue
 * with the reason. A crash anywhere before the ack means redelivery, never loss.
 */
export class Consumer {
  private readonly handlers: ReadonlyMap<string, MessageHandler<AnyContract>>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly logger: Logger;
  private active: { channel: Channel; consumerTag: string } | undefined;
  private connection: RecoveringChannelModel | undefined;
  private stopping = false;

  private constructor(private readonly options: ConsumerOptions) {
    this.handlers = new Map(options.handlers.map((handler) => [handler.contract.type, handler]));
    if (this.handlers.size !== options.handlers.length) {
      throw new Error(`consumer ${options.name} has two handlers for one contract`);
    }
    this.logger = options.logger.child({ consumer: options.name });
  }

  static async start(options: ConsumerOptions): Promise<Consumer> {
    const consumer = new Consumer(options);
    consumer.connection = await openBrokerConnection({
      url: options.url,
      name: options.connectionName,
      logger: consumer.logger,
      reconnect: options.reconnect,
      initialRetries: options.startupRetries,
      setup: (model) => consumer.setUp(model),
    });
    return consumer;
  }

  get connected(): boolean {
    return this.active !== undefined;
  }

  private get queue(): string {
    return this.options.names.queue(this.options.name);
  }

  private async setUp(model: ChannelModel): Promise<void> {
    const { names, name, handlers, retry, prefetch } = this.options;
    await ensureSharedTopology(model, names);
    const channel = await model.createChannel();
    await declareConsumerQueues(
      channel,
      names,
      name,
      handlers.map((handler) => handler.contract),
      retry.attempts - 1,
    );
    await channel.prefetch(prefetch);
    // Any channel-level fault (a failed ack, a broker-side cancel) is healed the same way as a
    // lost connection: close it, and recovery brings everything back, consumers included.
    const heal = (why: string) => {
      if (this.stopping) return;
      this.logger.warn({ why }, 'consumer channel lost; reconnecting');
      model.close().catch(() => undefined);
    };
    channel.on('error', (error: Error) => heal(error.message));
    channel.on('close', () => {
      if (this.active?.channel === channel) this.active = undefined;
    });
    const { consumerTag } = await channel.consume(this.queue, (delivery) => {
      if (delivery === null) return heal('consumer cancelled by the broker');
      this.track(this.process(channel, delivery));
    });
    this.active = { channel, consumerTag };
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async process(channel: Channel, delivery: ConsumeMessage): Promise<void> {
    const headers = (delivery.properties.headers ?? {}) as Record<string, unknown>;
    const attempt = attemptOf(headers);
    const returns = Number(headers['x-delivery-count'] ?? 0);
    if (returns >= BROKER_DELIVERY_LIMIT) {
      // The broker's last delivery of a message that came back unacknowledged every time (its
      // handler kept killing the consumer). Parked here rather than run again: the broker's own
      // dead letter would carry no expiry, and at the head of the dead-letter queue it would
      // keep every dead letter behind it from expiring.
      const reason = `delivered ${returns + 1} times without an acknowledgement: its consumer kept failing on it`;
      this.logger.error(
        { messageId: delivery.properties.messageId, deliveries: returns + 1 },
        'message at the delivery limit dead-lettered',
      );
      return this.settle(channel, delivery, () =>
        this.deadLetter(delivery, 'delivery_limit', reason, attempt),
      );
    }
    const decoded = decodeDelivery(delivery.content, this.handlers);
    if (!decoded.ok) {
      this.logger.error(
        { code: decoded.code, reason: decoded.reason, messageId: delivery.properties.messageId },
        'invalid message dead-lettered',
      );
      return this.settle(channel, delivery, () =>
        this.deadLetter(delivery, decoded.code, decoded.reason, attempt),
      );
    }

    const { handler, message } = decoded;
    const logger = this.logger.child({
      messageId: message.id,
      type: message.type,
      correlationId: message.correlationId,
      attempt,
    });
    try {
      await withSpan(
        `${this.queue} process`,
        {
          kind: SpanKind.CONSUMER,
          parent: extractTraceContext(headers),
          attributes: {
            'messaging.system': 'rabbitmq',
            'messaging.operation.type': 'process',
            'messaging.destination.name': this.queue,
            'messaging.message.id': message.id,
            'messaging.message.conversation_id': message.correlationId,
            'mbs.message.type': message.type,
            'mbs.attempt': attempt,
          },
        },
        () =>
          handler.handle(message, {
            attempt,
            lastAttempt: attempt >= this.options.retry.attempts,
            redelivered: delivery.fields.redelivered,
            logger,
          }),
      );
    } catch (error) {
      const outcome = decideFailure(error, attempt, this.options.retry);
      if (outcome.action === 'retry') {
        logger.warn(
          { err: outcome.reason, retryInMs: outcome.delayMs },
          'handler failed; will retry',
        );
        return this.settle(channel, delivery, () =>
          this.options.publisher.send(
            this.options.names.consumerExchange(this.options.name),
            this.options.names.retryQueue(this.options.name, outcome.retry),
            delivery.content,
            {
              ...copyProperties(delivery),
              expiration: String(outcome.delayMs),
              headers: {
                ...headers,
                ...originHeaders(delivery),
                [Header.attempt]: attempt + 1,
                [Header.lastError]: outcome.reason,
              },
            },
          ),
        );
      }
      logger.error({ code: outcome.code, err: outcome.reason }, 'handler failed; dead-lettered');
      return this.settle(channel, delivery, () =>
        this.deadLetter(delivery, outcome.code, outcome.reason, attempt),
      );
    }
    this.ack(channel, delivery);
  }

  /** Runs `beforeAck` (a confirmed copy) then acks; if the copy fails, the broker redelivers. */
  private async settle(
    channel: Channel,
    delivery: ConsumeMessage,
    beforeAck: () => Promise<void>,
  ): Promise<void> {
    try {
      await beforeAck();
    } catch (error) {
      this.logger.warn({ err: String(error) }, 'could not park message; returning it to the queue');
      try {
        channel.nack(delivery, false, true);
      } catch {
        // The channel is gone: the broker redelivers the message on the next connection.
      }
      return;
    }
    this.ack(channel, delivery);
  }

  private ack(channel: Channel, delivery: ConsumeMessage): void {
    try {
      channel.ack(delivery);
    } catch {
      // The channel closed while the handler ran. The broker redelivers the message, and the
      // idempotent handler makes the second run change nothing.
      this.logger.debug({ messageId: delivery.properties.messageId }, 'ack lost with its channel');
    }
  }

  private deadLetter(
    delivery: ConsumeMessage,
    code: string,
    reason: string,
    attempt: number,
  ): Promise<void> {
    return this.options.publisher.send(
      this.options.names.consumerExchange(this.options.name),
      this.options.names.deadLetterQueue(this.options.name),
      delivery.content,
      {
        ...copyProperties(delivery),
        // Its own expiry, not a queue argument: queue arguments never depend on configuration
        // (see topology.ts), and a dead letter holds the message's data, so it is not kept for
        // ever. All copies get the same period, so they expire in queue order.
        expiration: String(this.options.deadLetterRetentionMs),
        headers: {
          ...(delivery.properties.headers ?? {}),
          [Header.attempt]: attempt,
          [Header.failureCode]: code,
          [Header.failureReason]: reason,
          [Header.failedAt]: new Date().toISOString(),
          [Header.failedConsumer]: this.options.name,
          ...originHeaders(delivery),
        },
      },
    );
  }

  /** Stops taking new messages, lets those in hand finish (up to `timeoutMs`), then closes. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const active = this.active;
    if (active) await active.channel.cancel(active.consumerTag).catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
    );
    const result = await Promise.race([
      Promise.allSettled([...this.inFlight]).then(() => 'done' as const),
      timedOut,
    ]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.logger.warn(
        { inFlight: this.inFlight.size },
        'stopping with messages in hand; the broker will redeliver them',
      );
    }
    // Close the channel on its own first: RabbitMQ settles the acks it carried before it
    // answers close-ok, whereas a closing connection can race them (the quorum queue may see the
    // consumer go before the acks arrive, and deliver those messages again).
    await this.active?.channel.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }
}

/** Where the message was first published, as headers for a retry or dead-letter copy. */
function originHeaders(delivery: ConsumeMessage): Record<string, string> {
  const origin = originOf(delivery.properties.headers, delivery.fields);
  return {
    [Header.originalExchange]: origin.exchange,
    [Header.originalRoutingKey]: origin.routingKey,
  };
}

function copyProperties(delivery: ConsumeMessage): Options.Publish {
  const p = delivery.properties;
  return {
    messageId: p.messageId as string | undefined,
    correlationId: p.correlationId as string | undefined,
    type: p.type as string | undefined,
    contentType: p.contentType as string | undefined,
    timestamp: p.timestamp as number | undefined,
    appId: p.appId as string | undefined,
  };
}
