import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { RelayConnectionClosedError, RelayProtocolError, RelayTimeoutError } from '../relay-errors';
import { newTraceparent, sessionFrameSchema } from './frames';
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
});
