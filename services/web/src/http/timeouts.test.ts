import type { FastifyInstance } from 'fastify';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeSocket } from '@mbs/testing';
import { STAFF, Visitor, startWeb, stopMongo, type WebUnderTest } from '../../test/web-harness';
import { buildWebApp, type WebAppOptions } from '../app';
import type { WindowCounter } from '../sessions/window-counter';

/** Sign-in limits are not what these tests are about: a counter that never reaches one. */
const neverCounted: WindowCounter = {
  increment: async (_key: string, windowMs: number) => ({ count: 1, remainingMs: windowMs }),
  read: async (_key: string, windowMs: number) => ({ count: 0, remainingMs: windowMs }),
  reset: async () => undefined,
};

/** A live stream over real HTTP: its status, the heartbeats seen, and whether it has ended. */
function openStream(port: number, cookie: string) {
  const seen = { status: 0, heartbeats: 0, ended: false };
  const request = http.get(
    { host: '127.0.0.1', port, path: '/live?clinicId=clinic-leeds-am', headers: { cookie } },
    (response) => {
      seen.status = response.statusCode ?? 0;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        seen.heartbeats += chunk.split(': heartbeat').length - 1;
      });
      response.on('end', () => (seen.ended = true));
      response.on('close', () => (seen.ended = true));
    },
  );
  request.on('error', () => (seen.ended = true));
  return { seen, close: () => request.destroy() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('web server timeouts and caps (real sockets, MongoDB)', () => {
  let web: WebUnderTest;
  let app: FastifyInstance | undefined;
  let staff: Visitor;

  beforeEach(async () => {
    // The harness gives web's context (heartbeat every 200 ms); each test builds web with
    // short limits on that context and listens on a real port.
    web = await startWeb();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await web.stop();
  });
  afterAll(() => stopMongo());

  async function listening(limits: WebAppOptions['limits']): Promise<number> {
    app = await buildWebApp({
      context: web.context,
      counter: neverCounted,
      health: {
        store: async () => ({ ok: true, latencyMs: 0 }),
        bus: () => ({ ok: true, publisher: true, consumers: {} }),
      },
      sessionSecret: 'a-session-secret-for-the-timeout-tests-0123456789',
      sessionIdleMs: 30 * 60_000,
      secure: false,
      trustedProxyHops: 0,
      signInAttemptsPerAddress: 30,
      cacheViews: true,
      limits,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    staff = new Visitor({ ...web, app });
    await staff.signIn(STAFF);
    return (app.server.address() as AddressInfo).port;
  }

  it('answers 408 and closes a form whose body stops half way, within the request timeout', async () => {
    const port = await listening({ requestTimeoutMs: 300 });
    const { answer, closedAfterMs } = await probeSocket(
      port,
      'POST /sign-in HTTP/1.1\r\nHost: test\r\n' +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\nusername=ad',
      5_000,
    );
    expect(closedAfterMs).toBeDefined();
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('keeps a live stream open well past the connection timeout while its heartbeats flow', async () => {
    const port = await listening({ requestTimeoutMs: 300, connectionTimeoutMs: 700 });
    const stream = openStream(port, staff.cookieHeader);
    try {
      await sleep(2_000);
      expect(stream.seen.status).toBe(200);
      expect(stream.seen.ended).toBe(false);
      expect(stream.seen.heartbeats).toBeGreaterThanOrEqual(5);
    } finally {
      stream.close();
    }
  });

  it('refuses a connection timeout that a heartbeat could not beat', async () => {
    // The harness's heartbeat is 200 ms: the stream would be cut between two heartbeats.
    await expect(listening({ connectionTimeoutMs: 300 })).rejects.toThrow(/connectionTimeoutMs/);
  });

  it('refuses a live stream beyond the cap with 503, and takes one again when another ends', async () => {
    const port = await listening({ maxLiveStreams: 1 });
    const first = openStream(port, staff.cookieHeader);
    try {
      await sleep(300);
      expect(first.seen.status).toBe(200);
      const second = openStream(port, staff.cookieHeader);
      await sleep(300);
      expect(second.seen.status).toBe(503);
      second.close();

      first.close();
      await sleep(300);
      const third = openStream(port, staff.cookieHeader);
      await sleep(300);
      expect(third.seen.status).toBe(200);
      third.close();
    } finally {
      first.close();
    }
  });

  it('sets every limit by default: none is left at 0 (no limit)', async () => {
    await listening(undefined);
    expect(app!.initialConfig).toMatchObject({
      requestTimeout: 15_000,
      connectionTimeout: 60_000,
      keepAliveTimeout: 72_000,
    });
    expect(app!.server.maxConnections).toBe(2_048);
  });
});
