import type WebSocket from 'ws';
import { openRelaySocket } from './open-socket';
import { hybridConnectionUrl, resourceUri } from './relay-address';
import { silentLogger, type RelayLogger } from './relay-logger';
import { DEFAULT_MAX_FRAME_BYTES, RelaySession } from './session/session';
import { fetchRelayToken, tokenProviderFor, type RelayCredentials } from './token-provider';

export type ConnectOptions = RelayCredentials & {
  /** `wss://<namespace>.servicebus.windows.net` (Azure) or `ws://127.0.0.1:<port>` (emulator). */
  readonly endpoint: string;
  /** The hybrid connection's name, optionally with `/suffix` passed on to the listener. */
  readonly path: string;
  /** `sb-hc-id`: shows in the listener's accept and in Azure's diagnostics. */
  readonly id?: string;
  /** Application query parameters, passed through to the listener in the accept address. */
  readonly query?: Readonly<Record<string, string>>;
  /** Give up when the connection is not accepted end to end within this time. Default 30 000 ms
   *  (Azure holds a sender at most ~30 s while the listener accepts). */
  readonly timeoutMs?: number;
  /** Where the token travels: the `ServiceBusAuthorization` header (default) or the
   *  `sb-hc-token` query parameter. Azure accepts both; a URL ends up in traces and logs, a
   *  header does not, so the query parameter is only for a relay that takes nothing else. */
  readonly tokenIn?: 'query' | 'header';
  /** Extra HTTP headers; they reach the listener in the accept's `connectHeaders`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Largest frame accepted on the socket, in bytes. Default 2 MiB. */
  readonly maxFrameBytes?: number;
  readonly logger?: RelayLogger;
};

/**
 * Opens a sender WebSocket (`sb-hc-action=connect`) joined to a listener. Resolves with the open
 * socket; rejects with a typed error: RelayUnauthorizedError (401), RelayForbiddenError (403),
 * RelayEntityNotFoundError (404), RelayNoListenerError, RelayTimeoutError, RelayRejectedError /
 * RelayListenerBusyError (the listener refused), RelayUnavailableError (network, 5xx, or the
 * token provider failed: phase `token`).
 */
export async function connectToRelay(options: ConnectOptions): Promise<WebSocket> {
  const logger = options.logger ?? silentLogger;
  const { token } = await fetchRelayToken(
    tokenProviderFor(options),
    resourceUri(options.endpoint, options.path),
    `connect to hybrid connection "${options.path}"`,
  );
  const inHeader = options.tokenIn !== 'query';
  const url = hybridConnectionUrl({
    endpoint: options.endpoint,
    path: options.path,
    action: 'connect',
    id: options.id,
    query: options.query,
    token: inHeader ? undefined : token,
  });
  const started = Date.now();
  try {
    const socket = await openRelaySocket(url, {
      phase: 'handshake',
      purpose: `connect to hybrid connection "${options.path}"`,
      timeoutMs: options.timeoutMs ?? 30_000,
      headers: { ...options.headers, ...(inHeader ? { ServiceBusAuthorization: token } : {}) },
      maxPayload: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    });
    logger.debug(
      { path: options.path, id: options.id, ms: Date.now() - started },
      'relay sender connected',
    );
    return socket;
  } catch (error) {
    logger.warn(
      { path: options.path, id: options.id, ms: Date.now() - started, err: String(error) },
      'relay sender could not connect',
    );
    throw error;
  }
}

export type OpenSessionOptions = ConnectOptions & {
  /** Default time a session `request` waits for its reply. Default 30 000 ms. */
  readonly requestTimeoutMs?: number;
};

/** Connects as a sender and wraps the socket in a RelaySession. */
export async function openRelaySession(options: OpenSessionOptions): Promise<RelaySession> {
  const socket = await connectToRelay(options);
  return new RelaySession(socket, {
    maxFrameBytes: options.maxFrameBytes,
    requestTimeoutMs: options.requestTimeoutMs,
    logger: options.logger,
    name: `sender -> ${options.path}`,
  });
}
