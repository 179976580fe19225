import { eventually, sleep, testLogger } from '@mbs/testing';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Receipt,
  SignedReceipt,
  SignedUpstreamEvent,
  UpstreamEvent,
  type DeliverBody,
  type SignedUpstreamAck,
  type UpstreamAck,
} from '@mbs/contracts';
import {
  connectToRelay,
  newTraceparent,
  openRelaySession,
  type RelaySession,
  type SessionFrame,
} from '@mbs/relay';
import { createRelayEmulator, type RelayEmulator } from '@mbs/relay-emulator';
import {
  generateGatewayKeySet,
  generateSigningKey,
  publicJwk,
  sealOrder,
  signAck,
  verifyUpstream,
  type GatewayKeySet,
  type Jwks,
  type PrivateSigningJwk,
  type PublicJwk,
} from '@mbs/trust';
import type { Target } from '../src/config';
import { startGateway, type Gateway, type GatewayOptions } from '../src/gateway';
import { fixedKeys } from '../src/protection/key-file';

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

/** The gateway's id in these tests: the audience of the orders the stand-in dispatcher seals. */
export const GATEWAY_ID = 'gateway-local';

/** The keys of one test run: the dispatcher's signing key and the gateway's own set. */
export interface TestKeys {
  readonly dispatcher: PrivateSigningJwk;
  /** The dispatcher's public keys, as the gateway is configured with them. */
  readonly dispatcherPublic: Jwks<PublicJwk>;
  readonly gateway: GatewayKeySet;
}

let keys: Promise<TestKeys> | undefined;
/** Made once per test file (a key pair costs a little; the tests do not depend on which). */
export function testKeys(): Promise<TestKeys> {
  keys ??= (async () => {
    const dispatcher = await generateSigningKey('dispatcher-test');
    return {
      dispatcher,
      dispatcherPublic: { keys: [publicJwk(dispatcher)] },
      gateway: await generateGatewayKeySet(),
    };
  })();
  return keys;
}

/** What a stand-in dispatcher seals with, unless a test says otherwise. */
export interface SealWith {
  readonly signingKey?: PrivateSigningJwk;
  readonly recipientKeys?: Jwks<PublicJwk>;
  readonly gatewayId?: string;
  readonly now?: Date;
  readonly ttlSeconds?: number;
}

/**
 * A deliver frame's body as the dispatcher sends it: the ids in clear, the rest of `body` sealed
 * (signed by the dispatcher, encrypted to the gateway). Whatever `body` holds is sealed as is, so
 * a test can seal an invalid order.
 */
export async function sealDeliver(
  body: Partial<DeliverBody> & Record<string, unknown>,
  seal: SealWith = {},
): Promise<Record<string, unknown>> {
  const k = await testKeys();
  const { messageId, attempt = 1, resend = 0, ...secret } = body;
  const order = await sealOrder({
    secret,
    messageId: messageId!,
    gatewayId: seal.gatewayId ?? GATEWAY_ID,
    resend,
    attempt,
    signingKey: seal.signingKey ?? k.dispatcher,
    recipientKeys: seal.recipientKeys ?? k.gateway.publicKeys,
    now: seal.now,
    ttlSeconds: seal.ttlSeconds,
  });
  return { messageId, attempt, resend, order };
}

/** What a stand-in dispatcher signs an ack with, unless a test says otherwise. */
export interface AckWith {
  readonly signingKey?: PrivateSigningJwk;
  readonly gatewayId?: string;
  readonly now?: Date;
  readonly ttlSeconds?: number;
  /** The event id the frame names in clear (default: the signed one). */
  readonly readableEventId?: string;
}

/**
 * An ack frame's body as the dispatcher sends it: the event id in clear and the UpstreamAck
 * signed with the dispatcher's key for this gateway (`signAck`), unless `sign` says otherwise.
 */
export async function signedAck(ack: UpstreamAck, sign: AckWith = {}): Promise<SignedUpstreamAck> {
  const k = await testKeys();
  return {
    eventId: sign.readableEventId ?? ack.eventId,
    signed: await signAck(ack, {
      gatewayId: sign.gatewayId ?? GATEWAY_ID,
      signingKey: sign.signingKey ?? k.dispatcher,
      now: sign.now,
      ttlSeconds: sign.ttlSeconds,
    }),
  };
}

/**
 * A frame from the gateway with its signed body checked and opened as the dispatcher does: an
 * ack of a deliver carries its Receipt, an event its UpstreamEvent. Throws when the signature
 * does not verify with the gateway's public keys.
 */
export async function openSigned(frame: SessionFrame, gatewayKeys?: Jwks<PublicJwk>) {
  const publicKeys = gatewayKeys ?? (await testKeys()).gateway.publicKeys;
  const signed = (frame.body as { signed?: unknown } | undefined)?.signed;
  if (frame.kind === 'ack' && typeof signed === 'string') {
    const { messageId } = SignedReceipt.parse(frame.body);
    const receipt = Receipt.parse(
      await verifyUpstream(signed, { gatewayId: GATEWAY_ID, gatewayKeys: publicKeys }),
    );
    if (receipt.messageId !== messageId)
      throw new Error('the signed receipt names another message');
    return { ...frame, body: receipt };
  }
  if (frame.kind === 'event') {
    const { eventId, signed: event } = SignedUpstreamEvent.parse(frame.body);
    const body = UpstreamEvent.parse(
      await verifyUpstream(event, { gatewayId: GATEWAY_ID, gatewayKeys: publicKeys }),
    );
    if (body.eventId !== eventId) throw new Error('the signed event names another event');
    return { ...frame, body, signed: event };
  }
  return frame;
}

/**
 * A stand-in relay dispatcher: a sender session that seals what it delivers, and records the
 * gateway's event frames once their signatures verify (with their bodies opened).
 */
export interface FakeDispatcher {
  readonly session: RelaySession;
  /** Event frames whose signature verified, each with its UpstreamEvent as body. */
  readonly events: SessionFrame[];
  /** Event frames that did not verify (none, unless a test makes the gateway sign wrongly). */
  readonly unverified: SessionFrame[];
  /** `error` frames the gateway sent it (about a frame it would not take). */
  readonly errors: SessionFrame[];
  /** Event bodies received, in order. */
  bodies(): UpstreamEvent[];
  /** Answers each event with an `accepted` UpstreamAck from now on (off by default). */
  autoAck: boolean;
  /** Sends an UpstreamAck signed as the dispatcher signs it (or as `sign` says). */
  ack(
    eventId: string,
    status?: 'accepted' | 'refused',
    reason?: string,
    code?: 'bad_signature' | 'expired',
    sign?: AckWith,
  ): Promise<void>;
  /** Sends an ack frame whose body is exactly `body` (unsigned, say). */
  ackRaw(body: unknown): void;
  /** Seals `body` and delivers it; the answer with its signed receipt opened. */
  deliver(
    body: Partial<DeliverBody> & Record<string, unknown>,
    traceparent?: string,
    seal?: SealWith,
  ): Promise<SessionFrame>;
  /** Sends a deliver frame whose body is exactly `body`; the answer with its receipt opened. */
  deliverRaw(body: unknown, traceparent?: string): Promise<SessionFrame>;
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
  const unverified: SessionFrame[] = [];
  const errors: SessionFrame[] = [];
  const deliverRaw = async (body: unknown, traceparent = newTraceparent()) =>
    openSigned(
      await session.request({ kind: 'deliver', traceparent, body }, { timeoutMs: 10_000 }),
    );
  const dispatcher: FakeDispatcher = {
    session,
    events,
    unverified,
    errors,
    autoAck: false,
    bodies: () => events.map((frame) => frame.body as UpstreamEvent),
    ack: async (eventId, status = 'accepted', reason, code, sign) => {
      const ack = { eventId, status, ...(reason ? { reason } : {}), ...(code ? { code } : {}) };
      session.send({ kind: 'ack', body: await signedAck(ack, sign) });
    },
    ackRaw: (body) => void session.send({ kind: 'ack', body }),
    deliver: async (body, traceparent, seal) =>
      deliverRaw(await sealDeliver(body, seal), traceparent),
    deliverRaw,
    close: async () => {
      await session.close();
    },
  };
  // Verified in arrival order, one at a time, so `events` keeps the order they were sent in.
  let verifying = Promise.resolve();
  session.onFrame((frame) => {
    if (frame.kind === 'error') errors.push(frame);
    if (frame.kind !== 'event') return;
    verifying = verifying.then(async () => {
      let opened;
      try {
        opened = await openSigned(frame);
      } catch {
        unverified.push(frame);
        return;
      }
      events.push(opened);
      if (dispatcher.autoAck)
        await dispatcher.ack((opened.body as UpstreamEvent).eventId).catch(() => undefined);
    });
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
  const k = await testKeys();
  const gateway = await startGateway({
    relay: { endpoint: emulator.url, path: HYBRID_CONNECTION, ...LISTEN },
    gatewayId: GATEWAY_ID,
    keys: fixedKeys(k.gateway.privateKeys),
    dispatcherKeys: k.dispatcherPublic,
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
