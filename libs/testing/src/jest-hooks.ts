import { type GetMongoDbOptions, type MongoDb, getMongoDb } from './mongodb';
import { type GetRabbitMqOptions, type RabbitMq, getRabbitMq } from './rabbitmq';

type Hook = (fn: () => Promise<void>, timeoutMs?: number) => void;

/**
 * Registers `beforeAll`/`afterAll` in the calling suite and returns a handle that is filled in
 * before the first test. Nothing is global: each suite that calls it gets its own dependency.
 * Starting may take long (a container image pull), hence the generous hook timeout.
 */
function useService<T extends { stop(): Promise<void> }>(
  what: string,
  start: () => Promise<T>,
  timeoutMs: number,
): { readonly current: T } {
  const hooks = globalThis as { beforeAll?: Hook; afterAll?: Hook };
  if (typeof hooks.beforeAll !== 'function' || typeof hooks.afterAll !== 'function') {
    throw new Error(
      `use${what}() registers jest hooks: call it inside a jest suite (describe or file scope)`,
    );
  }
  let service: T | undefined;
  hooks.beforeAll(async () => {
    service = await start();
  }, timeoutMs);
  hooks.afterAll(async () => {
    await service?.stop();
  }, timeoutMs);
  return {
    get current(): T {
      if (!service) throw new Error(`${what} is not ready: read .current inside a test or hook`);
      return service;
    },
  };
}

/** `const mongo = useMongoDb({ dbPrefix: 'store' })`, then `mongo.current.url` in tests. */
export function useMongoDb(options: GetMongoDbOptions = {}, timeoutMs = 180_000) {
  return useService<MongoDb>('MongoDb', () => getMongoDb(options), timeoutMs);
}

/** `const broker = useRabbitMq()`, then `broker.current.url` in tests. */
export function useRabbitMq(options: GetRabbitMqOptions = {}, timeoutMs = 180_000) {
  return useService<RabbitMq>('RabbitMq', () => getRabbitMq(options), timeoutMs);
}
