import {
  RelayListener,
  createSasToken,
  hybridConnectionUrl,
  openRelaySession,
  resourceUri,
  type ListenerOptions,
  type ListenerState,
  type RelaySession,
} from '@mbs/relay';
import { createRelayEmulator, type RelayEmulator, type RelayEmulatorOptions } from '../src/index';

/** The dev keys of the default `gateway-local` hybrid connection (see the README). */
export const PATH = 'gateway-local';
export const LISTEN_KEY = { keyName: 'listen', key: 'dev-listen-key-not-secret' } as const;
export const SEND_KEY = { keyName: 'send', key: 'dev-send-key-not-secret' } as const;
export const MANAGE_KEY = { keyName: 'manage', key: 'dev-manage-key-not-secret' } as const;

/** A control-channel address with a listen token of the given lifetime, for raw listeners. */
export function listenUrl(endpoint: string, ttlSeconds = 3600): string {
  const token = createSasToken({
    resourceUri: resourceUri(endpoint, PATH),
    ...LISTEN_KEY,
    ttlSeconds,
  });
  return hybridConnectionUrl({ endpoint, path: PATH, action: 'listen', token });
}

/** Listener options that answer every `deliver` with an `ack` carrying the same body. */
export const echo = {
  onSession: (session: RelaySession) =>
    session.onFrame(
      (frame, s) => void s.send({ kind: 'ack', replyTo: frame.id, body: frame.body }),
    ),
};

/** Proves a listener carries traffic: one request over a new sender session to `echo`. */
export async function roundTrip(endpoint: string): Promise<unknown> {
  const session = await openRelaySession({ endpoint, path: PATH, ...SEND_KEY, timeoutMs: 3000 });
  try {
    return (await session.request({ kind: 'deliver', body: 'ping' }, { timeoutMs: 3000 })).body;
  } finally {
    await session.close();
  }
}

const cleanups: Array<() => Promise<unknown> | unknown> = [];

/** Registers something to undo after the current test, in reverse order. */
export function onCleanup(cleanup: () => Promise<unknown> | unknown): void {
  cleanups.push(cleanup);
}

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

export async function startEmulator(options: RelayEmulatorOptions = {}): Promise<RelayEmulator> {
  const emulator = await createRelayEmulator(options);
  onCleanup(() => emulator.close());
  return emulator;
}

/** A listener with short timings, stopped after the test. */
export function startListener(
  emulator: { url: string },
  options: Partial<ListenerOptions> = {},
): RelayListener {
  const listener = new RelayListener({
    endpoint: emulator.url,
    path: PATH,
    ...LISTEN_KEY,
    backoff: { baseMs: 20, maxMs: 200 },
    handshakeTimeoutMs: 5000,
    ...options,
  } as ListenerOptions);
  listener.start();
  onCleanup(() => listener.stop());
  return listener;
}

/** Records every state a listener goes through. */
export function recordStates(listener: RelayListener): ListenerState[] {
  const states: ListenerState[] = [];
  listener.on('state', (status) => states.push(status.state));
  return states;
}

export { eventually } from '@mbs/testing';

/** Resolves with the error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the promise to reject');
}
