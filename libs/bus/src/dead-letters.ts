import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { describeBroker } from './broker-connection';
import { DeadLettersUnavailableError } from './bus-errors';
import { Header } from './headers';

/** How many dead letters a look lists unless told. */
export const DEFAULT_DEAD_LETTER_PEEK = 50;
/**
 * The most a look lists, and how many it always takes from the head of the queue (fewer only
 * when the queue holds fewer): see `peekDeadLetters` for why it takes the same number every time.
 */
export const MAX_DEAD_LETTER_PEEK = 200;
/** A failure reason is the handler's own words, of any length: cut to this many characters. */
export const MAX_FAILURE_REASON_CHARS = 500;

/** A look waits at most this long for the messages the queue said it held. */
const TAKE_TIMEOUT_MS = 5_000;
/** ...and stops sooner when none has arrived for this long (some expired, or another look has them). */
const TAKE_IDLE_MS = 500;
/** How long a look waits for the broker to put back what it took before it answers. */
const RETURN_TIMEOUT_MS = 2_000;

/**
 * One dead letter as an operator may see it: what it was, why it was given up on, where it was
 * first published, how big it is and when the broker drops it. Never its body, which holds the
 * message's data (a patient's details). Anything the message does not carry is null.
 */
export interface DeadLetter {
  /** The message id (`messageId` property). */
  readonly id: string | null;
  /** The contract type (`type` property). */
  readonly type: string | null;
  readonly correlationId: string | null;
  /** `x-failure-code`; for a message the broker dead-lettered itself, its `x-death` reason. */
  readonly failureCode: string | null;
  /** `x-failure-reason`, at most MAX_FAILURE_REASON_CHARS characters (… when cut). */
  readonly failureReason: string | null;
  /** `x-failed-at`; for one the broker dead-lettered, when it did. */
  readonly failedAt: string | null;
  /** `x-attempt`: the try it failed on. */
  readonly attempt: number | null;
  /** `x-failed-consumer`. */
  readonly failedConsumer: string | null;
  /** `x-original-exchange` and `x-original-routing-key` (the contract type): where it was first published. */
  readonly originalExchange: string | null;
  readonly originalRoutingKey: string | null;
  /** The body's size in bytes. */
  readonly sizeBytes: number;
  /** Its own expiry (`expiration`, in ms from when it was dead-lettered); null: it never expires. */
  readonly expirationMs: number | null;
  /** When the broker drops it: `failedAt` plus `expirationMs`, to within the moment of the copy. */
  readonly expiresAt: string | null;
}

/** What a look at a consumer's dead-letter queue found. */
export interface DeadLetterPeek {
  readonly queue: string;
  /** Messages in the queue when it was looked at (0 when it does not exist). */
  readonly total: number;
  /** The first of them, in queue order (the next to expire first), up to the limit asked for. */
  readonly deadLetters: readonly DeadLetter[];
}

export interface PeekDeadLettersOptions {
  /** The broker URL with this service's own user: it may read its own queues only. */
  readonly url: string;
  /** Shown in the broker's connection list. */
  readonly connectionName: string;
  readonly queue: string;
  /** How many to list: a whole number from 1 to MAX_DEAD_LETTER_PEEK. */
  readonly limit: number;
}

/**
 * Lists the first `limit` messages of a dead-letter queue without taking them, on a short-lived
 * connection of its own, as the service's own broker user:
 *
 * 1. a passive declare counts the queue (no permission needed; a missing queue holds nothing);
 * 2. a consumer with prefetch `min(count, MAX_DEAD_LETTER_PEEK)` takes that many from the head
 *    and acknowledges none;
 * 3. its channel closes, and the broker returns every one of them to the head of the queue, in
 *    the order they were taken, with its headers, properties and expiry as they were (a quorum
 *    queue keeps a message's expiry as a time, so a look does not extend it);
 * 4. the look answers once the queue counts them again, so the next look finds them in place.
 *
 * Why always the same number, whatever `limit` is: a quorum queue serves messages returned to it
 * before the others, from a queue of returns that a new return joins at the back. A look that took
 * only the first 3 of the 10 the previous look returned would put those 3 behind the other 7.
 * Taking every returned one each time (at most MAX_DEAD_LETTER_PEEK, as every look takes) keeps
 * the order, and with it expiry in order (the broker expires from the head only).
 *
 * Each look counts as a delivery: the broker adds one to each message's `x-delivery-count`.
 * Dead-letter queues have no delivery limit (topology.ts), so on RabbitMQ 3.x a message may be
 * looked at any number of times. RabbitMQ 4 gives every quorum queue a delivery limit of 20 by
 * default, and a dead-letter queue dead-letters nowhere, so the 21st look would drop the message:
 * on RabbitMQ 4 or later the look is refused (DeadLettersUnavailableError) until that is dealt
 * with. Two looks at the same moment (two replicas) see different messages, and may swap the
 * blocks they return when the queue holds more than MAX_DEAD_LETTER_PEEK.
 *
 * Fails with DeadLettersUnavailableError when the broker cannot be reached or refuses the user
 * the queue (ACCESS_REFUSED: another service's).
 */
export async function peekDeadLetters(options: PeekDeadLettersOptions): Promise<DeadLetterPeek> {
  const { url, connectionName, queue, limit } = options;
  checkLimit(limit);
  let connection: ChannelModel;
  try {
    connection = await amqp.connect(url, {
      clientProperties: { connection_name: connectionName },
      timeout: TAKE_TIMEOUT_MS,
    });
  } catch (error) {
    throw new DeadLettersUnavailableError(
      `could not connect to RabbitMQ at ${describeBroker(url)} to look at ${queue}: ${String((error as Error).message ?? error)}`,
      { cause: error },
    );
  }
  connection.on('error', () => undefined);
  try {
    refuseCountingBroker(connection.connection.serverProperties as Record<string, unknown>);
    const counter = await connection.createChannel();
    counter.on('error', () => undefined);
    const total = await countOrZero(counter, queue);
    if (total === 0) return { queue, total, deadLetters: [] };
    const taken = await takeWithoutAck(connection, queue, Math.min(total, MAX_DEAD_LETTER_PEEK));
    await returned(counter, queue, total);
    await counter.close().catch(() => undefined);
    return { queue, total, deadLetters: taken.slice(0, limit).map(describeDeadLetter) };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DEAD_LETTER_PEEK) {
    throw new RangeError(`limit must be a whole number from 1 to ${MAX_DEAD_LETTER_PEEK}`);
  }
}

/**
 * Refuses a broker that counts a returned message towards a delivery limit it gives every quorum
 * queue (RabbitMQ 4: 20): there, looking is not harmless. RabbitMQ 3 has no such default.
 */
export function refuseCountingBroker(serverProperties: Record<string, unknown>): void {
  const { product, version } = serverProperties;
  const major = Number(/^(\d+)\./.exec(String(version ?? ''))?.[1]);
  if (String(product ?? '') === 'RabbitMQ' && major >= 4) {
    throw new DeadLettersUnavailableError(
      `RabbitMQ ${String(version)} counts every look at a quorum queue's message towards a delivery ` +
        'limit (20 unless set) and would drop a dead letter looked at that often: not looking ' +
        '(see peekDeadLetters in @mbs/bus)',
    );
  }
}

/** The messages ready in `queue` (a passive declare); 0 when it does not exist. */
async function countOrZero(channel: Channel, queue: string): Promise<number> {
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } catch (error) {
    if ((error as { code?: unknown }).code === 404) return 0;
    throw new DeadLettersUnavailableError(`could not count ${queue}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Takes `count` messages from the head of `queue` without acknowledging any, then closes the
 * channel, which returns them all to the queue. Stops waiting early when the queue had fewer to
 * give than it counted.
 */
async function takeWithoutAck(
  connection: ChannelModel,
  queue: string,
  count: number,
): Promise<ConsumeMessage[]> {
  const channel = await connection.createChannel();
  let refusal: (Error & { code?: unknown }) | undefined;
  channel.on('error', (error: Error) => (refusal = error));
  const taken: ConsumeMessage[] = [];
  let finish = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const deadline = setTimeout(() => finish(), TAKE_TIMEOUT_MS);
  let idle: NodeJS.Timeout | undefined;
  const waitForMore = () => {
    clearTimeout(idle);
    idle = setTimeout(() => finish(), TAKE_IDLE_MS);
  };
  try {
    await channel.prefetch(count);
    await channel.consume(
      queue,
      (message) => {
        if (message === null) return finish();
        taken.push(message);
        if (taken.length >= count) finish();
        else waitForMore();
      },
      { noAck: false },
    );
    waitForMore();
    await finished;
  } catch (error) {
    const cause = refusal ?? error;
    throw new DeadLettersUnavailableError(
      `the broker refused this service's user ${queue}: ${String((cause as Error).message ?? cause)}`,
      { cause },
    );
  } finally {
    clearTimeout(deadline);
    clearTimeout(idle);
    // No ack was sent: closing the channel returns every message it was given.
    await channel.close().catch(() => undefined);
  }
  return taken;
}

/**
 * Waits (briefly) until `queue` counts at least `total` again: the broker returns the messages of
 * a closed channel a moment after it closes, and a look started before that would find them gone.
 * Gives up quietly: messages may have expired meanwhile, or another look may hold some.
 */
async function returned(channel: Channel, queue: string, total: number): Promise<void> {
  const deadline = Date.now() + RETURN_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      if ((await channel.checkQueue(queue)).messageCount >= total) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch {
    // The queue was deleted meanwhile: nothing to wait for.
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** `x-death`'s latest entry (the broker puts it first): present only where the broker dead-lettered. */
function latestDeath(headers: Record<string, unknown>): Record<string, unknown> | undefined {
  const deaths = headers['x-death'];
  return Array.isArray(deaths) && typeof deaths[0] === 'object' && deaths[0] !== null
    ? (deaths[0] as Record<string, unknown>)
    : undefined;
}

/** The broker's `time` of a death, an AMQP timestamp (seconds), as an ISO string. */
function deathTime(death: Record<string, unknown> | undefined): string | null {
  const time = death?.time as { value?: unknown } | number | undefined;
  const seconds = typeof time === 'number' ? time : Number(time?.value);
  return Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : null;
}

/** What a dead letter says about itself, from its properties and headers only: never its body. */
export function describeDeadLetter(message: ConsumeMessage): DeadLetter {
  const properties = message.properties;
  const headers = (properties.headers ?? {}) as Record<string, unknown>;
  const death = latestDeath(headers);
  const reason = text(headers[Header.failureReason]);
  const attempt = Number(headers[Header.attempt]);
  const expiration = /^\d+$/.test(String(properties.expiration ?? ''))
    ? Number(properties.expiration)
    : null;
  const failedAt = text(headers[Header.failedAt]) ?? deathTime(death);
  const failedAtMs = failedAt === null ? NaN : Date.parse(failedAt);
  const routingKeys = death?.['routing-keys'];
  return {
    id: text(properties.messageId),
    type: text(properties.type),
    correlationId: text(properties.correlationId),
    failureCode: text(headers[Header.failureCode]) ?? text(death?.reason),
    failureReason:
      reason === null || reason.length <= MAX_FAILURE_REASON_CHARS
        ? reason
        : `${reason.slice(0, MAX_FAILURE_REASON_CHARS - 1)}…`,
    failedAt,
    attempt: Number.isInteger(attempt) && attempt >= 1 ? attempt : null,
    failedConsumer: text(headers[Header.failedConsumer]),
    originalExchange: text(headers[Header.originalExchange]) ?? text(death?.exchange),
    originalRoutingKey:
      text(headers[Header.originalRoutingKey]) ??
      (Array.isArray(routingKeys) ? text(routingKeys[0]) : null),
    sizeBytes: message.content.length,
    expirationMs: expiration,
    expiresAt:
      expiration !== null && Number.isFinite(failedAtMs)
        ? new Date(failedAtMs + expiration).toISOString()
        : null,
  };
}
