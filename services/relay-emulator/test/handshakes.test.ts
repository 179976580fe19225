import {
  RelayEntityNotFoundError,
  RelayForbiddenError,
  RelayListenerBusyError,
  RelayNoListenerError,
  RelayRejectedError,
  RelayTimeoutError,
  RelayUnauthorizedError,
  RelayUnavailableError,
  acceptMessageSchema,
  connectToRelay,
  createSasToken,
  hybridConnectionUrl,
  openRelaySession,
  openRelaySocket,
  rejectionUrl,
  resourceUri,
  type AcceptMessage,
} from '@mbs/relay';
import { createLogger } from '@mbs/telemetry';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import {
  LISTEN_KEY,
  MANAGE_KEY,
  PATH,
  SEND_KEY,
  eventually,
  listenUrl,
  rejectionOf,
  startEmulator,
  startListener,
  onCleanup,
} from './relay-test-kit';

/** A listener that echoes every frame back, so a test can prove a connection carries data. */
function echoListener(emulator: { url: string }) {
  return startListener(emulator, {
    onConnection: (socket) =>
      socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })),
  });
}

async function echoes(socket: WebSocket, text: string): Promise<string> {
  const reply = new Promise<string>((resolve) =>
    socket.once('message', (data) => resolve(data.toString())),
  );
  socket.send(text);
  return reply;
}

/** A control channel opened by hand, to see exactly what the service sends. */
async function rawControlChannel(
  endpoint: string,
): Promise<{ socket: WebSocket; accepts: AcceptMessage[]; raw: unknown[] }> {
  const socket = await openRelaySocket(listenUrl(endpoint), {
    phase: 'handshake',
    purpose: 'raw listener',
    timeoutMs: 3000,
  });
  onCleanup(() => socket.terminate());
  const accepts: AcceptMessage[] = [];
  const raw: unknown[] = [];
  socket.on('message', (data) => {
    raw.push(JSON.parse(data.toString()));
    accepts.push(acceptMessageSchema.parse(JSON.parse(data.toString())));
  });
  return { socket, accepts, raw };
}

/** A logger whose JSON lines a test can read. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    service: 'relay-emulator',
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}

const documentAccept = JSON.parse(
  readFileSync(join(__dirname, '../../../libs/relay/src/fixtures/accept.golden.json'), 'utf8'),
) as { accept: Record<string, unknown> };

describe('relay handshakes (emulator over real sockets)', () => {
  it('joins a sender to a listener, and frames flow both ways', async () => {
    const emulator = await startEmulator();
    await echoListener(emulator).waitUntilOnline(3000);
    const socket = await connectToRelay({
      endpoint: emulator.url,
      path: PATH,
      ...SEND_KEY,
      timeoutMs: 3000,
    });
    onCleanup(() => socket.terminate());
    expect(await echoes(socket, 'hello hospital')).toBe('hello hospital');
  });

  it('sends the listener an accept on the host the listener connected to, whatever host the sender used', async () => {
    const emulator = await startEmulator();
    // The listener knows the relay as 127.0.0.1; the sender as localhost. The listener follows
    // rendezvous addresses on its own relay's host only, so the accept must name 127.0.0.1.
    await echoListener(emulator).waitUntilOnline(3000);
    const socket = await connectToRelay({
      endpoint: emulator.url.replace('127.0.0.1', 'localhost'),
      path: PATH,
      ...SEND_KEY,
      timeoutMs: 3000,
    });
    onCleanup(() => socket.terminate());
    expect(await echoes(socket, 'across host names')).toBe('across host names');
  });

  it('takes the token in the ServiceBusAuthorization header as well as in sb-hc-token', async () => {
    const emulator = await startEmulator();
    await echoListener(emulator).waitUntilOnline(3000);
    const socket = await connectToRelay({
      endpoint: emulator.url,
      path: PATH,
      ...SEND_KEY,
      tokenIn: 'header',
      timeoutMs: 3000,
    });
    onCleanup(() => socket.terminate());
    expect(await echoes(socket, 'via header')).toBe('via header');
  });

  it('lets a Manage key both listen and send', async () => {
    const emulator = await startEmulator();
    const listener = startListener(emulator, {
      ...MANAGE_KEY,
      onConnection: (socket) => socket.on('message', (data) => socket.send(data)),
    });
    await listener.waitUntilOnline(3000);
    const socket = await connectToRelay({
      endpoint: emulator.url,
      path: PATH,
      ...MANAGE_KEY,
      timeoutMs: 3000,
    });
    onCleanup(() => socket.terminate());
    expect(await echoes(socket, 'managed')).toBe('managed');
  });

  it.each([
    ['a wrong key', { keyName: 'send', key: 'not-the-key' }, /signature does not match/],
    ['an unknown key name', { keyName: 'nobody', key: 'x' }, /unknown key name "nobody"/],
  ])('refuses a sender with %s: 401, permanent', async (_what, credentials, reason) => {
    const emulator = await startEmulator();
    await echoListener(emulator).waitUntilOnline(3000);
    const error = await rejectionOf(
      connectToRelay({ endpoint: emulator.url, path: PATH, ...credentials, timeoutMs: 3000 }),
    );
    expect(error).toBeInstanceOf(RelayUnauthorizedError);
    expect(error).toMatchObject({
      code: 'relay_unauthorized',
      retryable: false,
      statusCode: 401,
      phase: 'handshake',
    });
    expect(error.message).toMatch(reason);
  });

  it('takes tokens for either audience form clients sign: http://host/entity/ and https://host/entity', async () => {
    const emulator = await startEmulator();
    echoListener(emulator);
    await eventually(() => emulator.listenerCount(PATH) === 1, 'the listener');
    const host = new URL(emulator.url).hostname;
    for (const audience of [`http://${host}/${PATH}/`, `https://${host}/${PATH}`]) {
      const token = createSasToken({ resourceUri: audience, ...SEND_KEY });
      const socket = await connectToRelay({
        endpoint: emulator.url,
        path: PATH,
        tokenProvider: () => ({ token, expiresAt: Date.now() + 60_000 }),
        timeoutMs: 3000,
      });
      onCleanup(() => socket.terminate());
      expect(await echoes(socket, audience)).toBe(audience);
    }
    // What the library itself signs is the first form.
    expect(resourceUri(emulator.url, PATH)).toBe(`http://${host}/${PATH}/`);
  });

  it('refuses an expired token with 401', async () => {
    const emulator = await startEmulator();
    const expired = createSasToken({
      resourceUri: resourceUri(emulator.url, PATH),
      ...SEND_KEY,
      ttlSeconds: 60,
      now: Date.now() - 120_000,
    });
    const error = await rejectionOf(
      connectToRelay({
        endpoint: emulator.url,
        path: PATH,
        tokenProvider: () => ({ token: expired, expiresAt: 0 }),
        timeoutMs: 3000,
      }),
    );
    expect(error).toBeInstanceOf(RelayUnauthorizedError);
    expect(error.message).toMatch(/token expired at/);
  });

  it('refuses a missing token and a token for another hybrid connection with 401', async () => {
    const emulator = await startEmulator();
    const missing = await openRelaySocket(
      hybridConnectionUrl({ endpoint: emulator.url, path: PATH, action: 'connect' }),
      {
        phase: 'handshake',
        purpose: 'no token',
        timeoutMs: 3000,
      },
    ).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(RelayUnauthorizedError);
    expect((missing as Error).message).toMatch(/no token was given/);

    const other = createSasToken({ resourceUri: `http://127.0.0.1/another-hc`, ...SEND_KEY });
    const error = await rejectionOf(
      connectToRelay({
        endpoint: emulator.url,
        path: PATH,
        tokenProvider: () => ({ token: other, expiresAt: 0 }),
      }),
    );
    expect(error).toBeInstanceOf(RelayUnauthorizedError);
    expect(error.message).toMatch(/not for hybrid connection "gateway-local"/);
  });

  it('refuses a Listen key for sending and a Send key for listening with 403, permanent', async () => {
    const emulator = await startEmulator();
    await echoListener(emulator).waitUntilOnline(3000);
    const sending = await rejectionOf(
      connectToRelay({ endpoint: emulator.url, path: PATH, ...LISTEN_KEY }),
    );
    expect(sending).toBeInstanceOf(RelayForbiddenError);
    expect(sending).toMatchObject({ code: 'relay_forbidden', retryable: false, statusCode: 403 });
    expect(sending.message).toMatch(/does not have the Send right/);

    const listener = startListener(emulator, { ...SEND_KEY });
    await eventually(() => listener.status.lastError !== undefined, 'the listener to fail');
    expect(listener.status.state).toBe('refused');
    expect(listener.status.lastError).toBeInstanceOf(RelayForbiddenError);
    expect(listener.status.lastError?.message).toMatch(/does not have the Listen right/);
  });

  it('refuses an unknown hybrid connection with 404, permanent', async () => {
    const emulator = await startEmulator();
    const error = await rejectionOf(
      connectToRelay({ endpoint: emulator.url, path: 'no-such-hc', ...SEND_KEY }),
    );
    expect(error).toBeInstanceOf(RelayEntityNotFoundError);
    expect(error).toMatchObject({
      code: 'relay_entity_not_found',
      retryable: false,
      statusCode: 404,
    });
  });

  it('tells a sender clearly that no listener is connected, and that a retry can help', async () => {
    const emulator = await startEmulator();
    const error = await rejectionOf(
      connectToRelay({ endpoint: emulator.url, path: PATH, ...SEND_KEY }),
    );
    expect(error).toBeInstanceOf(RelayNoListenerError);
    expect(error).toMatchObject({ code: 'relay_no_listener', retryable: true, statusCode: 404 });
    expect(error.message).toMatch(/no listeners connected/i);
  });

  it('times a sender out with 504 when the listener never takes the connection', async () => {
    const emulator = await startEmulator({ rendezvousTtlMs: 200 });
    await rawControlChannel(emulator.url); // gets the accept and ignores it
    const error = await rejectionOf(
      connectToRelay({ endpoint: emulator.url, path: PATH, ...SEND_KEY, timeoutMs: 5000 }),
    );
    expect(error).toBeInstanceOf(RelayTimeoutError);
    expect(error).toMatchObject({ code: 'relay_timeout', retryable: true, statusCode: 504 });
  });

  it('gives up on its own after timeoutMs, naming the handshake phase', async () => {
    const emulator = await startEmulator();
    await rawControlChannel(emulator.url);
    const error = await rejectionOf(
      connectToRelay({ endpoint: emulator.url, path: PATH, ...SEND_KEY, timeoutMs: 150 }),
    );
    expect(error).toBeInstanceOf(RelayTimeoutError);
    expect(error).toMatchObject({ phase: 'handshake', statusCode: undefined });
  });

  it('reports an unreachable relay as unavailable, worth retrying', async () => {
    const emulator = await startEmulator();
    const endpoint = emulator.url;
    await emulator.close();
    const error = await rejectionOf(
      connectToRelay({ endpoint, path: PATH, ...SEND_KEY, timeoutMs: 3000 }),
    );
    expect(error).toBeInstanceOf(RelayUnavailableError);
    expect(error).toMatchObject({ code: 'relay_unavailable', retryable: true });
  });

  it('passes a listener rejection (sb-hc-statusCode) to the sender as a typed error', async () => {
    const emulator = await startEmulator();
    const listener = startListener(emulator, {
      shouldAccept: (info) =>
        info.connectHeaders['x-gateway-busy'] === 'yes'
          ? { statusCode: 429, statusDescription: 'Gateway is restarting' }
          : { statusCode: 409, statusDescription: 'Unknown dispatcher' },
      onConnection: () => undefined,
    });
    await listener.waitUntilOnline(3000);

    const refused = await rejectionOf(
      connectToRelay({ endpoint: emulator.url, path: PATH, ...SEND_KEY }),
    );
    expect(refused).toBeInstanceOf(RelayRejectedError);
    expect(refused).toMatchObject({ code: 'relay_rejected', retryable: false, statusCode: 409 });
    expect(refused.message).toMatch(/Unknown dispatcher/);

    const busy = await rejectionOf(
      connectToRelay({
        endpoint: emulator.url,
        path: PATH,
        ...SEND_KEY,
        headers: { 'x-gateway-busy': 'yes' },
      }),
    );
    expect(busy).toBeInstanceOf(RelayListenerBusyError);
    expect(busy).toMatchObject({ code: 'relay_listener_busy', retryable: true, statusCode: 429 });
    expect(busy.message).toMatch(/Gateway is restarting/);
  });

  it('answers the rejection handshake itself with 410, and the sender with the listener status', async () => {
    const emulator = await startEmulator();
    const { accepts } = await rawControlChannel(emulator.url);
    const sender = rejectionOf(connectToRelay({ endpoint: emulator.url, path: PATH, ...SEND_KEY }));
    await eventually(() => accepts.length === 1, 'an accept');
    const rejection = await rejectionOf(
      openRelaySocket(rejectionUrl(accepts[0]!.accept.address, 409, 'Unknown dispatcher'), {
        phase: 'rendezvous',
        purpose: 'reject',
        timeoutMs: 3000,
      }),
    );
    expect(rejection).toBeInstanceOf(RelayRejectedError);
    expect(rejection).toMatchObject({ statusCode: 410 });
    const refused = await sender;
    expect(refused).toMatchObject({ statusCode: 409 });
    expect(refused.message).toMatch(/Unknown dispatcher/);
  });

  it('sends an accept shaped as the document shows, with a single-use address', async () => {
    const emulator = await startEmulator();
    const { accepts, raw } = await rawControlChannel(emulator.url);
    const sender = connectToRelay({
      endpoint: emulator.url,
      path: `${PATH}/orders`,
      ...SEND_KEY,
      id: 'dispatcher-42',
      query: { hospital: 'rxx' },
      headers: { 'X-Trace': 't1' },
    });
    await eventually(() => accepts.length === 1, 'an accept');
    // The raw JSON has the document's keys, at both levels (a schema parse could hide extras).
    const rawAccept = raw[0] as { accept: Record<string, unknown> };
    expect(Object.keys(rawAccept)).toEqual(Object.keys(documentAccept));
    expect(Object.keys(rawAccept.accept).sort()).toEqual(Object.keys(documentAccept.accept).sort());
    const { accept } = accepts[0]!;
    expect(accept.id).toBe('dispatcher-42');
    // Names as the sender wrote them, as Azure passes them (the RelayListener lower-cases them).
    expect(accept.connectHeaders['X-Trace']).toBe('t1');
    expect(JSON.stringify(accept.connectHeaders)).not.toMatch(/SharedAccessSignature/);
    const address = new URL(accept.address);
    expect(address.pathname).toBe(`/$hc/${PATH}/orders`);
    expect(address.searchParams.get('sb-hc-action')).toBe('accept');
    expect(address.searchParams.get('sb-hc-token')).toBeNull();
    expect(address.searchParams.get('hospital')).toBe('rxx');

    const accepted = await openRelaySocket(accept.address, {
      phase: 'rendezvous',
      purpose: 'accept',
      timeoutMs: 3000,
    });
    onCleanup(() => accepted.terminate());
    const socket = await sender;
    onCleanup(() => socket.terminate());
    const got = new Promise<string>((resolve) =>
      accepted.once('message', (data) => resolve(data.toString())),
    );
    socket.send('through the rendezvous');
    expect(await got).toBe('through the rendezvous');

    const again = await rejectionOf(
      openRelaySocket(accept.address, { phase: 'rendezvous', purpose: 'reuse', timeoutMs: 3000 }),
    );
    expect(again).toBeInstanceOf(RelayForbiddenError);
  });

  it('expires an accept address that is not used in time (403)', async () => {
    const emulator = await startEmulator({ rendezvousTtlMs: 100 });
    const { accepts } = await rawControlChannel(emulator.url);
    const sender = rejectionOf(connectToRelay({ endpoint: emulator.url, path: PATH, ...SEND_KEY }));
    await eventually(() => accepts.length === 1, 'an accept');
    expect(await sender).toBeInstanceOf(RelayTimeoutError);
    const late = await rejectionOf(
      openRelaySocket(accepts[0]!.accept.address, {
        phase: 'rendezvous',
        purpose: 'late accept',
        timeoutMs: 3000,
      }),
    );
    expect(late).toBeInstanceOf(RelayForbiddenError);
  });

  it('refuses an unrecognised action with 400 and a path outside $hc with 404', async () => {
    const emulator = await startEmulator();
    const bad = await rejectionOf(
      openRelaySocket(`${emulator.url}/$hc/${PATH}?sb-hc-action=dance`, {
        phase: 'handshake',
        purpose: 'x',
        timeoutMs: 3000,
      }),
    );
    expect(bad).toBeInstanceOf(RelayRejectedError);
    expect(bad).toMatchObject({ statusCode: 400 });
    const outside = await rejectionOf(
      openRelaySocket(`${emulator.url}/${PATH}?sb-hc-action=connect`, {
        phase: 'handshake',
        purpose: 'x',
        timeoutMs: 3000,
      }),
    );
    expect(outside).toBeInstanceOf(RelayEntityNotFoundError);
  });

  it('lets anonymous senders in only where client authorization is off', async () => {
    const emulator = await startEmulator({
      entities: [
        {
          path: 'open-hc',
          requiresClientAuthorization: false,
          keys: [{ name: 'listen', key: 'k', rights: ['Listen'] }],
        },
      ],
    });
    const listener = startListener(emulator, {
      path: 'open-hc',
      keyName: 'listen',
      key: 'k',
      onConnection: (socket) => socket.on('message', (data) => socket.send(data)),
    });
    await listener.waitUntilOnline(3000);
    const socket = await openRelaySocket(
      hybridConnectionUrl({ endpoint: emulator.url, path: 'open-hc', action: 'connect' }),
      {
        phase: 'handshake',
        purpose: 'anonymous sender',
        timeoutMs: 3000,
      },
    );
    onCleanup(() => socket.terminate());
    expect(await echoes(socket, 'anonymous')).toBe('anonymous');
  });

  it('where client authorization is off, does not check a sender token, strips it, and passes Authorization on', async () => {
    const emulator = await startEmulator({
      entities: [
        {
          path: 'open-hc',
          requiresClientAuthorization: false,
          keys: [{ name: 'listen', key: 'k', rights: ['Listen'] }],
        },
      ],
    });
    const accepted: Array<{ headers: Readonly<Record<string, string>>; suffix: string }> = [];
    const listener = startListener(emulator, {
      path: 'open-hc',
      keyName: 'listen',
      key: 'k',
      shouldAccept: (info) => {
        accepted.push({ headers: info.connectHeaders, suffix: info.suffix });
        return true;
      },
      onConnection: (socket) => socket.on('message', (data) => socket.send(data)),
    });
    await listener.waitUntilOnline(3000);
    const bad = 'SharedAccessSignature sr=x&sig=bad&se=1&skn=nobody';
    const socket = await openRelaySocket(
      hybridConnectionUrl({
        endpoint: emulator.url,
        path: 'open-hc',
        action: 'connect',
        token: bad,
        query: { x: '1' },
      }),
      {
        phase: 'handshake',
        purpose: 'sender with a bad token',
        timeoutMs: 3000,
        headers: { Authorization: 'Bearer app-token', ServiceBusAuthorization: bad },
      },
    );
    onCleanup(() => socket.terminate());
    expect(await echoes(socket, 'let in')).toBe('let in');
    expect(accepted[0]!.headers.authorization).toBe('Bearer app-token');
    expect(JSON.stringify(accepted[0]!.headers)).not.toMatch(/SharedAccessSignature/);
    expect(accepted[0]!.suffix).toBe('?x=1');
  });

  it('lets a listener send its token in the ServiceBusAuthorization header instead of the query', async () => {
    // What goes over the wire: a bare HTTP server records the listener's upgrade request.
    const upgrades: Array<{ url: string; auth: string | undefined }> = [];
    const recorder = createServer();
    recorder.on('upgrade', (request: IncomingMessage, socket: Duplex) => {
      upgrades.push({
        url: request.url ?? '',
        auth: request.headers.servicebusauthorization as string | undefined,
      });
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise((resolve) => recorder.close(resolve)));
    const { port } = recorder.address() as AddressInfo;
    startListener({ url: `ws://127.0.0.1:${port}` }, { tokenIn: 'header' });
    await eventually(() => upgrades.length > 0, 'the listener handshake');
    expect(upgrades[0]!.url).not.toMatch(/sb-hc-token/);
    expect(upgrades[0]!.url).toMatch(/sb-hc-action=listen/);
    expect(upgrades[0]!.auth).toMatch(/^SharedAccessSignature sr=/);

    // And the emulator takes it there.
    const emulator = await startEmulator();
    const listener = startListener(emulator, {
      tokenIn: 'header',
      onConnection: (socket) => socket.on('message', (data) => socket.send(data)),
    });
    await listener.waitUntilOnline(3000);
    const socket = await connectToRelay({
      endpoint: emulator.url,
      path: PATH,
      ...SEND_KEY,
      timeoutMs: 3000,
    });
    onCleanup(() => socket.terminate());
    expect(await echoes(socket, 'header listener')).toBe('header listener');
  });

  it('refuses the 26th listener of a hybrid connection with 403', async () => {
    const emulator = await startEmulator();
    const url = listenUrl(emulator.url);
    for (let i = 0; i < 25; i += 1) {
      const socket = await openRelaySocket(url, {
        phase: 'handshake',
        purpose: `listener ${i + 1}`,
        timeoutMs: 3000,
      });
      onCleanup(() => socket.terminate());
    }
    expect(emulator.listenerCount(PATH)).toBe(25);
    const refused = await rejectionOf(
      openRelaySocket(url, { phase: 'handshake', purpose: 'listener 26', timeoutMs: 3000 }),
    );
    expect(refused).toBeInstanceOf(RelayForbiddenError);
    expect(refused).toMatchObject({ statusCode: 403 });
    expect(refused.message).toMatch(/already has 25 listeners/);
    expect(emulator.listenerCount(PATH)).toBe(25);
  });

  it('logs one line per connection naming its action, entity and outcome', async () => {
    const { logger, lines } = capturedLogger();
    const emulator = await startEmulator({ logger });
    await echoListener(emulator).waitUntilOnline(3000);
    const socket = await connectToRelay({ endpoint: emulator.url, path: PATH, ...SEND_KEY });
    onCleanup(() => socket.terminate());
    await rejectionOf(connectToRelay({ endpoint: emulator.url, path: PATH, ...LISTEN_KEY }));
    const outcomes = lines
      .filter((line) => line.outcome !== undefined)
      .map(({ action, entity, outcome, status }) => ({ action, entity, outcome, status }));
    expect(outcomes).toEqual(
      expect.arrayContaining([
        { action: 'listen', entity: PATH, outcome: 'listening', status: undefined },
        { action: 'connect', entity: PATH, outcome: 'offered', status: undefined },
        { action: 'accept', entity: PATH, outcome: 'connected', status: undefined },
        { action: 'connect', entity: PATH, outcome: 'refused', status: 403 },
      ]),
    );
  });

  it('spreads connections over several listeners in turn', async () => {
    const emulator = await startEmulator();
    const counts = [0, 0, 0];
    const listeners = counts.map((_, index) =>
      startListener(emulator, {
        id: `listener-${index}`,
        onSession: (session) => {
          counts[index] = (counts[index] ?? 0) + 1;
          session.onFrame((frame, s) => void s.send({ kind: 'ack', replyTo: frame.id }));
        },
      }),
    );
    await Promise.all(listeners.map((listener) => listener.waitUntilOnline(3000)));
    expect(emulator.listenerCount(PATH)).toBe(3);
    for (let i = 0; i < 9; i += 1) {
      const session = await openRelaySession({
        endpoint: emulator.url,
        path: PATH,
        ...SEND_KEY,
        timeoutMs: 3000,
      });
      await session.request({ kind: 'deliver' }, { timeoutMs: 10_000 });
      await session.close();
    }
    expect(counts).toEqual([3, 3, 3]);
  });

  it('closes an established connection on the sender side with 1000 when the listener closes it', async () => {
    const emulator = await startEmulator();
    const listener = startListener(emulator, {
      onConnection: (socket) => socket.on('message', () => socket.close(1000)),
    });
    await listener.waitUntilOnline(3000);
    const socket = await connectToRelay({
      endpoint: emulator.url,
      path: PATH,
      ...SEND_KEY,
      timeoutMs: 3000,
    });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('bye');
    expect(await closed).toBe(1000);
  });
});
