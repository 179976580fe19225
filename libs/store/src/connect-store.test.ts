import { TransientError } from '@mbs/errors';
import { freePort, sleep, startMongoStandIn, type StartedService, useMongoDb } from '@mbs/testing';
import { Schema } from 'mongoose';
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
    const { logger, lines } = capturingLogger();
    store = await connectStore({ url: mongo.current.url, dbName: mongo.current.dbName, logger });
    await Promise.all([store.close(), store.close()]);
    const health = await store.health();
    expect(health.ok).toBe(false);
    expect(health.error).toContain('closed');
    // A close we asked for is not a lost connection: no warning, one line saying it closed.
    expect(lines().filter((line) => line.msg === 'MongoDB connection closed')).toHaveLength(1);
    expect(lines().some((line) => String(line.msg).includes('connection lost'))).toBe(false);
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

  describe('against a stand-in of its own, started late and stopped early', () => {
    let standIn: StartedService | undefined;
    afterEach(async () => {
      await store?.close();
      store = undefined;
      await standIn?.stop();
      standIn = undefined;
    });

    // Short waits so the test retries several times within a second or two.
    const quickRetry = { attempts: 40, initialDelayMs: 50, maxDelayMs: 200, attemptTimeoutMs: 300 };

    it('keeps retrying while the server is not there yet, then connects and is healthy', async () => {
      const port = await freePort();
      const { logger, lines } = capturingLogger();
      const connecting = connectStore({
        url: `mongodb://127.0.0.1:${port}`,
        dbName: 'store_late_start',
        logger,
        retry: quickRetry,
      });
      // Nothing listens yet: at least one attempt fails before the server appears.
      await sleep(600);
      standIn = await startMongoStandIn({ port });
      store = await connecting;

      const log = lines();
      const retries = log.filter((line) => line.msg === 'MongoDB not reachable yet; retrying');
      expect(retries.length).toBeGreaterThanOrEqual(1);
      expect(retries.map((line) => line.attempt)).toEqual(retries.map((_, i) => i + 1));
      expect(retries[0]).toMatchObject({
        level: 'warn',
        attempts: quickRetry.attempts,
        host: `127.0.0.1:${port}`,
        delayMs: expect.any(Number),
        error: expect.any(String),
      });
      const connected = log.filter((line) => line.msg === 'connected to MongoDB');
      expect(connected).toEqual([expect.objectContaining({ attempt: retries.length + 1 })]);
      expect(log.indexOf(connected[0]!)).toBe(log.length - 1);

      expect(await store.health()).toEqual({ ok: true, latencyMs: expect.any(Number) });
      const Note = store.connection.model('LateNote', new Schema({ text: String }));
      await Note.create({ text: 'after the retries' });
      expect(await Note.countDocuments()).toBe(1);
    });

    it('reports ok: false, without throwing, once the server has gone away', async () => {
      standIn = await startMongoStandIn();
      const { logger } = capturingLogger();
      store = await connectStore({
        url: standIn.url,
        dbName: 'store_gone_away',
        logger,
        retry: quickRetry,
      });
      expect((await store.health()).ok).toBe(true);

      await standIn.stop();
      const health = await store.health({ timeoutMs: 1_500 });
      expect(health).toEqual({
        ok: false,
        latencyMs: expect.any(Number),
        error: expect.any(String),
      });
      // Refused at once when the port is closed; a timeout when the driver is still waiting.
      expect(health.error).toMatch(/ECONNREFUSED|timed out|took longer/);
    });
  });
});
