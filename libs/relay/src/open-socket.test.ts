import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { openRelaySocket } from './open-socket';
import {
  RelayEntityNotFoundError,
  RelayForbiddenError,
  RelayListenerBusyError,
  RelayNoListenerError,
  RelayRejectedError,
  RelayTimeoutError,
  RelayUnauthorizedError,
  RelayUnavailableError,
} from './relay-errors';

/** A server that refuses every upgrade with the status and reason phrase asked for in the path. */
let server: Server;
let base: string;
const held: Duplex[] = [];
beforeAll(async () => {
  server = createServer();
  server.on('upgrade', (request, socket) => {
    held.push(socket);
    const [, status, phrase] = /^\/(\d+)\/(.*)$/.exec(request.url ?? '') ?? [];
    if (status === '000') return; // never answers
    socket.end(
      `HTTP/1.1 ${status} ${decodeURIComponent(phrase ?? '')}\r\nContent-Length: 6\r\nConnection: close\r\n\r\ndetail`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  held.forEach((socket) => socket.destroy());
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// Generous by default: a refusal from a local server must not turn into a timeout on a loaded
// machine. The timeout test passes its own, short one.
const open = (status: string, phrase = 'x', timeoutMs = 10_000) =>
  openRelaySocket(`${base}/${status}/${encodeURIComponent(phrase)}`, {
    phase: 'handshake',
    purpose: 'test',
    timeoutMs,
  }).then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error as Error & { code: string; retryable: boolean; statusCode?: number },
  );

describe('handshake refusals', () => {
  it.each([
    ['401', 'Unauthorized', RelayUnauthorizedError, false],
    ['403', 'Forbidden', RelayForbiddenError, false],
    ['404', 'Endpoint does not exist', RelayEntityNotFoundError, false],
    ['404', 'There are no listeners connected for the endpoint', RelayNoListenerError, true],
    ['502', 'Bad Gateway', RelayNoListenerError, true],
    ['504', 'Gateway Timeout', RelayTimeoutError, true],
    ['500', 'Internal Error', RelayUnavailableError, true],
    ['503', 'Service Unavailable', RelayUnavailableError, true],
    ['429', 'Too busy', RelayListenerBusyError, true],
    ['409', 'Unknown dispatcher', RelayRejectedError, false],
    ['410', 'Gone', RelayRejectedError, false],
  ])(
    'maps HTTP %s (%s) to a typed error that says whether to retry',
    async (status, phrase, type, retryable) => {
      const error = await open(status, phrase);
      expect(error).toBeInstanceOf(type);
      expect(error.retryable).toBe(retryable);
      expect(error.statusCode).toBe(Number(status));
      expect(error.message).toContain(`HTTP ${status} (${phrase}: detail)`);
    },
  );

  it('times out a handshake nobody answers', async () => {
    const error = await open('000', '', 100);
    expect(error).toBeInstanceOf(RelayTimeoutError);
  });

  it('reports a refused TCP connection as unavailable', async () => {
    const error = await openRelaySocket('ws://127.0.0.1:1', {
      phase: 'handshake',
      purpose: 'test',
      timeoutMs: 10_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelayUnavailableError);
  });

  it('gives up at once when aborted', async () => {
    const abort = new AbortController();
    const pending = openRelaySocket(`${base}/000/`, {
      phase: 'handshake',
      purpose: 'test',
      timeoutMs: 60_000,
      signal: abort.signal,
    });
    abort.abort();
    await expect(pending).rejects.toThrow(/abandoned/);
  });
});
