import { EventEmitter, setMaxListeners } from 'node:events';
import WebSocket from 'ws';
import { backoffDelay, errorCode, isRetryable, type BackoffOptions } from '@mbs/errors';
import { CloseCode, describeCloseCode } from './close-codes';
import { parseControlMessage, type AcceptMessage, type RenewTokenMessage } from './control-frames';
import { withLowerCaseNames } from './header-names';
import type { RelayRequestHandler } from './http-mode';
import { ListenerHttp, redact } from './listener-http';
import { openRelaySocket } from './open-socket';
import { rawDataToBuffer } from './raw-data';
import {
  hybridConnectionUrl,
  isOnRelay,
  rejectionUrl,
  resourceUri,
  senderSafeRejectionStatus,
} from './relay-address';
import {
  RelayConnectionClosedError,
  RelayListenerStoppedError,
  RelayRejectedError,
  RelayTimeoutError,
} from './relay-errors';
import { silentLogger, type RelayLogger } from './relay-logger';
import { DEFAULT_MAX_FRAME_BYTES, RelaySession } from './session/session';
import {
  fetchRelayToken,
  tokenProviderFor,
  type RelayCredentials,
  type TokenProvider,
} from './token-provider';

/**
 * `refused`: the relay refused the control channel for a reason retrying will not fix by itself
 * (401 token, 403 right, 404 entity); the listener keeps retrying at the longest interval, in case
 * the key or the entity is fixed, and `lastError` says what is wrong.
 */
export type ListenerState = 'connecting' | 'online' | 'reconnecting' | 'refused' | 'closed';

export interface ListenerStatus {
  readonly state: ListenerState;
  /** When the listener entered this state. */
  readonly since: Date;
  /** Failed attempts in a row, the backoff step (0 while online). A channel that closes before
   *  it stayed online one keep-alive interval does not reset it. */
  readonly attempt: number;
  /** Why the last control channel failed or closed. */
  readonly lastError?: Error;
  /** While reconnecting or refused: how long until the next attempt, in ms. */
  readonly retryInMs?: number;
}

/** What the relay says about a sender waiting to be accepted. */
export interface AcceptInfo {
  /** `sb-hc-id`: the sender's id when it gave one. */
  readonly id: string;
  readonly address: string;
  /** The sender's HTTP headers, names in lower case: Azure (and the emulator) pass them as the
   *  sender wrote them, a relay built on Node's parsed headers would lower-case them; lookups
   *  by lower-case name work against all of them. */
  readonly connectHeaders: Readonly<Record<string, string>>;
  /** The part of the sender's path after the hybrid connection name, with its query. */
  readonly suffix: string;
}

/**
 * `true` to take the sender, or a rejection. The sender reads 401, 403, 404, 410, 502 and 504 as
 * the relay's own failures, so a rejection with one of those (or a status outside 400-599) is
 * sent as 400 with the description kept, and a warning is logged.
 */
export type AcceptDecision =
  true | { readonly statusCode: number; readonly statusDescription: string };

export type ListenerOptions = RelayCredentials & {
  /** `wss://<namespace>.servicebus.windows.net` (Azure) or `ws://127.0.0.1:<port>` (emulator). */
  readonly endpoint: string;
  /** The hybrid connection's name. */
  readonly path: string;
  /** `sb-hc-id` of the control channel, for diagnostics. */
  readonly id?: string;
  readonly logger?: RelayLogger;
  /** Decides whether to take a sender. Default: take every one. */
  readonly shouldAccept?: (info: AcceptInfo) => AcceptDecision | Promise<AcceptDecision>;
  /** Receives each accepted connection as a session of JSON frames. */
  readonly onSession?: (session: RelaySession, info: AcceptInfo) => void;
  /** Receives each accepted connection as a raw socket (when `onSession` is not given). */
  readonly onConnection?: (socket: WebSocket, info: AcceptInfo) => void;
  /** Answers HTTP-mode requests. Without it they get 501. */
  readonly onRequest?: RelayRequestHandler;
  /** Largest frame on accepted sockets, in bytes. Default 2 MiB. */
  readonly maxFrameBytes?: number;
  /** Default reply timeout of the sessions handed to `onSession`. Default 30 000 ms. */
  readonly requestTimeoutMs?: number;
  /** WebSocket ping on the control channel this often. Default 30 000 ms (Azure drops idle
   *  Node listeners after about 4 minutes; NATs and load balancers often sooner). A channel
   *  must also stay online this long before the reconnect backoff starts again from the bottom. */
  readonly keepAliveIntervalMs?: number;
  /** A control channel that carries nothing (no pong, no message) this long after a ping is
   *  taken for dead ("zombie") and replaced. Default 10 000 ms. */
  readonly keepAliveTimeoutMs?: number;
  /** Where the token travels on the control channel: the `ServiceBusAuthorization` header
   *  (default) or the `sb-hc-token` query parameter. Azure accepts both, as for senders; the
   *  header keeps the token out of every URL that is traced or logged. */
  readonly tokenIn?: 'query' | 'header';
  /** Give up a handshake after this long. Default 30 000 ms. */
  readonly handshakeTimeoutMs?: number;
  /** Reconnect delays: 500 ms doubling up to 30 s by default, with equal jitter (a random
   *  point in the upper half of each step; see backoffDelay in @mbs/errors). A permanent
   *  refusal (401, 403, 404) waits the maximum. */
  readonly backoff?: Partial<BackoffOptions>;
  /** Renew the token when this fraction of its lifetime has passed. Default 0.8. A failed
   *  renewal is retried every min(30 s, remaining lifetime / 4) while the token is still valid. */
  readonly renewAtFraction?: number;
};

/** A failed renewal is retried at most this often, so a short-lived token is not hammered. */
const MIN_RENEW_RETRY_MS = 50;
const MAX_RENEW_RETRY_MS = 30_000;

/**
 * A Hybrid Connections listener: keeps a control channel open to the relay
 * (`sb-hc-action=listen`), accepts or rejects senders, answers HTTP-mode requests, renews its
 * token, proves the channel alive with WebSocket pings, and reconnects with backoff and jitter.
 *
 * Events: `state` (ListenerStatus) on every change.
 */
export class RelayListener extends EventEmitter<{ state: [ListenerStatus] }> {
  private readonly logger: RelayLogger;
  private readonly tokens: TokenProvider;
  private readonly resource: string;
  private readonly http: ListenerHttp;
  private currentStatus: ListenerStatus = { state: 'closed', since: new Date(), attempt: 0 };
  private control: WebSocket | undefined;
  private stopped = true;
  private abort: AbortController | undefined;
  /** Failed attempts in a row; reset only once a channel has stayed online (see `stableTimer`). */
  private failures = 0;
  /** When the token of the current control channel expires (ms since the epoch). */
  private tokenExpiresAt = 0;
  /** The failure last logged at error level, so a retry loop logs each new failure once. */
  private lastReportedFailure: string | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private stableTimer: NodeJS.Timeout | undefined;
  private readonly accepted = new Set<WebSocket>();

  constructor(private readonly options: ListenerOptions) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.tokens = tokenProviderFor(options);
    this.resource = resourceUri(options.endpoint, options.path);
    this.http = new ListenerHttp({
      path: options.path,
      isOnRelay: (address) => isOnRelay(address, options.endpoint),
      logger: this.logger,
      onRequest: options.onRequest,
      handshakeTimeoutMs: this.handshakeTimeoutMs,
      signal: () => this.abort?.signal,
      isControlChannel: (socket) => socket === this.control,
      track: (socket) => this.track(socket),
    });
  }

  get status(): ListenerStatus {
    return this.currentStatus;
  }

  /** Starts listening; returns at once. Watch `state` events or use `waitUntilOnline`. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    // Every accept handshake in flight watches this signal; a busy gateway has many at once.
    setMaxListeners(0, this.abort.signal);
    this.failures = 0;
    this.lastReportedFailure = undefined;
    this.setState('connecting', undefined);
    void this.connect();
  }

  /**
   * Resolves when the control channel is online. Rejects with RelayTimeoutError (carrying the
   * last error) after `timeoutMs`, or RelayListenerStoppedError when the listener is stopped.
   */
  waitUntilOnline(timeoutMs = 30_000): Promise<void> {
    if (this.currentStatus.state === 'online') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onState = (status: ListenerStatus) => {
        if (status.state === 'online') done();
        if (status.state === 'closed') {
          done(
            new RelayListenerStoppedError(
              `listener for "${this.options.path}" was stopped before it came online`,
            ),
          );
        }
      };
      const timer = setTimeout(
        () =>
          done(
            new RelayTimeoutError(
              `listener for "${this.options.path}" not online within ${timeoutMs} ms` +
                (this.currentStatus.lastError ? `: ${this.currentStatus.lastError.message}` : ''),
              { phase: 'control', cause: this.currentStatus.lastError },
            ),
          ),
        timeoutMs,
      );
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.off('state', onState);
        if (error) reject(error);
        else resolve();
      };
      this.on('state', onState);
    });
  }

  /** Closes the control channel and accepted sockets; cancels pending reconnects at once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort?.abort();
    this.clearTimers();
    const control = this.control;
    this.control = undefined;
    const closing = [...this.accepted, ...(control ? [control] : [])].map(closeSocket);
    await Promise.all(closing);
    this.setState('closed', this.currentStatus.lastError);
  }

  private get handshakeTimeoutMs(): number {
    return this.options.handshakeTimeoutMs ?? 30_000;
  }

  private get keepAliveIntervalMs(): number {
    return this.options.keepAliveIntervalMs ?? 30_000;
  }

  private setState(state: ListenerState, lastError: Error | undefined, retryInMs?: number): void {
    const changed =
      state !== this.currentStatus.state || lastError !== this.currentStatus.lastError;
    this.currentStatus = {
      state,
      since: state === this.currentStatus.state ? this.currentStatus.since : new Date(),
      attempt: state === 'online' ? 0 : this.failures,
      ...(lastError ? { lastError } : {}),
      ...(retryInMs !== undefined ? { retryInMs } : {}),
    };
    if (changed) this.emit('state', this.currentStatus);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const purpose = `listener control channel for "${this.options.path}"`;
    try {
      const { token, expiresAt } = await fetchRelayToken(this.tokens, this.resource, purpose);
      const inHeader = this.options.tokenIn !== 'query';
      const url = hybridConnectionUrl({
        endpoint: this.options.endpoint,
        path: this.options.path,
        action: 'listen',
        id: this.options.id,
        token: inHeader ? undefined : token,
      });
      const socket = await openRelaySocket(url, {
        phase: 'handshake',
        purpose,
        timeoutMs: this.handshakeTimeoutMs,
        signal: this.abort?.signal,
        ...(inHeader ? { headers: { ServiceBusAuthorization: token } } : {}),
      });
      if (this.stopped) {
        socket.terminate();
        return;
      }
      this.control = socket;
      this.attach(socket);
      this.tokenExpiresAt = expiresAt;
      this.scheduleRenewal(expiresAt);
      this.logger.info(
        { path: this.options.path, id: this.options.id, failuresBefore: this.failures },
        'relay listener online',
      );
      this.setState('online', undefined);
      // Only a channel that stays up earns a fresh backoff: one that the relay drops at once
      // (a 1011 loop) keeps backing off instead of reconnecting every half second.
      this.stableTimer = setTimeout(() => {
        this.failures = 0;
        this.lastReportedFailure = undefined;
      }, this.keepAliveIntervalMs);
    } catch (error) {
      if (this.stopped) return;
      this.failed(error as Error, 'relay listener could not open its control channel');
    }
  }

  /** A handshake failed or the channel closed: report it and schedule the next attempt. */
  private failed(error: Error, message: string): void {
    this.clearTimers();
    if (this.stopped) return;
    this.failures += 1;
    const permanent = !isRetryable(error);
    const backoff = { baseMs: 500, maxMs: 30_000, ...this.options.backoff };
    // A permanent refusal waits the longest step; the random half still spreads gateways out.
    const delay = backoffDelay(permanent ? Number.MAX_SAFE_INTEGER : this.failures, backoff);
    const statusCode = (error as { statusCode?: number }).statusCode;
    const closeCode = (error as { closeCode?: number }).closeCode;
    const fields = {
      path: this.options.path,
      attempt: this.failures,
      retryInMs: delay,
      code: errorCode(error),
      statusCode,
      closeCode,
      retryable: !permanent,
      err: error.message,
    };
    const failure = `${fields.code}:${statusCode ?? ''}:${closeCode ?? ''}`;
    if (failure !== this.lastReportedFailure) {
      this.lastReportedFailure = failure;
      this.logger.error(
        fields,
        permanent ? 'relay refused the listener; retrying at the longest interval' : message,
      );
    } else {
      this.logger.debug(fields, 'relay listener retrying');
    }
    this.setState(permanent ? 'refused' : 'reconnecting', error, delay);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private attach(socket: WebSocket): void {
    const http = this.http.forControlChannel(socket);
    socket.on('message', (data, isBinary) => {
      this.sawTraffic();
      const buffer = rawDataToBuffer(data);
      if (isBinary) {
        if (!http.body(buffer)) {
          this.logger.warn({ path: this.options.path }, 'unexpected binary control frame');
        }
        return;
      }
      const parsed = parseControlMessage(buffer.toString('utf8'));
      switch (parsed.kind) {
        case 'accept':
          void this.onAccept(parsed.message);
          return;
        case 'request':
          http.request(parsed.message.request);
          return;
        default:
          this.logger.warn(
            {
              path: this.options.path,
              kind: parsed.kind,
              reason: parsed.kind === 'invalid' ? parsed.reason : undefined,
            },
            'relay listener ignored a control message it does not expect',
          );
      }
    });
    socket.on('pong', () => this.sawTraffic());
    socket.on('error', (error) =>
      this.logger.warn({ path: this.options.path, err: error.message }, 'control channel error'),
    );
    socket.on('close', (code, reasonBuffer) => {
      if (this.control !== socket) return;
      this.control = undefined;
      const reason = reasonBuffer.toString();
      const error = new RelayConnectionClosedError(
        `control channel for "${this.options.path}" closed with ${code} (${describeCloseCode(code)})${
          reason ? `: ${reason}` : ''
        }`,
        code,
        { phase: 'control' },
      );
      this.logger.warn({ path: this.options.path, code, reason }, 'relay listener offline');
      this.failed(error, 'relay listener control channel closed');
    });
    this.startKeepAlive(socket);
  }

  /** Pings on a timer; a channel silent for `keepAliveTimeoutMs` after a ping is terminated. */
  private startKeepAlive(socket: WebSocket): void {
    const timeout = this.options.keepAliveTimeoutMs ?? 10_000;
    this.pingTimer = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.ping();
      if (this.silenceTimer) return;
      this.silenceTimer = setTimeout(() => {
        this.silenceTimer = undefined;
        if (this.control !== socket) return;
        this.logger.error(
          { path: this.options.path, silentForMs: timeout },
          'relay listener control channel is silent (zombie): replacing it',
        );
        // terminate, not close: a dead peer will never answer a close handshake.
        socket.terminate();
      }, timeout);
    }, this.keepAliveIntervalMs);
  }

  private sawTraffic(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = undefined;
  }

  private scheduleRenewal(expiresAt: number): void {
    clearTimeout(this.renewTimer);
    const fraction = this.options.renewAtFraction ?? 0.8;
    const delay = Math.max(0, (expiresAt - Date.now()) * fraction);
    this.renewTimer = setTimeout(() => void this.renew(), delay);
  }

  /**
   * Sends `renewToken` with a fresh token. When the provider fails, tries again while the current
   * token is still valid, every min(30 s, remaining / 4): a token service that blips must not
   * cost the channel. Only when the token runs out does the relay close with 1008, and the
   * reconnect then asks for a token again.
   */
  private async renew(): Promise<void> {
    const socket = this.control;
    if (!socket || this.stopped) return;
    try {
      const { token, expiresAt } = await fetchRelayToken(
        this.tokens,
        this.resource,
        `token renewal for "${this.options.path}"`,
      );
      if (socket !== this.control || socket.readyState !== WebSocket.OPEN) return;
      const message: RenewTokenMessage = { renewToken: { token } };
      socket.send(JSON.stringify(message));
      this.tokenExpiresAt = expiresAt;
      this.logger.info(
        { path: this.options.path, expiresAt: new Date(expiresAt).toISOString() },
        'relay listener renewed its token',
      );
      this.scheduleRenewal(expiresAt);
    } catch (error) {
      if (socket !== this.control || this.stopped) return;
      const remainingMs = this.tokenExpiresAt - Date.now();
      const fields = { path: this.options.path, remainingMs, err: String(error) };
      if (remainingMs <= MIN_RENEW_RETRY_MS) {
        this.logger.error(
          fields,
          'relay listener could not renew its token before it expired; the relay will close the channel',
        );
        return;
      }
      const retryInMs = Math.max(
        MIN_RENEW_RETRY_MS,
        Math.min(MAX_RENEW_RETRY_MS, Math.floor(remainingMs / 4)),
      );
      this.logger.warn(
        { ...fields, retryInMs },
        'relay listener could not renew its token; retrying',
      );
      clearTimeout(this.renewTimer);
      this.renewTimer = setTimeout(() => void this.renew(), retryInMs);
    }
  }

  private clearTimers(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.silenceTimer);
    clearTimeout(this.renewTimer);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.stableTimer);
    this.silenceTimer = undefined;
  }

  private track(socket: WebSocket): void {
    this.accepted.add(socket);
    socket.once('close', () => this.accepted.delete(socket));
  }

  private async onAccept({ accept }: AcceptMessage): Promise<void> {
    if (!isOnRelay(accept.address, this.options.endpoint)) {
      // Neither accepted nor rejected: both would mean connecting to that address.
      this.logger.error(
        { path: this.options.path, id: accept.id, address: redact(accept.address) },
        'relay sent an accept for another host than its own; ignored',
      );
      return;
    }
    const info: AcceptInfo = {
      id: accept.id,
      address: accept.address,
      connectHeaders: withLowerCaseNames(accept.connectHeaders),
      suffix: suffixOf(accept.address, this.options.path),
    };
    const log = { path: this.options.path, id: info.id };
    let decision: AcceptDecision;
    try {
      decision =
        !this.options.onSession && !this.options.onConnection
          ? { statusCode: 503, statusDescription: 'listener takes no connections' }
          : ((await this.options.shouldAccept?.(info)) ?? true);
    } catch (error) {
      this.logger.error({ ...log, err: String(error) }, 'shouldAccept failed; rejecting');
      decision = { statusCode: 500, statusDescription: 'listener failed to decide' };
    }
    if (decision !== true) {
      await this.reject(info, decision.statusCode, decision.statusDescription);
      return;
    }
    try {
      const socket = await openRelaySocket(accept.address, {
        phase: 'rendezvous',
        purpose: `accept connection ${info.id} on "${this.options.path}"`,
        timeoutMs: this.handshakeTimeoutMs,
        maxPayload: this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
        signal: this.abort?.signal,
      });
      this.track(socket);
      this.logger.info(log, 'relay listener accepted a connection');
      if (this.options.onSession) {
        this.options.onSession(
          new RelaySession(socket, {
            maxFrameBytes: this.options.maxFrameBytes,
            requestTimeoutMs: this.options.requestTimeoutMs,
            logger: this.logger,
            name: `listener ${this.options.path} <- ${info.id}`,
          }),
          info,
        );
      } else {
        this.options.onConnection?.(socket, info);
      }
    } catch (error) {
      this.logger.error({ ...log, err: String(error) }, 'relay listener could not accept');
    }
  }

  private async reject(info: AcceptInfo, wanted: number, description: string): Promise<void> {
    const statusCode = senderSafeRejectionStatus(wanted);
    const log = { path: this.options.path, id: info.id, statusCode, description };
    if (statusCode !== wanted) {
      this.logger.warn(
        { ...log, wanted },
        `a rejection with ${wanted} would read as the relay's own failure; sending ${statusCode}`,
      );
    }
    try {
      const socket = await openRelaySocket(rejectionUrl(info.address, statusCode, description), {
        phase: 'rendezvous',
        purpose: `reject connection ${info.id}`,
        timeoutMs: this.handshakeTimeoutMs,
        signal: this.abort?.signal,
      });
      // The rejection handshake is meant to fail; a relay that opens it anyway is closed.
      socket.close();
      this.logger.warn(log, 'relay accepted a rejection handshake; expected 410');
    } catch (error) {
      if (error instanceof RelayRejectedError && error.statusCode === 410) {
        this.logger.info(log, 'relay listener rejected a connection');
      } else {
        this.logger.error({ ...log, err: String(error) }, 'relay listener could not reject');
      }
    }
  }
}

/** The sender's path after the entity name: `$hc/gateway-a/x?y=1` gives `/x?y=1`. */
function suffixOf(address: string, path: string): string {
  try {
    const url = new URL(address);
    const prefix = `/$hc/${path.replace(/^\/+|\/+$/g, '')}`;
    const rest = decodeURIComponent(url.pathname).startsWith(prefix)
      ? decodeURIComponent(url.pathname).slice(prefix.length)
      : '';
    const query = [...url.searchParams].filter(([name]) => !name.startsWith('sb-hc-'));
    return rest + (query.length ? `?${new URLSearchParams(query).toString()}` : '');
  } catch {
    return '';
  }
}

function closeSocket(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve();
    const force = setTimeout(() => socket.terminate(), 1000);
    socket.once('close', () => {
      clearTimeout(force);
      resolve();
    });
    socket.close(CloseCode.normal, 'listener stopping');
  });
}
