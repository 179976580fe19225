import { connect as connectTcp } from 'node:net';
import {
  type RelayConnectionClosedError,
  RelayListenerBusyError,
  RelayListenerStoppedError,
  RelayRejectedError,
  RelayUnauthorizedError,
  RelayUnavailableError,
  connectToRelay,
  createSasToken,
  resourceUri,
  sharedAccessKeyTokenProvider,
  type RelayHttpRequest,
  type RelayLogger,
  type TokenProvider,
} from '@mbs/relay';
import {
  LISTEN_KEY,
  PATH,
  SEND_KEY,
  echo,
  eventually,
  onCleanup,
  recordStates,
  rejectionOf,
  roundTrip,
  startEmulator,
  startListener,
} from './relay-test-kit';

interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A RelayLogger that keeps every line, so a test can count what was logged at which level. */
function recordingLogger(): { logger: RelayLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (fields: object, message = '') =>
      void lines.push({ level, fields: fields as Record<string, unknown>, message });
  return {
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    lines,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('relay listener resilience (emulator over real sockets)', () => {
  it('retries a failed token renewal while the token is valid and stays online across the old expiry', async () => {
    const emulator = await startEmulator();
    const { logger, lines } = recordingLogger();
    // Six-second tokens: `se` is whole seconds, so a token lives 5-6 s, and the renewal (at half
    // of that), its blip and the retry keep seconds of margin before expiry on a loaded machine.
    const signs = sharedAccessKeyTokenProvider(LISTEN_KEY.keyName, LISTEN_KEY.key, 6);
    let calls = 0;
    const tokenProvider: TokenProvider = (resource) => {
      calls += 1;
      // The first renewal (second call) hits a token service blip.
      if (calls === 2) throw new Error('token service blip');
      return signs(resource);
    };
    const listener = startListener(emulator, {
      ...echo,
      tokenProvider,
      renewAtFraction: 0.5,
      logger,
    });
    await listener.waitUntilOnline(3000);
    const states = recordStates(listener);
    // Past the first token's expiry (at most 6 s after it was signed).
    await sleep(6500);
    expect(states).toEqual([]);
    expect(listener.status.state).toBe('online');
    expect(calls).toBeGreaterThanOrEqual(3);
    const retries = lines.filter((l) => l.message.includes('could not renew its token; retrying'));
    expect(retries).toHaveLength(1);
    expect(retries[0]!.fields.err).toMatch(/token service blip/);
    expect(await roundTrip(emulator.url)).toBe('ping');
  });

  it('keeps backing off while the relay drops each new control channel at once (1011 loop)', async () => {
    const emulator = await startEmulator();
    const listener = startListener(emulator, {
      ...echo,
      // Deterministic delays: the lower edge of each step (10, 20, 40, 80, 160 ms).
      backoff: { baseMs: 20, maxMs: 5000, random: () => 0 },
      // A channel must stay up this long before the backoff starts again from the bottom.
      keepAliveIntervalMs: 60_000,
    });
    // Events, not polling: a 10 ms retry is back online before a poll would see it reconnecting.
    const seen: Array<{ attempt: number; retryInMs?: number; closeCode?: number; gapMs?: number }> =
      [];
    let closedAt = 0;
    listener.on('state', (status) => {
      if (status.state === 'reconnecting') {
        closedAt = Date.now();
        seen.push({
          attempt: status.attempt,
          retryInMs: status.retryInMs,
          closeCode: (status.lastError as RelayConnectionClosedError).closeCode,
        });
      }
      if (status.state === 'online' && seen.length > 0) seen.at(-1)!.gapMs = Date.now() - closedAt;
    });
    for (let round = 1; round <= 5; round += 1) {
      await listener.waitUntilOnline(5000);
      expect(emulator.failListeners(PATH)).toBe(1);
      await eventually(() => seen.length === round, 'the 1011 close');
    }
    await listener.waitUntilOnline(5000);
    expect(seen.map((s) => s.closeCode)).toEqual([1011, 1011, 1011, 1011, 1011]);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.map((s) => s.retryInMs)).toEqual([10, 20, 40, 80, 160]);
    // And the listener really waited longer: the last gap outgrows the first.
    expect(seen[4]!.gapMs).toBeGreaterThan(seen[0]!.gapMs ?? Infinity);
  });

  it('starts the backoff from the bottom again once a channel stayed online a keep-alive interval', async () => {
    const emulator = await startEmulator();
    const listener = startListener(emulator, {
      ...echo,
      backoff: { baseMs: 20, maxMs: 5000, random: () => 0 },
      keepAliveIntervalMs: 150,
    });
    const attempts: number[] = [];
    listener.on('state', (status) => {
      if (status.state === 'reconnecting') attempts.push(status.attempt);
    });
    await listener.waitUntilOnline(3000);
    emulator.failListeners(PATH);
    await eventually(() => attempts.length === 1, 'the first close');
    await listener.waitUntilOnline(3000);
    emulator.failListeners(PATH);
    await eventually(() => attempts.length === 2, 'a close at once');
    await listener.waitUntilOnline(3000);
    await sleep(400);
    emulator.failListeners(PATH);
    await eventually(() => attempts.length === 3, 'a close after a stable spell');
    // 1: the first failure; 2: the channel before it died at once; 1: it had stayed online.
    expect(attempts).toEqual([1, 2, 1]);
  });

  it('reports a permanent refusal as refused, waits the longest interval, and logs it once per change', async () => {
    const emulator = await startEmulator();
    const { logger, lines } = recordingLogger();
    let key: { keyName: string; key: string } = { keyName: 'listen', key: 'wrong-key' };
    let calls = 0;
    const tokenProvider: TokenProvider = (resource) => {
      calls += 1;
      return {
        token: createSasToken({ resourceUri: resource, ...key }),
        expiresAt: Date.now() + 3_600_000,
      };
    };
    const listener = startListener(emulator, {
      ...echo,
      tokenProvider,
      logger,
      backoff: { baseMs: 2, maxMs: 30, random: () => 0 },
    });
    await eventually(() => calls >= 5, 'several refused attempts');
    expect(listener.status.state).toBe('refused');
    expect(listener.status.lastError).toBeInstanceOf(RelayUnauthorizedError);
    expect(listener.status.lastError).toMatchObject({ retryable: false, statusCode: 401 });
    // The longest step (30 ms; its lower edge with random 0), not the first (1 ms).
    expect(listener.status.retryInMs).toBe(15);
    const errors = () => lines.filter((l) => l.level === 'error');
    expect(errors()).toHaveLength(1);
    expect(errors()[0]!.fields).toMatchObject({ statusCode: 401, retryable: false });

    // A different refusal is a change: logged once more.
    key = SEND_KEY;
    const before = calls;
    await eventually(() => calls >= before + 3, 'attempts with the Send key');
    expect(listener.status.lastError).toMatchObject({ statusCode: 403 });
    expect(errors()).toHaveLength(2);

    // Fixed: the listener comes online by itself.
    key = LISTEN_KEY;
    await listener.waitUntilOnline(3000);
    expect(listener.status).toMatchObject({ state: 'online', attempt: 0 });
    expect(errors()).toHaveLength(2);
  });

  it('reports a failing token provider as a typed, retryable error in phase token', async () => {
    const emulator = await startEmulator();
    const cause = new Error('vault unreachable');
    const listener = startListener(emulator, {
      ...echo,
      tokenProvider: () => Promise.reject(cause),
    });
    await eventually(() => listener.status.lastError !== undefined, 'the failure');
    expect(listener.status.state).toBe('reconnecting');
    const error = listener.status.lastError as RelayUnavailableError;
    expect(error).toBeInstanceOf(RelayUnavailableError);
    expect(error).toMatchObject({ phase: 'token', retryable: true, code: 'relay_unavailable' });
    expect(error.cause).toBe(cause);
    expect(error.message).toMatch(/token provider failed \(vault unreachable\)/);

    for (const tokenProvider of [
      () => {
        throw cause;
      },
      () => Promise.reject(cause),
    ] as TokenProvider[]) {
      const sending = await rejectionOf(
        connectToRelay({ endpoint: emulator.url, path: PATH, tokenProvider }),
      );
      expect(sending).toBeInstanceOf(RelayUnavailableError);
      expect(sending).toMatchObject({ phase: 'token', retryable: true });
      expect(sending.cause).toBe(cause);
    }
  });

  it('rejects waitUntilOnline with a typed error when the listener is stopped', async () => {
    const emulator = await startEmulator();
    const listener = startListener(emulator, { ...echo, keyName: 'listen', key: 'wrong-key' });
    const waiting = rejectionOf(listener.waitUntilOnline(10_000));
    await eventually(() => listener.status.state === 'refused', 'the refusal');
    await listener.stop();
    const error = await waiting;
    expect(error).toBeInstanceOf(RelayListenerStoppedError);
    expect(error).toMatchObject({
      code: 'relay_listener_stopped',
      retryable: false,
      phase: 'control',
    });
  });

  it('never rejects a sender with a status the sender reads as the relay failing: those become 400', async () => {
    const emulator = await startEmulator();
    const { logger, lines } = recordingLogger();
    const listener = startListener(emulator, {
      ...echo,
      logger,
      shouldAccept: (info) => ({
        statusCode: Number(info.connectHeaders['x-want-status']),
        statusDescription: `wanted ${info.connectHeaders['x-want-status']}`,
      }),
    });
    await listener.waitUntilOnline(3000);
    const refusedWith = (status: number) =>
      rejectionOf(
        connectToRelay({
          endpoint: emulator.url,
          path: PATH,
          ...SEND_KEY,
          headers: { 'X-Want-Status': String(status) },
          timeoutMs: 3000,
        }),
      );
    for (const reserved of [401, 403, 404, 410, 502, 504, 200, 600]) {
      const error = await refusedWith(reserved);
      expect(error).toBeInstanceOf(RelayRejectedError);
      expect(error).toMatchObject({ statusCode: 400, retryable: false });
      expect(error.message).toMatch(`wanted ${reserved}`);
    }
    const warnings = lines.filter((l) => l.message.includes("would read as the relay's own"));
    expect(warnings.map((l) => l.fields.wanted)).toEqual([401, 403, 404, 410, 502, 504, 200, 600]);

    expect(await refusedWith(409)).toMatchObject({ statusCode: 409 });
    expect(await refusedWith(429)).toBeInstanceOf(RelayListenerBusyError);
  });

  it('gives application code header names in lower case, though the relay passes them as the sender wrote them', async () => {
    const emulator = await startEmulator();
    const connectHeaders: Array<Readonly<Record<string, string>>> = [];
    const requests: RelayHttpRequest[] = [];
    const listener = startListener(emulator, {
      shouldAccept: (info) => {
        connectHeaders.push(info.connectHeaders);
        return true;
      },
      onConnection: (socket) => socket.close(),
      onRequest: (request) => {
        requests.push(request);
        return { statusCode: 204 };
      },
    });
    await listener.waitUntilOnline(3000);

    const socket = await connectToRelay({
      endpoint: emulator.url,
      path: PATH,
      ...SEND_KEY,
      headers: { 'X-Trace-Id': 'trace-1' },
      timeoutMs: 3000,
    });
    onCleanup(() => socket.terminate());
    expect(connectHeaders[0]!['x-trace-id']).toBe('trace-1');
    expect(Object.keys(connectHeaders[0]!)).not.toContain('X-Trace-Id');

    // An HTTP-mode request written byte for byte, so nothing normalises the names on the way.
    const token = createSasToken({ resourceUri: resourceUri(emulator.url, PATH), ...SEND_KEY });
    const { port } = new URL(emulator.url);
    const status = await new Promise<string>((resolve, reject) => {
      const tcp = connectTcp(Number(port), '127.0.0.1', () =>
        tcp.write(
          `GET /${PATH}/orders HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
            `ServiceBusAuthorization: ${token}\r\nX-Mixed-Case: one\r\nx-MIXED-case: two\r\n` +
            'Connection: close\r\n\r\n',
        ),
      );
      let text = '';
      tcp.on('data', (chunk: Buffer) => (text += chunk.toString()));
      tcp.on('end', () => resolve(text.split('\r\n')[0] ?? ''));
      tcp.on('error', reject);
    });
    expect(status).toBe('HTTP/1.1 204 No Content');
    expect(requests[0]!.headers['x-mixed-case']).toBe('one, two');
    expect(Object.keys(requests[0]!.headers).filter((name) => name !== name.toLowerCase())).toEqual(
      [],
    );
  });
});
