import {
  RelayConnectionClosedError,
  RelayProtocolError,
  RelayTimeoutError,
  connectToRelay,
  newTraceparent,
  openRelaySession,
  type RelaySession,
  type SessionFrame,
} from '@mbs/relay';
import {
  PATH,
  SEND_KEY,
  eventually,
  onCleanup,
  rejectionOf,
  startEmulator,
  startListener,
} from './relay-test-kit';

/** A gateway-like listener: acks deliveries (echoing body and traceparent), ignores `event`. */
async function gateway(options: { maxFrameBytes?: number } = {}) {
  const emulator = await startEmulator();
  const sessions: RelaySession[] = [];
  const listener = startListener(emulator, {
    ...options,
    onSession: (session) => {
      sessions.push(session);
      session.onFrame((frame, s) => {
        if (frame.kind === 'deliver') {
          s.send({
            kind: 'ack',
            replyTo: frame.id,
            traceparent: frame.traceparent,
            body: frame.body,
          });
        }
      });
    },
  });
  await listener.waitUntilOnline(3000);
  const open = async (extra: { maxFrameBytes?: number } = {}) => {
    const session = await openRelaySession({
      endpoint: emulator.url,
      path: PATH,
      ...SEND_KEY,
      timeoutMs: 5000,
      ...extra,
    });
    onCleanup(() => session.close());
    return session;
  };
  return { emulator, sessions, open };
}

describe('relay sessions (emulator over real sockets)', () => {
  it('correlates a reply to its request and keeps the traceparent', async () => {
    const { open } = await gateway();
    const session = await open();
    const traceparent = newTraceparent();
    const reply = await session.request({
      kind: 'deliver',
      traceparent,
      body: { messageId: 'm-1' },
    });
    expect(reply).toMatchObject({ kind: 'ack', traceparent, body: { messageId: 'm-1' } });
    expect(typeof reply.replyTo).toBe('string');
  });

  it('answers ping with pong by itself and measures the round trip', async () => {
    const { open } = await gateway();
    const rtt = await (await open()).ping({ timeoutMs: 10_000 });
    expect(rtt).toBeGreaterThanOrEqual(0);
  });

  it('puts a traceparent on frames sent without one; the pong continues the ping trace', async () => {
    const { open, sessions } = await gateway();
    const session = await open();
    await eventually(() => sessions.length === 1, 'the listener side');
    const seen: SessionFrame[] = [];
    sessions[0]!.onFrame((frame) => void seen.push(frame));
    const sent = session.send({ kind: 'event', body: 'no trace given' });
    await eventually(() => seen.length === 1, 'the event at the listener');
    expect(seen[0]!.traceparent).toBe(sent.traceparent);
    const traceparent = newTraceparent();
    const pong = await session.request({ kind: 'ping', traceparent });
    expect(pong.kind).toBe('pong');
    expect(pong.traceparent.split('-')[1]).toBe(traceparent.split('-')[1]);
  });

  it('serves many concurrent senders, each getting its own replies', async () => {
    const { open } = await gateway();
    const senders = await Promise.all(Array.from({ length: 40 }, () => open()));
    const replies = await Promise.all(
      senders.flatMap((session, s) =>
        Array.from({ length: 5 }, (_, m) =>
          session.request({ kind: 'deliver', body: `${s}:${m}` }).then((frame) => frame.body),
        ),
      ),
    );
    expect(replies).toEqual(
      senders.flatMap((_, s) => Array.from({ length: 5 }, (__, m) => `${s}:${m}`)),
    );
  });

  it('times a request out when no reply comes, naming the session phase', async () => {
    const { open } = await gateway();
    const session = await open();
    const error = await rejectionOf(
      session.request({ kind: 'event', body: 'no one answers events here' }, { timeoutMs: 100 }),
    );
    expect(error).toBeInstanceOf(RelayTimeoutError);
    expect(error).toMatchObject({ phase: 'session', retryable: true });
    // The session is still usable.
    expect((await session.request({ kind: 'deliver', body: 1 })).body).toBe(1);
  });

  it('answers a malformed frame with an error frame and carries on', async () => {
    const { emulator } = await gateway();
    const socket = await connectToRelay({
      endpoint: emulator.url,
      path: PATH,
      ...SEND_KEY,
      timeoutMs: 3000,
    });
    onCleanup(() => socket.terminate());
    const frames: SessionFrame[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as SessionFrame));
    socket.send('{"kind":"deliver", this is not json');
    socket.send(JSON.stringify({ kind: 'teleport', id: 'f-2' }));
    socket.send(Buffer.from([1, 2, 3]));
    socket.send(JSON.stringify({ kind: 'deliver', id: 'f-4', body: 'no trace' }));
    const traceparent = newTraceparent();
    socket.send(JSON.stringify({ kind: 'deliver', id: 'f-5', traceparent, body: 'still here' }));
    await eventually(() => frames.length === 5, 'five answers');
    expect(frames[0]).toMatchObject({
      kind: 'error',
      body: { code: 'malformed_frame', reason: expect.stringMatching(/not JSON/) },
    });
    expect(frames[1]).toMatchObject({
      kind: 'error',
      replyTo: 'f-2',
      body: { code: 'malformed_frame', reason: expect.stringMatching(/kind/) },
    });
    expect(frames[2]).toMatchObject({
      kind: 'error',
      body: { code: 'malformed_frame', reason: expect.stringMatching(/binary/) },
    });
    expect(frames[3]).toMatchObject({
      kind: 'error',
      replyTo: 'f-4',
      body: { code: 'malformed_frame', reason: expect.stringMatching(/traceparent/) },
    });
    expect(frames[4]).toMatchObject({
      kind: 'ack',
      replyTo: 'f-5',
      traceparent,
      body: 'still here',
    });
    // Every answer, error frames included, carries a traceparent.
    for (const frame of frames) expect(frame.traceparent).toMatch(/^00-[0-9a-f]{32}-/);
  });

  it('refuses to send an oversized frame, and the session stays open', async () => {
    const { open } = await gateway();
    const session = await open({ maxFrameBytes: 1024 });
    expect(() => session.send({ kind: 'deliver', body: 'x'.repeat(2000) })).toThrow(
      RelayProtocolError,
    );
    const error = await rejectionOf(session.request({ kind: 'deliver', body: 'x'.repeat(2000) }));
    expect(error).toMatchObject({
      code: 'relay_protocol_error',
      reason: 'frame_too_large',
      retryable: false,
    });
    expect((await session.request({ kind: 'deliver', body: 'small' })).body).toBe('small');
  });

  it('closes with 1009 when the peer sends a frame over the maximum, failing what waits, without crashing', async () => {
    const { open, sessions } = await gateway({ maxFrameBytes: 4096 });
    const session = await open({ maxFrameBytes: 1024 * 1024 });
    await eventually(() => sessions.length === 1, 'the listener side of the session');
    const listenerClosed = sessions[0]!.closed;
    const error = await rejectionOf(session.request({ kind: 'deliver', body: 'x'.repeat(10_000) }));
    expect(error).toBeInstanceOf(RelayConnectionClosedError);
    expect((error as unknown as RelayConnectionClosedError).closeCode).toBe(1009);
    expect(error.message).toMatch(/larger than the maximum frame size/);
    expect((await listenerClosed).code).toBe(1009);
  });

  it('shows the listener side 1001 when the sender closes its session', async () => {
    const { open, sessions } = await gateway();
    const session = await open();
    await eventually(() => sessions.length === 1, 'the listener side');
    const listenerClosed = sessions[0]!.closed;
    await session.close();
    // The document: the service closes the accepted socket with 1001 "the sender client shuts
    // down the connection", whatever code the sender closed with.
    const { code } = await listenerClosed;
    expect(code).toBe(1001);
  });

  it('fails pending requests when the other side goes away', async () => {
    const { open, sessions } = await gateway();
    const session = await open();
    await eventually(() => sessions.length === 1, 'the listener side');
    const pending = rejectionOf(
      session.request({ kind: 'event', body: 'waiting' }, { timeoutMs: 5000 }),
    );
    await sessions[0]!.close(1001, 'gateway restarting');
    const error = await pending;
    expect(error).toBeInstanceOf(RelayConnectionClosedError);
    expect(error.message).toMatch(/1001/);
    expect(() => session.send({ kind: 'deliver' })).toThrow(RelayConnectionClosedError);
  });
});
