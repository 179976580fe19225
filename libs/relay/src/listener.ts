import { EventEmitter, setMaxListeners } from 'node:events';
import WebSocket from 'ws';
import { backoffDelay, type BackoffOptions } from '@mbs/errors';
import { CloseCode, describeCloseCode } from './close-codes';
import {
  parseControlMessage,
  type AcceptMessage,
  type RenewTokenMessage,
  type RequestMessage,
} from './control-frames';
import {
  HttpRequestAssembler,
  needsRendezvous,
  responseFrames,
  type RelayHttpRequest,
  type RelayRequestHandler,
} from './http-mode';
import { openRelaySocket } from './open-socket';
import { hybridConnectionUrl, rejectionUrl, resourceUri } from './relay-address';
import { RelayConnectionClosedError, RelayRejectedError, RelayTimeoutError } from './relay-errors';
import { silentLogger, type RelayLogger } from './relay-logger';
import { DEFAULT_MAX_FRAME_BYTES, RelaySession } from './session/session';
import { tokenProviderFor, type RelayCredentials, type TokenProvider } from './token-provider';

export type ListenerState = 'connecting' | 'online' | 'reconnecting' | 'closed';

export interface ListenerStatus {
  readonly state: ListenerState;
  /** When the listener entered this state. */
  readonly since: Date;
  /** Failed attempts since the control channel was last online. */
  readonly attempt: number;
  /** Why the last control channel failed or closed. */
  readonly lastError?: Error;
}

/** What the relay says about a sender waiting to be accepted. */
export interface AcceptInfo {
  /** `sb-hc-id`: the sender's id when it gave one. */
  readonly id: string;
  readonly address: string;
  readonly connectHeaders: Readonly<Record<string, string>>;
  /** The part of the sender's path after the hybrid connection name, with its query. */
  readonly suffix: string;
}

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
  /** Largest frame on accepted sockets, in bytes. Default 1 MiB. */
  readonly maxFrameBytes?: number;
  /** Default reply timeout of the sessions handed to `onSession`. Default 30 000 ms. */
  readonly requestTimeoutMs?: number;
  /** WebSocket ping on the control channel this often. Default 30 000 ms (Azure drops idle
   *  Node listeners after about 4 minutes; NATs and load balancers often sooner). */
  readonly keepAliveIntervalMs?: number;
  /** A control channel that carries nothing (no pong, no message) this long after a ping is
   *  taken for dead ("zombie") and replaced. Default 10 000 ms. */
  readonly keepAliveTimeoutMs?: number;
  /** Where the token travels on the control channel: the `sb-hc-token` query parameter
   *  (default) or the `ServiceBusAuthorization` header. Azure accepts both, as for senders. */
  readonly tokenIn?: 'query' | 'header';
  /** Give up a handshake after this long. Default 30 000 ms. */
  readonly handshakeTimeoutMs?: number;
  /** Reconnect delays: 500 ms doubling up to 30 s by default, with equal jitter (a random
   *  point in the upper half of each step; see backoffDelay in @mbs/errors). */
  readonly backoff?: Partial<BackoffOptions>;
  /** Renew the token when this fraction of its lifetime has passed. Default 0.8. */
  readonly renewAtFraction?: number;
};

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
  private currentStatus: ListenerStatus = { state: 'closed', since: new Date(), attempt: 0 };
  private control: WebSocket | undefined;
  private stopped = true;
  private abort: AbortController | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private readonly accepted = new Set<WebSocket>();

  constructor(private readonly options: ListenerOptions) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.tokens = tokenProviderFor(options);
    this.resource = resourceUri(options.endpoint, options.path);
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
    this.setState('connecting', undefined, 0);
    void this.connect();
  }

  /** Resolves when the control channel is online; rejects after `timeoutMs` with the last error. */
  waitUntilOnline(timeoutMs = 30_000): Promise<void> {
    if (this.currentStatus.state === 'online') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onState = (status: ListenerStatus) => {
        if (status.state === 'online') done();
        if (status.state === 'closed') done(new Error('listener stopped before it came online'));
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
    clearTimeout(this.reconnectTimer);
    const control = this.control;
    this.control = undefined;
    const closing = [...this.accepted, ...(control ? [control] : [])].map(closeSocket);
    await Promise.all(closing);
    this.setState('closed', this.currentStatus.lastError, 0);
  }

  private setState(state: ListenerState, lastError: Error | undefined, attempt: number): void {
    const changed =
      state !== this.currentStatus.state || lastError !== this.currentStatus.lastError;
    this.currentStatus = {
      state,
      since: state === this.currentStatus.state ? this.currentStatus.since : new Date(),
      attempt,
      ...(lastError ? { lastError } : {}),
    };
    if (changed) this.emit('state', this.currentStatus);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const attempt = this.currentStatus.attempt;
    try {
      const { token, expiresAt } = await this.tokens(this.resource);
      const inHeader = this.options.tokenIn === 'header';
      const url = hybridConnectionUrl({
        endpoint: this.options.endpoint,
        path: this.options.path,
        action: 'listen',
        id: this.options.id,
        token: inHeader ? undefined : token,
      });
      const socket = await openRelaySocket(url, {
        phase: 'handshake',
        purpose: `listener control channel for "${this.options.path}"`,
        timeoutMs: this.options.handshakeTimeoutMs ?? 30_000,
        signal: this.abort?.signal,
        ...(inHeader ? { headers: { ServiceBusAuthorization: token } } : {}),
      });
      if (this.stopped) {
        socket.terminate();
        return;
      }
      this.control = socket;
      this.attach(socket);
      this.scheduleRenewal(expiresAt);
      this.logger.info(
        { path: this.options.path, id: this.options.id, attempt },
        'relay listener online',
      );
      this.setState('online', undefined, 0);
    } catch (error) {
      if (this.stopped) return;
      this.logger.error(
        {
          path: this.options.path,
          attempt,
          code: (error as { code?: string }).code,
          err: String(error),
        },
        'relay listener could not open its control channel',
      );
      this.scheduleReconnect(error as Error, attempt + 1);
    }
  }

  private scheduleReconnect(error: Error, attempt: number): void {
    this.clearTimers();
    if (this.stopped) return;
    const delay = backoffDelay(attempt, { baseMs: 500, maxMs: 30_000, ...this.options.backoff });
    this.setState('reconnecting', error, attempt);
    this.logger.info(
      { path: this.options.path, attempt, delayMs: delay },
      'relay listener reconnecting',
    );
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private attach(socket: WebSocket): void {
    const assembler = new HttpRequestAssembler();
    socket.on('message', (data, isBinary) => {
      this.sawTraffic();
      const buffer = toBuffer(data);
      if (isBinary) {
        const request = assembler.body(buffer);
        if (request) void this.answer(request, socket);
        else this.logger.warn({ path: this.options.path }, 'unexpected binary control frame');
        return;
      }
      const parsed = parseControlMessage(buffer.toString('utf8'));
      switch (parsed.kind) {
        case 'accept':
          void this.onAccept(parsed.message);
          return;
        case 'request':
          this.onHttpRequest(parsed.message, assembler, socket);
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
      this.scheduleReconnect(error, 1);
    });
    this.startKeepAlive(socket);
  }

  /** Pings on a timer; a channel silent for `keepAliveTimeoutMs` after a ping is terminated. */
  private startKeepAlive(socket: WebSocket): void {
    const interval = this.options.keepAliveIntervalMs ?? 30_000;
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
    }, interval);
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

  private async renew(): Promise<void> {
    const socket = this.control;
    if (!socket || this.stopped) return;
    try {
      const { token, expiresAt } = await this.tokens(this.resource);
      if (socket !== this.control || socket.readyState !== WebSocket.OPEN) return;
      const message: RenewTokenMessage = { renewToken: { token } };
      socket.send(JSON.stringify(message));
      this.logger.info(
        { path: this.options.path, expiresAt: new Date(expiresAt).toISOString() },
        'relay listener renewed its token',
      );
      this.scheduleRenewal(expiresAt);
    } catch (error) {
      // The relay closes the channel with 1008 at expiry and the reconnect fetches a new token.
      this.logger.error(
        { path: this.options.path, err: String(error) },
        'relay listener could not renew its token',
      );
    }
  }

  private clearTimers(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.silenceTimer);
    clearTimeout(this.renewTimer);
    clearTimeout(this.reconnectTimer);
    this.silenceTimer = undefined;
  }

  private async onAccept({ accept }: AcceptMessage): Promise<void> {
    const info: AcceptInfo = {
      id: accept.id,
      address: accept.address,
      connectHeaders: accept.connectHeaders,
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
        timeoutMs: this.options.handshakeTimeoutMs ?? 30_000,
        maxPayload: this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
        signal: this.abort?.signal,
      });
      this.accepted.add(socket);
      socket.once('close', () => this.accepted.delete(socket));
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

  private async reject(info: AcceptInfo, statusCode: number, description: string): Promise<void> {
    const log = { path: this.options.path, id: info.id, statusCode, description };
    try {
      const socket = await openRelaySocket(rejectionUrl(info.address, statusCode, description), {
        phase: 'rendezvous',
        purpose: `reject connection ${info.id}`,
        timeoutMs: this.options.handshakeTimeoutMs ?? 30_000,
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

  private onHttpRequest(
    { request }: RequestMessage,
    assembler: HttpRequestAssembler,
    control: WebSocket,
  ): void {
    const complete = assembler.request(request);
    if (complete === 'rendezvous') {
      void this.serveRendezvous(request.address, undefined);
      return;
    }
    if (complete) void this.answer(complete, control, request.address);
    else this.pendingAddresses.set(request.id ?? '', request.address);
  }

  /** Rendezvous addresses of control-channel requests whose bodies are still arriving. */
  private readonly pendingAddresses = new Map<string, string>();

  /** Runs the handler and sends its response on `socket`, or via rendezvous when too large. */
  private async answer(
    request: RelayHttpRequest,
    socket: WebSocket,
    address = this.pendingAddresses.get(request.id),
  ): Promise<void> {
    this.pendingAddresses.delete(request.id);
    const log = { path: this.options.path, requestId: request.id, method: request.method };
    let response;
    try {
      response = this.options.onRequest
        ? await this.options.onRequest(request)
        : { statusCode: 501, statusDescription: 'Not Implemented' };
    } catch (error) {
      this.logger.error({ ...log, err: String(error) }, 'relay request handler failed');
      response = { statusCode: 500, statusDescription: 'Internal Server Error' };
    }
    const { message, body } = responseFrames(request.id, response);
    if (socket === this.control && needsRendezvous(message, body)) {
      if (!address) {
        this.logger.error(log, 'response too large for the control channel and no address');
        return;
      }
      void this.serveRendezvous(address, { message, body });
      return;
    }
    if (socket.readyState !== WebSocket.OPEN) {
      this.logger.warn(log, 'socket closed before the response could be sent');
      return;
    }
    socket.send(JSON.stringify(message));
    if (body) socket.send(body);
  }

  /**
   * Opens a rendezvous socket for HTTP mode: to send a response too large for the control channel,
   * or to receive a request that was. Later requests on that socket are answered on it too.
   */
  private async serveRendezvous(
    address: string,
    first: ReturnType<typeof responseFrames> | undefined,
  ): Promise<void> {
    const log = { path: this.options.path, address: redact(address) };
    let socket: WebSocket;
    try {
      socket = await openRelaySocket(address, {
        phase: 'rendezvous',
        purpose: `HTTP rendezvous on "${this.options.path}"`,
        timeoutMs: this.options.handshakeTimeoutMs ?? 30_000,
        signal: this.abort?.signal,
      });
    } catch (error) {
      this.logger.error({ ...log, err: String(error) }, 'relay listener could not open rendezvous');
      return;
    }
    this.accepted.add(socket);
    socket.once('close', () => this.accepted.delete(socket));
    socket.on('error', (error) =>
      this.logger.warn({ ...log, err: error.message }, 'rendezvous error'),
    );
    const assembler = new HttpRequestAssembler();
    socket.on('message', (data, isBinary) => {
      const buffer = toBuffer(data);
      if (isBinary) {
        const request = assembler.body(buffer);
        if (request) void this.answer(request, socket);
        return;
      }
      const parsed = parseControlMessage(buffer.toString('utf8'));
      if (parsed.kind !== 'request') {
        this.logger.warn({ ...log, kind: parsed.kind }, 'unexpected frame on HTTP rendezvous');
        return;
      }
      const complete = assembler.request(parsed.message.request);
      if (complete && complete !== 'rendezvous') void this.answer(complete, socket);
    });
    if (first) {
      socket.send(JSON.stringify(first.message));
      if (first.body) socket.send(first.body);
    }
  }
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
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

/** Addresses may carry tokens; logs keep only where they point. */
function redact(address: string): string {
  try {
    const url = new URL(address);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(invalid address)';
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
