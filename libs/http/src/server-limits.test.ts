import { createLogger } from '@mbs/telemetry';
import { probeSocket } from '@mbs/testing';
import type { FastifyInstance } from 'fastify';
import net, { type AddressInfo } from 'node:net';
import { createHttpApi, type HttpApiOptions } from './index';

const logger = createLogger({ service: 'http-limits-test', level: 'silent' });

const halfBody =
  'POST /things HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n' +
  'Content-Length: 100\r\n\r\n{"name":';
const halfHeaders = 'GET /things HTTP/1.1\r\nHost: test\r\nX-Slow: ';

describe('createHttpApi server limits (real sockets)', () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  async function listening(limits: HttpApiOptions['limits']): Promise<number> {
    const app = await createHttpApi({ logger, limits });
    app.post('/things', async () => ({ ok: true }));
    app.get('/things', async () => ({ ok: true }));
    app.get('/stuck', () => new Promise(() => undefined));
    apps.push(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    return (app.server.address() as AddressInfo).port;
  }

  it('answers 408 and closes a request whose body stops half way, within the request timeout', async () => {
    const port = await listening({ requestTimeoutMs: 300 });
    const { answer, closedAfterMs } = await probeSocket(port, halfBody, 5_000);
    expect(closedAfterMs).toBeDefined();
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers 408 and closes a request whose headers stop half way, within the request timeout', async () => {
    const port = await listening({ requestTimeoutMs: 300 });
    const { answer, closedAfterMs } = await probeSocket(port, halfHeaders, 5_000);
    expect(closedAfterMs).toBeDefined();
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection that stays silent with a request in hand, after the connection timeout', async () => {
    const port = await listening({ connectionTimeoutMs: 400 });
    const { closedAfterMs } = await probeSocket(
      port,
      'GET /stuck HTTP/1.1\r\nHost: test\r\n\r\n',
      5_000,
    );
    expect(closedAfterMs).toBeDefined();
    expect(closedAfterMs).toBeGreaterThanOrEqual(350);
  });

  it('closes an idle kept-alive connection after the keep-alive timeout (Node adds 1 s)', async () => {
    const port = await listening({ keepAliveTimeoutMs: 200 });
    const { answer, closedAfterMs } = await probeSocket(
      port,
      'GET /things HTTP/1.1\r\nHost: test\r\n\r\n',
      5_000,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    // Closed within the probe's 5 s: the default (10 s) would still hold it.
    expect(closedAfterMs).toBeDefined();
  });

  it('closes connections beyond the cap at once, and serves again when one ends', async () => {
    const port = await listening({ maxConnections: 2 });
    const held = [net.connect(port, '127.0.0.1'), net.connect(port, '127.0.0.1')];
    for (const socket of held) {
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('connect', resolve));
    }
    try {
      // Let the server take both before the third arrives.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const refused = await probeSocket(port, 'GET /things HTTP/1.1\r\nHost: test\r\n\r\n', 5_000);
      expect(refused.answer).toBe('');
      expect(refused.closedAfterMs).toBeDefined();

      held.pop()!.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const served = await probeSocket(
        port,
        'GET /things HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n',
        5_000,
      );
      expect(served.answer).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      for (const socket of held) socket.destroy();
    }
  });

  it('sets every limit by default: none is left at 0 (no limit)', async () => {
    const app = await createHttpApi({ logger });
    apps.push(app);
    expect(app.initialConfig).toMatchObject({
      requestTimeout: 15_000,
      connectionTimeout: 60_000,
      keepAliveTimeout: 10_000,
    });
    expect(app.server.maxConnections).toBe(512);
    expect(app.server.headersTimeout).toBe(15_000);
  });

  it('refuses a limit of 0 or less, which would mean no limit at all', async () => {
    await expect(createHttpApi({ logger, limits: { requestTimeoutMs: 0 } })).rejects.toThrow(
      'requestTimeoutMs',
    );
    await expect(createHttpApi({ logger, limits: { maxConnections: -1 } })).rejects.toThrow(
      'maxConnections',
    );
  });
});
