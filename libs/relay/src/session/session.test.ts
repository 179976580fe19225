import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { RelayConnectionClosedError, RelayProtocolError, RelayTimeoutError } from '../relay-errors';
import { continueTrace, newTraceparent, sessionFrameSchema, type SessionFrame } from './frames';
import { RelaySession } from './session';

/** Two sessions joined by a plain WebSocket on loopback (no relay in between). */
async function pair(options: { maxFrameBytes?: number } = {}) {
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    maxPayload: options.maxFrameBytes,
  });
  await new Promise((resolve) => server.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, {
    maxPayload: options.maxFrameBytes,
  });
  await new Promise((resolve) => client.once('open', resolve));
  const a = new RelaySession(client, { ...options, name: 'a' });
  const b = new RelaySession(await accepted, { ...options, name: 'b' });
  cleanups.push(async () => {
    a.terminate();
    b.terminate();
    await new Promise((resolve) => server.close(resolve));
  });
  return { a, b };
}
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

describe('relay session', () => {
  it('fills in an id and correlates replies by replyTo, whatever order they come in', async () => {
    const { a, b } = await pair();
    b.onFrame((frame, s) => {
      const delay = frame.body === 'slow' ? 30 : 0;
      setTimeout(() => s.send({ kind: 'ack', replyTo: frame.id, body: frame.body }), delay);
    });
    const [slow, fast] = await Promise.all([
      a.request({ kind: 'deliver', body: 'slow' }),
      a.request({ kind: 'deliver', body: 'fast' }),
    ]);
    expect(slow.body).toBe('slow');
    expect(fast.body).toBe('fast');
  });

  it('refuses to send a frame that breaks the envelope', () => {
    return pair().then(({ a }) => {
      expect(() => a.send({ kind: 'deliver', traceparent: 'not-a-traceparent' })).toThrow(
        RelayProtocolError,
      );
    });
  });

  it('answers a handler failure with an error frame naming the frame, and keeps going', async () => {
    const { a, b } = await pair();
    b.onFrame((frame, s) => {
      if (frame.body === 'boom') throw new Error('handler exploded');
      s.send({ kind: 'ack', replyTo: frame.id });
    });
    const reply = await a.request({ kind: 'deliver', body: 'boom' });
    expect(reply).toMatchObject({ kind: 'error', body: { code: 'handler_failed' } });
    expect((await a.request({ kind: 'deliver' })).kind).toBe('ack');
  });

  it('answers a frame no one handles with unhandled_frame', async () => {
    const { a } = await pair();
    const reply = await a.request({ kind: 'event', traceparent: newTraceparent() });
    expect(reply).toMatchObject({ kind: 'error', body: { code: 'unhandled_frame' } });
    expect(sessionFrameSchema.safeParse(reply).success).toBe(true);
  });

  it('times out and rejects on close', async () => {
    const { a, b } = await pair();
    b.onFrame(() => undefined);
    await expect(a.request({ kind: 'deliver' }, { timeoutMs: 50 })).rejects.toBeInstanceOf(
      RelayTimeoutError,
    );
    const pending = expect(
      a.request({ kind: 'deliver' }, { timeoutMs: 5000 }),
    ).rejects.toBeInstanceOf(RelayConnectionClosedError);
    await b.close(1000);
    await pending;
    expect((await a.closed).code).toBe(1000);
  });

  it('closes with 1009 on an incoming frame over the maximum', async () => {
    const { a, b } = await pair({ maxFrameBytes: 512 });
    const raw = (a as unknown as { socket: WebSocket }).socket;
    raw.send(JSON.stringify({ kind: 'deliver', id: 'big', body: 'x'.repeat(2000) }));
    expect((await b.closed).code).toBe(1009);
    expect((await a.closed).code).toBe(1009);
  });

  it('puts a traceparent on every frame it sends: new for a request, continued for a reply', async () => {
    const { a, b } = await pair();
    const seenByB: SessionFrame[] = [];
    b.onFrame((frame, s) => {
      seenByB.push(frame);
      s.send({ kind: 'ack', replyTo: frame.id });
    });
    const sent = a.send({ kind: 'event' });
    expect(sent.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const reply = await a.request({ kind: 'deliver' });
    const [event, deliver] = seenByB;
    expect(event?.traceparent).toBe(sent.traceparent);
    expect(deliver?.traceparent).not.toBe(sent.traceparent);
    // The ack continues the deliver's trace (same trace id) as a new span (new parent id).
    expect(reply.traceparent.split('-')[1]).toBe(deliver?.traceparent.split('-')[1]);
    expect(reply.traceparent).not.toBe(deliver?.traceparent);
  });

  it('continues the incoming trace on pong and error frames', async () => {
    const { a } = await pair();
    const traceparent = newTraceparent();
    const pong = await a.request({ kind: 'ping', traceparent });
    expect(pong.kind).toBe('pong');
    expect(pong.traceparent.split('-')[1]).toBe(traceparent.split('-')[1]);
    const error = await a.request({ kind: 'event', traceparent });
    expect(error.kind).toBe('error');
    expect(error.traceparent.split('-')[1]).toBe(traceparent.split('-')[1]);
  });

  it('answers a peer frame without a traceparent as malformed, with a traceparent of its own', async () => {
    const { a, b } = await pair();
    const handled: SessionFrame[] = [];
    b.onFrame((frame) => void handled.push(frame));
    const raw = (a as unknown as { socket: WebSocket }).socket;
    const answers: Array<Record<string, unknown>> = [];
    raw.on('message', (data) =>
      answers.push(JSON.parse(data.toString()) as Record<string, unknown>),
    );
    // Waits for the answer itself, not a fixed 100 ms that a loaded machine can overrun; then a
    // grace period in which neither the handler nor a second answer may show up.
    const answered = new Promise((resolve) => raw.once('message', resolve));
    raw.send(JSON.stringify({ kind: 'deliver', id: 'no-trace', body: 1 }));
    await answered;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(handled).toEqual([]);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({
      kind: 'error',
      replyTo: 'no-trace',
      body: {
        code: 'malformed_frame',
        reason: expect.stringMatching(/traceparent: every frame carries a W3C traceparent/),
      },
    });
    expect(sessionFrameSchema.safeParse(answers[0]).success).toBe(true);
  });

  it('continueTrace keeps trace id and flags, and starts a new trace from nothing valid', () => {
    const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    const next = continueTrace(incoming);
    expect(next).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00$/);
    expect(next).not.toBe(incoming);
    expect(continueTrace('garbage')).not.toContain('garbage');
    expect(sessionFrameSchema.shape.traceparent.safeParse(continueTrace(undefined)).success).toBe(
      true,
    );
  });
});
