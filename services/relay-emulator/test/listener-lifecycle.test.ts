import { createServer, type AddressInfo, type Socket } from 'node:net';
import WebSocket from 'ws';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RelayConnectionClosedError,
  RelayEntityNotFoundError,
  RelayUnavailableError,
  createSasToken,
  openRelaySocket,
  renewTokenMessageSchema,
  resourceUri,
} from '@mbs/relay';
import {
  LISTEN_KEY,
  PATH,
  echo,
  eventually,
  listenUrl,
  onCleanup,
  recordStates,
  roundTrip,
  startEmulator,
  startListener,
} from './relay-test-kit';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(join(__dirname, '../../../libs/relay/src/fixtures', name), 'utf8'),
  ) as unknown;

/** A listener control channel opened by hand with a token of the given lifetime. */
async function rawListener(endpoint: string, ttlSeconds: number) {
  const socket = await openRelaySocket(listenUrl(endpoint, ttlSeconds), {
    phase: 'handshake',
    purpose: 'raw listener',
    timeoutMs: 3000,
  });
  onCleanup(() => socket.terminate());
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return { socket, closed };
}

describe('relay listener lifecycle (emulator over real sockets)', () => {
  it('goes connecting -> online -> closed and reports it', async () => {
    const emulator = await startEmulator();
    const listener = startListener(emulator, echo);
    const states = recordStates(listener);
    await listener.waitUntilOnline(3000);
    expect(listener.status.state).toBe('online');
    expect(listener.status.lastError).toBeUndefined();
    expect(emulator.listenerCount(PATH)).toBe(1);
    await listener.stop();
    expect(states).toEqual(['online', 'closed']);
    await eventually(() => emulator.listenerCount(PATH) === 0, 'the emulator to drop the listener');
  });

  it('closes a control channel whose token expires with 1008', async () => {
    const emulator = await startEmulator();
    // Three seconds, not one: `se` is whole seconds, and a one-second token can expire during
    // the handshake itself on a loaded machine (then it is a 401, not a 1008 later).
    const { closed } = await rawListener(emulator.url, 3);
    const { code, reason } = await closed;
    expect(code).toBe(1008);
    expect(reason).toMatch(/expired/);
  });

  it('keeps a channel open past its token expiry when renewToken (as the document shows it) arrives', async () => {
    const emulator = await startEmulator();
    const { socket, closed } = await rawListener(emulator.url, 3);
    let outcome: string = 'open';
    void closed.then(({ code }) => (outcome = `closed ${code}`));
    const shape = renewTokenMessageSchema.parse(fixture('renew-token.golden.json'));
    const fresh = createSasToken({
      resourceUri: resourceUri(emulator.url, PATH),
      ...LISTEN_KEY,
      ttlSeconds: 60,
    });
    socket.send(JSON.stringify({ renewToken: { ...shape.renewToken, token: fresh } }));
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(outcome).toBe('open');
    expect(emulator.listenerCount(PATH)).toBe(1);
  });

  it('closes the channel with 1008 on an invalid renewToken (the document example token)', async () => {
    const emulator = await startEmulator();
    const { socket, closed } = await rawListener(emulator.url, 60);
    socket.send(JSON.stringify(fixture('renew-token.golden.json')));
    const { code, reason } = await closed;
    expect(code).toBe(1008);
    expect(reason).toMatch(/renewToken refused/);
  });

  it('renews its own token before expiry and stays online across the old expiry', async () => {
    const emulator = await startEmulator();
    // Tokens of whole seconds: three, so none expires during a handshake on a loaded machine.
    const listener = startListener(emulator, { ...echo, tokenTtlSeconds: 3 });
    await listener.waitUntilOnline(3000);
    const states = recordStates(listener);
    await new Promise((resolve) => setTimeout(resolve, 4200));
    expect(states).toEqual([]);
    expect(listener.status.state).toBe('online');
    expect(await roundTrip(emulator.url)).toBe('ping');
  });

  it('reconnects with the next token when the relay closes the channel at expiry', async () => {
    const emulator = await startEmulator();
    // Renewal set so late it never happens: the relay closes with 1008 and the listener returns.
    const listener = startListener(emulator, { ...echo, tokenTtlSeconds: 3, renewAtFraction: 10 });
    await listener.waitUntilOnline(3000);
    // Recorded from the state event, not read after a poll: the listener may be back online
    // (and its status moved on) before a poll on a loaded machine looks.
    const reconnects: unknown[] = [];
    listener.on('state', (status) => {
      if (status.state === 'reconnecting') reconnects.push(status.lastError);
    });
    await eventually(() => reconnects.length >= 1, 'the 1008 close', 10_000);
    const error = reconnects[0] as RelayConnectionClosedError;
    expect(error).toBeInstanceOf(RelayConnectionClosedError);
    expect(error.closeCode).toBe(1008);
    await listener.waitUntilOnline(3000);
    expect(await roundTrip(emulator.url)).toBe('ping');
  });

  it('reconnects after the relay restarts, and carries traffic again', async () => {
    const first = await startEmulator();
    const listener = startListener(first, echo);
    await listener.waitUntilOnline(3000);
    const states = recordStates(listener);
    const { port } = first;
    await first.close();
    await eventually(() => listener.status.state === 'reconnecting', 'the listener to notice');
    await eventually(
      () => listener.status.lastError instanceof RelayUnavailableError,
      'a failed reconnect while the relay is down',
    );
    const second = await startEmulator({ port });
    await listener.waitUntilOnline(5000);
    expect(states[0]).toBe('reconnecting');
    expect(states.at(-1)).toBe('online');
    expect(await roundTrip(second.url)).toBe('ping');
  });

  it('detects a control channel that went silent (zombie) and replaces it within a bounded time', async () => {
    const emulator = await startEmulator();
    const listener = startListener(emulator, {
      ...echo,
      keepAliveIntervalMs: 100,
      keepAliveTimeoutMs: 200,
    });
    await listener.waitUntilOnline(3000);
    const states = recordStates(listener);
    expect(emulator.silenceListeners(PATH)).toBe(1);
    // Detection bound: one ping interval + the silence timeout (300 ms); the wait allows slack.
    await eventually(() => states.includes('reconnecting'), 'the zombie to be detected', 2000);
    await listener.waitUntilOnline(3000);
    expect(emulator.listenerCount(PATH)).toBe(1);
    expect(await roundTrip(emulator.url)).toBe('ping');
  });

  it('drops a listener that stops answering its pings (the service heartbeat)', async () => {
    // 500 ms, not 100: the healthy channel must pong before the next beat, and the test shares a
    // process (and a loaded machine) with the emulator, so a 100 ms stall could drop it too.
    const emulator = await startEmulator({ heartbeatIntervalMs: 500 });
    const url = listenUrl(emulator.url);
    // Raw control channels: one answers pings as every WebSocket client does, one never does.
    const open = (autoPong: boolean) =>
      new Promise<{ socket: WebSocket; closed: Promise<number> }>((resolve, reject) => {
        const socket = new WebSocket(url, { autoPong });
        onCleanup(() => socket.terminate());
        const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)));
        socket.once('open', () => resolve({ socket, closed }));
        socket.once('error', reject);
      });
    const healthy = await open(true);
    const silent = await open(false);
    let pinged = 0;
    silent.socket.on('ping', () => (pinged += 1));
    expect(emulator.listenerCount(PATH)).toBe(2);
    // No close frame: the service terminates the TCP connection of a listener that missed a pong.
    expect(await silent.closed).toBe(1006);
    expect(pinged).toBeGreaterThanOrEqual(1);
    await eventually(() => emulator.listenerCount(PATH) === 1, 'the emulator to drop it');
    // The healthy one went through the same heartbeats and is still there.
    expect(healthy.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('does not take a quiet but healthy channel for a zombie', async () => {
    const emulator = await startEmulator();
    const listener = startListener(emulator, {
      ...echo,
      // Many pings, each with a second to be answered: a stall on a loaded machine is not silence.
      // The quiet spell (1.5 s) still outlasts the silence timeout.
      keepAliveIntervalMs: 100,
      keepAliveTimeoutMs: 1_000,
    });
    await listener.waitUntilOnline(3000);
    const states = recordStates(listener);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(states).toEqual([]);
  });

  it('is closed with 1011 on an internal fault of the service, reports it and reconnects', async () => {
    const emulator = await startEmulator();
    const listener = startListener(emulator, echo);
    await listener.waitUntilOnline(3000);
    const closes: RelayConnectionClosedError[] = [];
    listener.on('state', (status) => {
      if (status.state === 'reconnecting' && status.lastError instanceof RelayConnectionClosedError)
        closes.push(status.lastError);
    });
    expect(emulator.failListeners(PATH)).toBe(1);
    await eventually(() => closes.length === 1, 'the listener to report the close');
    expect(closes[0]!.closeCode).toBe(1011);
    expect(closes[0]!.message).toMatch(/1011 \(something went wrong in the service\)/);
    await listener.waitUntilOnline(3000);
    expect(emulator.listenerCount(PATH)).toBe(1);
    expect(await roundTrip(emulator.url)).toBe('ping');
  });

  it('is closed with 1001 when its hybrid connection is deleted, then reports 404 while retrying', async () => {
    const emulator = await startEmulator();
    const listener = startListener(emulator, echo);
    await listener.waitUntilOnline(3000);
    const closes: number[] = [];
    listener.on('state', (status) => {
      if (status.lastError instanceof RelayConnectionClosedError)
        closes.push(status.lastError.closeCode ?? 0);
    });
    emulator.removeEntity(PATH);
    await eventually(
      () => listener.status.lastError instanceof RelayEntityNotFoundError,
      'a 404 on reconnect',
    );
    expect(closes[0]).toBe(1001);
  });

  it('stops promptly while waiting to reconnect, and stays stopped', async () => {
    const emulator = await startEmulator();
    const endpoint = emulator.url;
    await emulator.close();
    const listener = startListener(
      { url: endpoint },
      { backoff: { baseMs: 60_000, maxMs: 60_000, random: () => 0.99 } },
    );
    await eventually(() => listener.status.state === 'reconnecting', 'a failed attempt');
    await listener.stop();
    expect(listener.status.state).toBe('closed');
  });

  it('stops cleanly in the middle of a handshake', async () => {
    // A TCP server that never answers the upgrade keeps the handshake pending.
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(
      () =>
        new Promise((resolve) => {
          sockets.forEach((s) => s.destroy());
          server.close(resolve);
        }),
    );
    const { port } = server.address() as AddressInfo;
    const listener = startListener(
      { url: `ws://127.0.0.1:${port}` },
      { handshakeTimeoutMs: 60_000 },
    );
    await eventually(() => sockets.length === 1, 'the handshake to start');
    await listener.stop();
    expect(listener.status.state).toBe('closed');
  });
});
