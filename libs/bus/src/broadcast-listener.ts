import type { AnyContract } from '@mbs/contracts';
import { SpanKind, extractTraceContext, withSpan, type Logger } from '@mbs/telemetry';
import type { ChannelModel, RecoveringChannelModel } from 'amqplib';
import { openBrokerConnection } from './broker-connection';
import { decodeDelivery } from './decode-delivery';
import type { MessageHandler } from './handler';
import type { TopologyNames } from './names';
import { declareBroadcastQueue, ensureSharedTopology } from './topology';

export interface BroadcastListenerOptions {
  readonly url: string;
  readonly connectionName: string;
  readonly name: string;
  readonly handlers: readonly MessageHandler<AnyContract>[];
  readonly names: TopologyNames;
  readonly logger: Logger;
  readonly reconnect?: { baseMs: number; maxMs: number };
  readonly startupRetries?: number;
}

/**
 * Hears broadcasts (`Bus.broadcast`) of the contracts its handlers take, on a queue of its own
 * that lives as long as its connection. At most once: no acks, no retries, no dead letters. A
 * message that breaks its contract or a handler that throws is logged and dropped: broadcasts
 * are copies of messages that durable consumers already hold, used for what may be lost (a live
 * page update, after which the page reads the truth again).
 */
export class BroadcastListener {
  private readonly handlers: ReadonlyMap<string, MessageHandler<AnyContract>>;
  private readonly logger: Logger;
  private connection: RecoveringChannelModel | undefined;
  private listening = false;

  private constructor(private readonly options: BroadcastListenerOptions) {
    this.handlers = new Map(options.handlers.map((handler) => [handler.contract.type, handler]));
    if (this.handlers.size !== options.handlers.length) {
      throw new Error(`listener ${options.name} has two handlers for one contract`);
    }
    this.logger = options.logger.child({ listener: options.name });
  }

  static async start(options: BroadcastListenerOptions): Promise<BroadcastListener> {
    const listener = new BroadcastListener(options);
    listener.connection = await openBrokerConnection({
      url: options.url,
      name: options.connectionName,
      logger: listener.logger,
      reconnect: options.reconnect,
      initialRetries: options.startupRetries,
      setup: (model) => listener.setUp(model),
    });
    return listener;
  }

  /** Whether it hears broadcasts now (false while reconnecting: what is sent then is missed). */
  get connected(): boolean {
    return this.listening;
  }

  private async setUp(model: ChannelModel): Promise<void> {
    await ensureSharedTopology(model, this.options.names);
    const channel = await model.createChannel();
    const queue = await declareBroadcastQueue(
      channel,
      this.options.names,
      this.options.handlers.map((handler) => handler.contract),
    );
    channel.on('close', () => (this.listening = false));
    channel.on('error', (error: Error) => {
      this.logger.warn({ err: error.message }, 'broadcast channel lost; reconnecting');
      model.close().catch(() => undefined);
    });
    await channel.consume(
      queue,
      (delivery) => {
        if (delivery === null) {
          model.close().catch(() => undefined);
          return;
        }
        const decoded = decodeDelivery(delivery.content, this.handlers);
        if (!decoded.ok) {
          this.logger.error(
            { code: decoded.code, reason: decoded.reason },
            'invalid broadcast dropped',
          );
          return;
        }
        const { handler, message } = decoded;
        withSpan(
          `${this.options.names.broadcastExchange} receive`,
          {
            kind: SpanKind.CONSUMER,
            parent: extractTraceContext(delivery.properties.headers ?? {}),
            attributes: {
              'messaging.system': 'rabbitmq',
              'messaging.operation.type': 'receive',
              'messaging.message.id': message.id,
              'mbs.message.type': message.type,
            },
          },
          () =>
            handler.handle(message, {
              attempt: 1,
              lastAttempt: true,
              redelivered: false,
              logger: this.logger,
            }),
        ).catch((error: unknown) =>
          this.logger.warn(
            { err: String(error), messageId: message.id, type: message.type },
            'broadcast handler failed; the broadcast is dropped',
          ),
        );
      },
      { noAck: true },
    );
    this.listening = true;
  }

  async stop(): Promise<void> {
    this.listening = false;
    await this.connection?.close().catch(() => undefined);
  }
}
