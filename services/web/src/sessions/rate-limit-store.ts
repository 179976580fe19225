import type { WindowCounter } from './window-counter';

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * @fastify/rate-limit's store interface over the shared window counter, so the limit holds across
 * every web replica, not per process.
 */
export function mongoRateLimitStore(counter: WindowCounter) {
  return class MongoRateLimitStore {
    incr(key: string, callback: IncrCallback, timeWindow: number): void {
      counter.increment(`rate:${key}`, timeWindow).then(
        ({ count, remainingMs }) => callback(null, { current: count, ttl: remainingMs }),
        (error: Error) => callback(error),
      );
    }

    read(key: string, callback: IncrCallback, timeWindow: number): void {
      counter.read(`rate:${key}`, timeWindow).then(
        ({ count, remainingMs }) => callback(null, { current: count, ttl: remainingMs }),
        (error: Error) => callback(error),
      );
    }

    child(): MongoRateLimitStore {
      return new MongoRateLimitStore();
    }
  };
}
