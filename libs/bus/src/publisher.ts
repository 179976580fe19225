import type { AnyContract, MessageOf } from '@mbs/contracts';
import { parseMessage } from '@mbs/contracts';
import { injectTraceContext, type Logger } from '@mbs/telemetry';
import type {
  Channel,
  ChannelModel,
  ConfirmChannel,
  Options,
  RecoveringChannelModel,
} from 'amqplib';
import { openBrokerConnection } from './broker-connection';
import {
  BusClosedError,
  BusUnavailableError,
  PublishRefusedError,
  PublishRejectedError,
} from './bus-errors';
import type { TopologyNames } from './names';
import { ensureSharedTopology } from './topology';

export interface PublisherOptions {
  readonly url: string;
  readonly connectionName: string;
  readonly names: TopologyNames;
  readonly logger: Logger;
  /** How long a publish may wait for the broker (reconnects included) before failing. */
  readonly timeoutMs: number;
  readonly reconnect?: { baseMs: number; maxMs: number };
  readonly startupRetries?: number;
}

/**
 * Publishes with publisher confirms: `publish` resolves only once the broker has the message
 * (persisted to its quorum queues). While the broker is away, publishes wait for the connection
 * to come back and are sent again, up to `timeoutMs`; a message whose confirm was lost in a
 * dropped connection may so arrive twice, which consumers absorb by message id.
 */
export class Publisher {
  private channel: ConfirmChannel | undefined;
  /** The connection `channel` lives on, for short-lived side channels (queue depths). */
  private model: ChannelModel | undefined;
  private waiters: Array<() => void> = [];
  private closed = false;
  /** Why the broker closed a channel, when it did: a refusal (403) names what it refused. */
  private readonly closedBy = new WeakMap<ConfirmChannel, Error & { code?: unknown }>();

  private constructor(
    private readonly options: PublisherOptions,
    private connection?: RecoveringChannelModel,
  ) {}

  static async open(options: PublisherOptions): Promise<Publisher> {
    const publisher = new Publisher(options);
    publisher.connection = await openBrokerConnection({
      url: options.url,
      name: options.connectionName,
      logger: options.logger,
      reconnect: options.reconnect,
      initialRetries: options.startupRetries,
      setup: (model) => publisher.setUp(model),
    });
    return publisher;
  }

  private async setUp(model: ChannelModel): Promise<void> {
    await ensureSharedTopology(model, this.options.names);
    const channel = await model.createConfirmChannel();
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
    });
    // A channel error closes the channel; the connection recovers it with a fresh one.
    channel.on('error', (error: Error) => {
      this.closedBy.set(channel, error);
      this.options.logger.warn(
        { err: error.message },
        'publish channel error; reopening connection',
      );
      model.close().catch(() => undefined);
    });
    this.channel = channel;
    this.model = model;
    for (const wake of this.waiters.splice(0)) wake();
  }

  get connected(): boolean {
    return this.channel !== undefined;
  }

  /** Validates the message against its contract, then publishes it to its exchange. */
  async publish<C extends AnyContract>(contract: C, message: MessageOf<C>): Promise<void> {
    const checked = parseMessage(contract, message);
    if (!checked.ok) throw checked.error;
    const headers = injectTraceContext({});
    await this.send(
      this.options.names.exchangeFor(contract.kind),
      contract.type,
      Buffer.from(JSON.stringify(message)),
      {
        messageId: message.id,
        correlationId: message.correlationId,
        type: contract.type,
        headers,
      },
    );
  }

  /**
   * Re-announces a validated message on the broadcast exchange, not persistent: every listening
   * instance gets a copy, and nothing is kept when none listens. Confirmed like any publish.
   */
  async broadcast<C extends AnyContract>(contract: C, message: MessageOf<C>): Promise<void> {
    const checked = parseMessage(contract, message);
    if (!checked.ok) throw checked.error;
    await this.send(
      this.options.names.broadcastExchange,
      contract.type,
      Buffer.from(JSON.stringify(message)),
      {
        messageId: message.id,
        correlationId: message.correlationId,
        type: contract.type,
        persistent: false,
        headers: injectTraceContext({}),
      },
    );
  }

  /**
   * Sends raw bytes with confirms: for the bus's own retry and dead-letter copies, which must
   * keep the original body and properties untouched.
   */
  async send(
    exchange: string,
    routingKey: string,
    content: Buffer,
    properties: Options.Publish,
  ): Promise<void> {
    const deadline = Date.now() + this.options.timeoutMs;
    let lastError: unknown;
    for (;;) {
      if (this.closed) throw new BusClosedError();
      const channel = this.channel ?? (await this.waitForChannel(deadline, lastError));
      try {
        await publishConfirmed(channel, exchange, routingKey, content, {
          persistent: true,
          contentType: 'application/json',
          timestamp: Math.floor(Date.now() / 1000),
          ...properties,
        });
        return;
      } catch (error) {
        if (error instanceof PublishRejectedError) throw error;
        const refusal = this.closedBy.get(channel);
        if (refusal && refusedPublish(refusal, exchange, routingKey)) {
          throw new PublishRefusedError(
            `the broker refused to let this service publish ${routingKey} to ${exchange || 'the default exchange'}: ${refusal.message}`,
            { cause: refusal },
          );
        }
        // The channel died under us; the confirm may or may not have been lost. Send again
        // once recovered: at-least-once, and consumers de-duplicate by message id.
        lastError = refusal ?? error;
        if (this.channel === channel) this.channel = undefined;
      }
    }
  }

  private waitForChannel(deadline: number, lastError: unknown): Promise<ConfirmChannel> {
    return new Promise((resolve, reject) => {
      const remaining = deadline - Date.now();
      const fail = () =>
        reject(
          new BusUnavailableError(`no broker connection within ${this.options.timeoutMs} ms`, {
            cause: lastError,
          }),
        );
      if (remaining <= 0) return fail();
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        fail();
      }, remaining);
      const wake = () => {
        clearTimeout(timer);
        if (this.closed) reject(new BusClosedError());
        else if (this.channel) resolve(this.channel);
        else this.waiters.push(wake);
      };
      this.waiters.push(wake);
    });
  }

  /**
   * How many messages wait in `queue`: a passive check on a short-lived channel of the
   * publisher's connection, so a failed check (a missing queue closes its channel with 404)
   * never disturbs publishing. A queue that does not exist holds nothing: 0. Unknown
   * (`undefined`) while the publisher is disconnected or the check fails otherwise.
   */
  async queueDepth(queue: string): Promise<number | undefined> {
    const model = this.channel && this.model;
    if (!model || this.closed) return undefined;
    let channel: Channel | undefined;
    try {
      channel = await model.createChannel();
      channel.on('error', () => undefined);
      return (await channel.checkQueue(queue)).messageCount;
    } catch (error) {
      return (error as { code?: unknown }).code === 404 ? 0 : undefined;
    } finally {
      await channel?.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of this.waiters.splice(0)) wake();
    await this.connection?.close().catch(() => undefined);
  }
}

/**
 * Whether the broker closed the channel for this very publish: ACCESS_REFUSED (403) naming its
 * routing key on a topic exchange (topic permissions) or its exchange (write permission). Other
 * publishes in flight when the channel closed are sent again on the next one.
 */
function refusedPublish(
  closure: Error & { code?: unknown },
  exchange: string,
  routingKey: string,
): boolean {
  if (closure.code !== 403) return false;
  const text = closure.message;
  const name = exchange || 'amq.default';
  return (
    text.includes(`access to topic '${routingKey}' in exchange '${name}'`) ||
    text.includes(`access to exchange '${name}'`)
  );
}

function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  properties: Options.Publish,
): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      channel.publish(exchange, routingKey, content, properties, (error) => {
        if (!error) return resolve();
        // A nack is the broker's answer; anything else is the channel closing before one came.
        reject(
          /nack/i.test(String(error?.message ?? error))
            ? new PublishRejectedError(String(error))
            : error,
        );
      });
    } catch (error) {
      reject(error);
    }
  });
}
