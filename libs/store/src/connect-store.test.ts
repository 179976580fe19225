import { TransientError } from '@mbs/errors';
import { useMongoDb } from '@mbs/testing';
import { connectStore, type Store } from './connect-store';
import { capturingLogger } from '../test/capturing-logger';

describe('connectStore (MongoDB from @mbs/testing: MONGODB_URL, a container, or the stand-in)', () => {
  const mongo = useMongoDb({ dbPrefix: 'store_connect' });
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('connects on its own connection and proves health by a ping round trip', async () => {
    const { logger, lines } = capturingLogger();
    store = await connectStore({ url: mongo.current.url, dbName: mongo.current.dbName, logger });
    expect(store.connection.name).toBe(mongo.current.dbName);
    const health = await store.health();
    expect(health).toEqual({ ok: true, latencyMs: expect.any(Number) });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    expect(lines().some((line) => line.msg === 'connected to MongoDB')).toBe(true);
  });

  it('closes gracefully, more than once, and then reports unhealthy instead of throwing', async () => {
    const { logger } = capturingLogger();
    store = await connectStore({ url: mongo.current.url, dbName: mongo.current.dbName, logger });
    await Promise.all([store.close(), store.close()]);
    const health = await store.health();
    expect(health.ok).toBe(false);
    expect(health.error).toContain('closed');
  });

  it('gives up on an unreachable server with store_unavailable, naming the host but no password', async () => {
    const { logger, lines } = capturingLogger();
    const started = Date.now();
    const attempt = connectStore({
      url: 'mongodb://alice:s3cret@127.0.0.1:1/?authSource=admin',
      dbName: 'nowhere',
      logger,
      retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 20, attemptTimeoutMs: 150 },
    });
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'store_unavailable', retryable: true });
    expect((error as Error).message).toContain(
      'MongoDB at 127.0.0.1:1 did not answer after 3 attempts',
    );
    expect((error as Error).message).not.toContain('s3cret');
    expect(Date.now() - started).toBeLessThan(5_000);
    const retries = lines().filter((line) => line.msg === 'MongoDB not reachable yet; retrying');
    expect(retries.map((line) => line.attempt)).toEqual([1, 2]);
    expect(JSON.stringify(lines())).not.toContain('s3cret');
  });
});
