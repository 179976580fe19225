import { eventually, sleep, testLogger } from '@mbs/testing';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliverBody, UpstreamEvent } from '@mbs/contracts';
import {
  connectToRelay,
  newTraceparent,
  openRelaySession,
  type RelaySession,
  type SessionFrame,
} from '@mbs/relay';
import { createRelayEmulator, type RelayEmulator } from '@mbs/relay-emulator';
import type { Target } from '../src/config';
import { startGateway, type Gateway, type GatewayOptions } from '../src/gateway';

export { eventually, sleep };

export const quietLogger = () => testLogger('gateway-test');

export { removeDir, tempDir } from './temp-dir';

/** The emulator's development hybrid connection and its keys (public, dev only). */
export const HYBRID_CONNECTION = 'gateway-local';
export const LISTEN = { keyName: 'listen', key: 'dev-listen-key-not-secret' };
export const SEND = { keyName: 'send', key: 'dev-send-key-not-secret' };

export const startEmulator = (): Promise<RelayEmulator> => createRelayEmulator({ port: 0 });

/**
 * One scripted answer: a status, or a status and body (and headers, e.g. `retry-after` or
 * `location`), optionally after a delay (a slow system).
 */
export type ScriptedAnswer =
  number | { status: number; body?: string; headers?: Record<string, string>; delayMs?: number };

/** A hospital system: answers each POST with the next scripted answer (then 200). */
export interface FakeTarget {
  readonly url: string;
  readonly requests: Array<{
    body: string;
    headers: IncomingMessage['headers'];
    url: string;
    /** When the request arrived (ms since the epoch). */
    at: number;
  }>;
  /** Requests being answered now, and the most there ever were at once. */
  readonly load: { current: number; most: number };
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

export async function startFakeTarget(): Promise<FakeTarget> {
  const requests: FakeTarget['requests'] = [];
  const load = { current: 0, most: 0 };
  let queue: ScriptedAnswer[] = [];
  const server: Server = createServer((request, response) => {
    const at = Date.now();
    load.current += 1;
    load.most = Math.max(load.most, load.current);
    response.once('close', () => (load.current -= 1));
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        body: Buffer.concat(chunks).toString('utf8'),
        headers: request.headers,
        url: request.url ?? '',
        at,
      });
      const next = queue.shift() ?? 200;
      const {
        status,
        body = '',
        headers = {},
        delayMs = 0,
      } = typeof next === 'number' ? { status: next } : next;
      const answer = () => {
        if (!response.destroyed)
          response.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(body);
      };
      if (delayMs > 0) setTimeout(answer, delayMs).unref();
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/fhir`,
    requests,
    load,
    script: (...answers) => {
      queue = answers;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A stand-in relay dispatcher: a sender session that records the gateway's event frames. */
export interface FakeDispatcher {
  readonly session: RelaySession;
  readonly events: SessionFrame[];
  /** Event bodies received, in order. */
  bodies(): UpstreamEvent[];
  /** Answers each event with an `accepted` UpstreamAck from now on (off by default). */
  autoAck: boolean;
  ack(eventId: string, status?: 'accepted' | 'refused', reason?: string): void;
  deliver(body: Partial<DeliverBody> | unknown, traceparent?: string): Promise<SessionFrame>;
  close(): Promise<void>;
}

export async function connectDispatcher(emulator: RelayEmulator): Promise<FakeDispatcher> {
  const session = await openRelaySession({
    endpoint: emulator.url,
    path: HYBRID_CONNECTION,
    ...SEND,
    timeoutMs: 10_000,
  });
  const events: SessionFrame[] = [];
  const dispatcher: FakeDispatcher = {
    session,
    events,
    autoAck: false,
    bodies: () => events.map((frame) => frame.body as UpstreamEvent),
    ack: (eventId, status = 'accepted', reason) =>
      void session.send({ kind: 'ack', body: { eventId, status, ...(reason ? { reason } : {}) } }),
    deliver: (body, traceparent = newTraceparent()) =>
      session.request({ kind: 'deliver', traceparent, body }, { timeoutMs: 10_000 }),
    close: async () => {
      await session.close();
    },
  };
  session.onFrame((frame) => {
    if (frame.kind !== 'event') return;
    events.push(frame);
    const body = frame.body as { eventId: string };
    if (dispatcher.autoAck) dispatcher.ack(body.eventId);
  });
  return dispatcher;
}

/** The dispatcher's raw socket, for frames a RelaySession would refuse to send. */
export type RawSocket = Awaited<ReturnType<typeof connectToRelay>>;

/** A sender socket with every text frame it receives, parsed, in order. */
export async function connectRawDispatcher(
  emulator: RelayEmulator,
): Promise<{ socket: RawSocket; received: Array<Record<string, unknown>> }> {
  const socket = await connectToRelay({
    endpoint: emulator.url,
    path: HYBRID_CONNECTION,
    ...SEND,
    timeoutMs: 10_000,
  });
  const received: Array<Record<string, unknown>> = [];
  socket.on('message', (data) =>
    received.push(JSON.parse(data.toString()) as Record<string, unknown>),
  );
  return { socket, received };
}

let counter = 0;
/** A valid deliver body for `target`, unique per call. */
export function deliverBody(target: string, overrides: Partial<DeliverBody> = {}): DeliverBody {
  counter += 1;
  return {
    messageId: `msg-${process.pid}-${Date.now()}-${counter}`,
    appointmentId: `appt-${counter}`,
    accessionNumber: `ACC${counter}`,
    messageType: 'fhir-r4',
    target,
    contentType: 'application/fhir+json',
    payload: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [] }),
    attempt: 1,
    ...overrides,
  };
}

/** The local API's bearer token in tests, and the header that carries it. */
export const TEST_API_TOKEN = 'test-modality-token-0123456789';
export const WITH_API_TOKEN = { authorization: `Bearer ${TEST_API_TOKEN}` } as const;

export async function startTestGateway(
  emulator: RelayEmulator,
  targets: readonly Target[],
  dataDir: string,
  overrides: Partial<GatewayOptions> = {},
): Promise<Gateway> {
  const gateway = await startGateway({
    relay: { endpoint: emulator.url, path: HYBRID_CONNECTION, ...LISTEN },
    targets,
    dataDir,
    logger: quietLogger(),
    deliveryBackoff: { baseMs: 20, maxMs: 100 },
    outboxRetryMs: 60_000,
    apiToken: TEST_API_TOKEN,
    ...overrides,
  });
  await gateway.listener.waitUntilOnline(10_000);
  return gateway;
}

/** A loopback port nothing listens on: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
