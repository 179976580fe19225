import { setTimeout as sleep } from 'node:timers/promises';
import { TransientError, describeError } from '@mbs/errors';
import { type Logger } from '@mbs/telemetry';
import mongoose, { type Connection } from 'mongoose';
import { backoffDelay } from '@mbs/errors';
import { redactCredentials, storeHost } from './store-host';

export interface StoreRetryOptions {
  /** Connection attempts before giving up (default 10). */
  readonly attempts?: number;
  /** Wait after the first failed attempt (default 200 ms); doubles each time, with jitter. */
  readonly initialDelayMs?: number;
  /** Longest wait between attempts (default 5 s). */
  readonly maxDelayMs?: number;
  /**
   * How long one attempt, and later each operation, waits for a usable server (the driver's
   * `serverSelectionTimeoutMS`; default 5 s). Also bounds how long an operation hangs when the
   * server goes away later.
   */
  readonly attemptTimeoutMs?: number;
}

export interface ConnectStoreOptions {
  /** `MONGODB_URL`; may carry credentials, which never appear in logs or errors. */
  readonly url: string;
  /** The service's own database (each service owns one; none reads another's). */
  readonly dbName: string;
  readonly logger: Logger;
  readonly retry?: StoreRetryOptions;
}

export interface StoreHealth {
  readonly ok: boolean;
  /** Round trip of a `ping` command (or time until it failed). */
  readonly latencyMs: number;
  readonly error?: string;
}

export interface Store {
  /** A connection of its own (not mongoose's global one): register models with `connection.model`. */
  readonly connection: Connection;
  /** Proves the server answers, by a real `ping` round trip. Never throws. */
  health(options?: { readonly timeoutMs?: number }): Promise<StoreHealth>;
  /** Lets in-flight operations finish, then closes; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Connects to MongoDB, retrying at start with exponential backoff and jitter, so a service that
 * starts before its database waits for it instead of crash-looping. Gives up after a bounded
 * number of attempts with a `TransientError` coded `store_unavailable` that names the host.
 */
export async function connectStore(options: ConnectStoreOptions): Promise<Store> {
  const { url, dbName, logger } = options;
  const {
    attempts = 10,
    initialDelayMs = 200,
    maxDelayMs = 5_000,
    attemptTimeoutMs = 5_000,
  } = options.retry ?? {};
  if (!(attempts >= 1)) throw new RangeError('connectStore: retry.attempts must be at least 1');
  const host = storeHost(url);
  const log = logger.child({ component: 'store', host, db: dbName });

  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const connection = mongoose.createConnection(url, {
      dbName,
      serverSelectionTimeoutMS: attemptTimeoutMs,
      // Poll the server's state instead of streaming it: the streaming monitor holds an
      // "exhaust" cursor that the MongoDB stand-in ends abruptly under load, and the driver then
      // clears the whole pool, failing unrelated operations ("Server ended moreToCome
      // unexpectedly", seen in CI). Polling costs one small command every 10 s on real MongoDB.
      serverMonitoringMode: 'poll',
    });
    try {
      await connection.asPromise();
      log.info({ attempt }, 'connected to MongoDB');
      return openStore(connection, log);
    } catch (error) {
      lastError = error;
      // A failed attempt still owns driver resources (monitors, timers): release them.
      await connection.close(true).catch(() => undefined);
      if (attempt === attempts) break;
      const delayMs = backoffDelay(attempt, { baseMs: initialDelayMs, maxMs: maxDelayMs });
      log.warn(
        { attempt, attempts, delayMs, error: redactCredentials(describeError(error)) },
        'MongoDB not reachable yet; retrying',
      );
      await sleep(delayMs);
    }
  }
  throw new TransientError(
    'store_unavailable',
    `MongoDB at ${host} did not answer after ${attempts} attempt${attempts === 1 ? '' : 's'}: ` +
      redactCredentials(describeError(lastError)),
    { cause: lastError },
  );
}

function openStore(connection: Connection, log: Logger): Store {
  let closing: Promise<void> | undefined;
  // Our own close also disconnects: only a loss we did not ask for is worth a warning.
  connection.on('disconnected', () => {
    if (!closing) log.warn('MongoDB connection lost; the driver reconnects');
  });
  connection.on('reconnected', () => log.info('MongoDB connection restored'));

  return {
    connection,
    async health({ timeoutMs = 2_000 } = {}) {
      const started = performance.now();
      const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
      let timer: NodeJS.Timeout | undefined;
      try {
        const db = connection.db;
        if (!db || closing) throw new Error('the store connection is closed');
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`ping took longer than ${timeoutMs} ms`)),
            timeoutMs,
          );
        });
        await Promise.race([db.command({ ping: 1 }), timeout]);
        return { ok: true, latencyMs: elapsed() };
      } catch (error) {
        return { ok: false, latencyMs: elapsed(), error: redactCredentials(describeError(error)) };
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      closing ??= connection.close().then(() => log.info('MongoDB connection closed'));
      return closing;
    },
  };
}
