import type { AnyContract, MessageOf } from '@mbs/contracts';
import type { Logger } from '@mbs/telemetry';
import { BroadcastListener } from './broadcast-listener';
import { Consumer } from './consumer';
import {
  DEFAULT_DEAD_LETTER_PEEK,
  MAX_DEAD_LETTER_PEEK,
  peekDeadLetters,
  type DeadLetterPeek,
} from './dead-letters';
import type { MessageHandler } from './handler';
import { topologyNames, type TopologyNames } from './names';
import { Publisher } from './publisher';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy';
import { UnroutedMonitor } from './unrouted-monitor';

export interface BusOptions {
  /** `amqp://user:password@host:5672/vhost` */
  readonly url: string;
  /** The service's name: connections show as `<service>:publish` and `<service>:consume:<consumer>`. */
  readonly service: string;
  readonly logger: Logger;
  /** Prefix of every exchange and queue. Default `mbs`. Tests pass a unique one. */
  readonly namespace?: string;
  /** How long `publish` may wait for the broker, reconnects included. Default 30 s. */
  readonly publishTimeoutMs?: number;
  /** Reconnect delays (exponential, jittered). Default 200 ms up to 15 s. */
  readonly reconnect?: { baseMs: number; maxMs: number };
  /** Failed connection attempts allowed at start-up before `connect` fails. Default 10. */
  readonly startupRetries?: number;
  /** How often the depth of `<ns>.unrouted` is checked for `health()`. Default 30 s. */
  readonly unroutedCheckMs?: number;
  /**
   * How long a dead letter is kept (its own per-message expiry) before the broker drops it: long
   * enough to be seen and replayed, not for ever, since it holds the message's data. Default 14
   * days; at most `MAX_DEAD_LETTER_RETENTION_MS`.
   */
  readonly deadLetterRetentionMs?: number;
}

/** Default `deadLetterRetentionMs`: 14 days. */
export const DEFAULT_DEAD_LETTER_RETENTION_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * The longest per-message expiry the broker can time: a 32-bit count of milliseconds (about 49.7
 * days).
 */
export const MAX_DEAD_LETTER_RETENTION_MS = 2 ** 32 - 1;

export interface SubscribeOptions {
  /** Messages handled at once. Default 16. */
  readonly prefetch?: number;
  readonly retry?: Partial<RetryPolicy>;
}

/** A consumer's dead-letter queue, to look at without taking anything (`Bus.deadLetters`). */
export interface DeadLetterReader {
  readonly queue: string;
  /** How many a look lists unless told: DEFAULT_DEAD_LETTER_PEEK. */
  readonly defaultLimit: number;
  /** The most a look lists: MAX_DEAD_LETTER_PEEK. */
  readonly maxLimit: number;
  /** The first `limit` dead letters (default `defaultLimit`) and the queue's count, bodies left out. */
  peek(limit?: number): Promise<DeadLetterPeek>;
}

export interface BusHealth {
  readonly ok: boolean;
  readonly publisher: boolean;
  readonly consumers: Record<string, boolean>;
  /** Broadcast listeners (`listen`) and whether each hears broadcasts now. */
  readonly listeners?: Record<string, boolean>;
  /**
   * Messages waiting in `<ns>.unrouted` (published with no queue bound for their type), as last
   * checked; absent until a check succeeds. Informational: it never makes `ok` false.
   */
  readonly unrouted?: number;
}

/**
 * The message bus of one service: one confirmed publisher and any number of consumers, each on
 * its own connection, all recovering by themselves from dropped connections and broker restarts.
 *
 * ```ts
 * const bus = await Bus.connect({ url, service: 'appointment', logger });
 * await bus.subscribe('appointment', [on(SendToModality, handleSendToModality)]);
 * await bus.publish(AppointmentSentToModality, event);
 * await bus.close();
 * ```
 */
export class Bus {
  private readonly consumers = new Map<string, Consumer>();
  private readonly listeners = new Map<string, BroadcastListener>();
  readonly names: TopologyNames;

  private readonly unrouted: UnroutedMonitor;
  /** Looks at dead letters one at a time: two at once would each see part of the queue. */
  private looking: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly options: BusOptions,
    private readonly publisher: Publisher,
  ) {
    this.names = topologyNames(options.namespace ?? 'mbs');
    this.unrouted = new UnroutedMonitor({
      queue: this.names.unroutedQueue,
      depth: (queue) => publisher.queueDepth(queue),
      logger: options.logger,
      intervalMs: options.unroutedCheckMs ?? 30_000,
    });
  }

  static async connect(options: BusOptions): Promise<Bus> {
    const retention = options.deadLetterRetentionMs ?? DEFAULT_DEAD_LETTER_RETENTION_MS;
    if (!Number.isInteger(retention) || retention < 1 || retention > MAX_DEAD_LETTER_RETENTION_MS) {
      throw new Error(
        `deadLetterRetentionMs must be a whole number of milliseconds from 1 to ${MAX_DEAD_LETTER_RETENTION_MS}`,
      );
    }
    const publisher = await Publisher.open({
      url: options.url,
      connectionName: `${options.service}:publish`,
      names: topologyNames(options.namespace ?? 'mbs'),
      logger: options.logger,
      timeoutMs: options.publishTimeoutMs ?? 30_000,
      reconnect: options.reconnect,
      startupRetries: options.startupRetries,
    });
    const bus = new Bus(options, publisher);
    // Messages left unrouted before this start show (and are warned about) at once.
    await bus.unrouted.check();
    bus.unrouted.start();
    return bus;
  }

  /**
   * Checks `<ns>.unrouted` now and returns how many messages wait there (the last known count
   * while the publisher is disconnected). `health()` reports the periodic check's count.
   */
  checkUnrouted(): Promise<number | undefined> {
    return this.unrouted.check();
  }

  /** Publishes a message (validated against its contract) and resolves once the broker confirms it. */
  publish<C extends AnyContract>(contract: C, message: MessageOf<C>): Promise<void> {
    return this.publisher.publish(contract, message);
  }

  /**
   * Re-announces a message to every running instance that listens for its type (`listen`), for
   * things that may be missed, such as live page updates. Not persistent and at most once: a
   * broadcast goes to the listeners connected at that moment and is not kept otherwise. The
   * durable record of the fact is the original message on its consumers' queues; a broadcast
   * is a copy of it for whoever is watching.
   */
  broadcast<C extends AnyContract>(contract: C, message: MessageOf<C>): Promise<void> {
    return this.publisher.broadcast(contract, message);
  }

  /**
   * Hears broadcasts of the handlers' contracts on a queue of this instance's own, which lives
   * as long as its connection (`<service>:listen:<name>`). Every instance that listens gets every
   * broadcast. At most once, in order of arrival; a handler that throws is logged, not retried.
   */
  async listen(name: string, handlers: readonly MessageHandler<AnyContract>[]): Promise<void> {
    if (this.listeners.has(name)) throw new Error(`already listening as ${name}`);
    this.listeners.set(
      name,
      await BroadcastListener.start({
        url: this.options.url,
        connectionName: `${this.options.service}:listen:${name}`,
        name,
        handlers,
        names: this.names,
        logger: this.options.logger,
        reconnect: this.options.reconnect,
        startupRetries: this.options.startupRetries,
      }),
    );
  }

  /** Declares the consumer's queues, binds them to the handlers' contracts and starts consuming. */
  async subscribe(
    consumer: string,
    handlers: readonly MessageHandler<AnyContract>[],
    options: SubscribeOptions = {},
  ): Promise<void> {
    if (this.consumers.has(consumer)) throw new Error(`already subscribed as ${consumer}`);
    const retry = { ...defaultRetryPolicy, ...options.retry };
    if (!Number.isInteger(retry.attempts) || retry.attempts < 1)
      throw new Error('retry.attempts must be at least 1');
    this.consumers.set(
      consumer,
      await Consumer.start({
        url: this.options.url,
        connectionName: `${this.options.service}:consume:${consumer}`,
        name: consumer,
        handlers,
        prefetch: options.prefetch ?? 16,
        retry,
        names: this.names,
        publisher: this.publisher,
        deadLetterRetentionMs:
          this.options.deadLetterRetentionMs ?? DEFAULT_DEAD_LETTER_RETENTION_MS,
        logger: this.options.logger,
        reconnect: this.options.reconnect,
        startupRetries: this.options.startupRetries,
      }),
    );
  }

  /**
   * A consumer's dead letters, looked at as this service's own broker user, which may read its
   * own consumer's queues only (the broker refuses any other's). Each look (`peek`) lists up to
   * `limit` of them without taking them, changing their order or their expiry: see
   * `peekDeadLetters` for how, and its limits. The consumer need not be subscribed here.
   */
  deadLetters(consumer: string): DeadLetterReader {
    const queue = this.names.deadLetterQueue(consumer);
    return {
      queue,
      defaultLimit: DEFAULT_DEAD_LETTER_PEEK,
      maxLimit: MAX_DEAD_LETTER_PEEK,
      peek: (limit = DEFAULT_DEAD_LETTER_PEEK) => {
        const look = this.looking.then(() =>
          peekDeadLetters({
            url: this.options.url,
            connectionName: `${this.options.service}:dead-letters`,
            queue,
            limit,
          }),
        );
        this.looking = look.catch(() => undefined);
        return look;
      },
    };
  }

  health(): BusHealth {
    const consumers = Object.fromEntries(
      [...this.consumers].map(([name, c]) => [name, c.connected]),
    );
    const listeners = Object.fromEntries(
      [...this.listeners].map(([name, l]) => [name, l.connected]),
    );
    const publisher = this.publisher.connected;
    const unrouted = this.unrouted.count;
    return {
      ok:
        publisher &&
        Object.values(consumers).every(Boolean) &&
        Object.values(listeners).every(Boolean),
      publisher,
      consumers,
      ...(this.listeners.size > 0 && { listeners }),
      ...(unrouted !== undefined && { unrouted }),
    };
  }

  /**
   * Graceful stop: consumers stop taking messages and finish those in hand (up to
   * `timeoutMs`), then the publisher (which their retries and dead letters need) closes last.
   */
  async close(timeoutMs = 10_000): Promise<void> {
    this.unrouted.stop();
    await Promise.all([...this.listeners.values()].map((listener) => listener.stop()));
    await Promise.all([...this.consumers.values()].map((consumer) => consumer.stop(timeoutMs)));
    await this.publisher.close();
  }
}
