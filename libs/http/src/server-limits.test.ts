import { createLogger } from '@mbs/telemetry';
import type { FastifyInstance } from 'fastify';
import net, { type AddressInfo } from 'node:net';
import { createHttpApi, type HttpApiOptions } from './index';

const logger = createLogger({ service: 'http-limits-test', level: 'silent' });

interface Probe {
  /** Everything the server wrote before closing. */
  readonly answer: string;
  /** Milliseconds from connecting to the server's close, or undefined when it stayed open. */
  readonly closedAfterMs: number | undefined;
}

/** Opens a real socket, writes `bytes` (a request, or part of one) and waits for the server. */
function probe(port: number, bytes: string, waitMs: number): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const started = Date.now();
    let answer = '';
    const giveUp = setTimeout(() => {
      socket.removeAllListeners('close');
      socket.destroy();
      resolve({ answer, closedAfterMs: undefined });
    }, waitMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
    socket.on('connect', () => socket.write(bytes));
  });
}

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
    const { answer, closedAfterMs } = await probe(port, halfBody, 3_000);
    expect(closedAfterMs).toBeDefined();
    expect(closedAfterMs).toBeLessThan(2_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers 408 and closes a request whose headers stop half way, within the request timeout', async () => {
    const port = await listening({ requestTimeoutMs: 300 });
    const { answer, closedAfterMs } = await probe(port, halfHeaders, 3_000);
    expect(closedAfterMs).toBeLessThan(2_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection that stays silent with a request in hand, after the connection timeout', async () => {
    const port = await listening({ connectionTimeoutMs: 400 });
    const { closedAfterMs } = await probe(port, 'GET /stuck HTTP/1.1\r\nHost: test\r\n\r\n', 3_000);
    expect(closedAfterMs).toBeDefined();
    expect(closedAfterMs).toBeGreaterThanOrEqual(350);
    expect(closedAfterMs).toBeLessThan(2_000);
  });

  it('closes an idle kept-alive connection after the keep-alive timeout (Node adds 1 s)', async () => {
    const port = await listening({ keepAliveTimeoutMs: 200 });
    const { answer, closedAfterMs } = await probe(
      port,
      'GET /things HTTP/1.1\r\nHost: test\r\n\r\n',
      3_000,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(closedAfterMs).toBeLessThan(2_500);
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
      const refused = await probe(port, 'GET /things HTTP/1.1\r\nHost: test\r\n\r\n', 3_000);
      expect(refused.answer).toBe('');
      expect(refused.closedAfterMs).toBeLessThan(1_000);

      held.pop()!.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const served = await probe(
        port,
        'GET /things HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n',
        3_000,
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
