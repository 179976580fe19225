import { EventEmitter } from 'node:events';
import { describeIssues } from '@mbs/errors';
import WebSocket from 'ws';
import { CloseCode, describeCloseCode } from '../close-codes';
import { RelayConnectionClosedError, RelayProtocolError, RelayTimeoutError } from '../relay-errors';
import { silentLogger, type RelayLogger } from '../relay-logger';
import {
  continueTrace,
  newFrameId,
  newTraceparent,
  sessionFrameSchema,
  type ErrorFrameBody,
  type OutgoingFrame,
  type SessionErrorCode,
  type SessionFrame,
} from './frames';
import { rawDataToBuffer } from '../raw-data';

/** How many received frames' traceparents are kept for the replies they may get. */
const REPLY_TRACES_KEPT = 1024;

/**
 * Default largest frame, in bytes. A FHIR bundle for one participant is a few kB, but a payload
 * may be up to 512 KiB (MAX_PAYLOAD_BYTES), and sealed (JSON-escaped, encrypted and encoded as
 * base64url twice: a JWE inside a JWS) it grows by up to about 3.6 times (a payload of quotes):
 * 2 MiB carries the largest payload with room for the frame around it.
 */
export const DEFAULT_MAX_FRAME_BYTES = 2 * 1024 * 1024;

export interface RelaySessionOptions {
  /** Largest frame sent or accepted, in bytes. Default 2 MiB. The socket must be opened with
   *  the same `maxPayload` (the sender and listener do this) for incoming frames to be capped. */
  readonly maxFrameBytes?: number;
  /** Default time `request` waits for a reply. Default 30 000 ms. */
  readonly requestTimeoutMs?: number;
  readonly logger?: RelayLogger;
  /** Names the session in logs: "dispatcher -> gateway-a". */
  readonly name?: string;
}

/** Handles a frame that is not a reply to one of our requests. May answer with `session.send`. */
export type FrameHandler = (frame: SessionFrame, session: RelaySession) => void | Promise<void>;

export interface SessionClosed {
  readonly code: number;
  readonly reason: string;
}

interface Pending {
  readonly resolve: (frame: SessionFrame) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * JSON frames over one connected relay socket (a sender's connect socket or a listener's accept
 * socket): sending, request/response correlation by `replyTo`, automatic `pong`, and refusal of
 * malformed or oversized frames without ever crashing the process.
 *
 * Events: `close` (SessionClosed).
 */
export class RelaySession extends EventEmitter<{ close: [SessionClosed] }> {
  readonly maxFrameBytes: number;
  private readonly requestTimeoutMs: number;
  private readonly logger: RelayLogger;
  private readonly name: string;
  private readonly pending = new Map<string, Pending>();
  /** Traceparents of frames handed to the handler, by frame id, so a reply continues them. */
  private readonly replyTraces = new Map<string, string>();
  private handler: FrameHandler | undefined;
  private closedInfo: SessionClosed | undefined;
  private localCloseCause: SessionClosed | undefined;
  /** Resolves when the socket has closed, whoever closed it. */
  readonly closed: Promise<SessionClosed>;

  constructor(
    private readonly socket: WebSocket,
    options: RelaySessionOptions = {},
  ) {
    super();
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.logger = options.logger ?? silentLogger;
    this.name = options.name ?? 'relay session';
    this.closed = new Promise((resolve) => this.once('close', resolve));

    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('error', (error) => {
      // ws closes the socket itself after an error (1009 for an oversized frame) and then
      // reports 1006 here; remember the real cause so the close says what happened.
      if ((error as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.localCloseCause = {
          code: CloseCode.messageTooBig,
          reason: `received a frame over the maximum of ${this.maxFrameBytes} bytes`,
        };
      }
      this.logger.warn(
        { session: this.name, err: error.message, code: (error as { code?: string }).code },
        'relay session socket error',
      );
    });
    socket.on('close', (code, reason) =>
      code === 1006 && this.localCloseCause
        ? this.onClose(this.localCloseCause.code, this.localCloseCause.reason)
        : this.onClose(code, reason.toString()),
    );
    if (socket.readyState === WebSocket.CLOSED) this.onClose(1006, 'socket already closed');
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sets the handler for frames that are not replies to our requests. */
  onFrame(handler: FrameHandler): this {
    this.handler = handler;
    return this;
  }

  /**
   * Sends a frame and returns it as sent. An id is made when none is given, and so is a
   * traceparent: a reply continues the trace of the frame it answers, anything else starts a
   * new trace. Throws a
   * RelayProtocolError for a frame over the maximum size (nothing is sent, the session stays
   * open) and a RelayConnectionClosedError when the socket is not open.
   */
  send(frame: OutgoingFrame): SessionFrame {
    const complete: SessionFrame = {
      ...frame,
      id: frame.id ?? newFrameId(),
      traceparent: frame.traceparent ?? this.traceFor(frame.replyTo),
    };
    const checked = sessionFrameSchema.safeParse(complete);
    if (!checked.success) {
      throw new RelayProtocolError(
        'malformed_frame',
        `${this.name}: refusing to send an invalid frame: ${describeIssues(checked.error.issues)}`,
        { phase: 'session' },
      );
    }
    const text = JSON.stringify(complete);
    const size = Buffer.byteLength(text);
    if (size > this.maxFrameBytes) {
      throw new RelayProtocolError(
        'frame_too_large',
        `${this.name}: ${complete.kind} frame ${complete.id} is ${size} bytes, over the maximum of ${this.maxFrameBytes}`,
        { phase: 'session' },
      );
    }
    if (!this.isOpen) {
      throw new RelayConnectionClosedError(
        `${this.name}: cannot send ${complete.kind} frame, the socket is not open`,
        this.closedInfo?.code,
        { phase: 'session' },
      );
    }
    this.socket.send(text);
    if (complete.replyTo !== undefined) this.replyTraces.delete(complete.replyTo);
    return complete;
  }

  /** The traceparent for a frame sent without one. */
  private traceFor(replyTo: string | undefined): string {
    const incoming = replyTo === undefined ? undefined : this.replyTraces.get(replyTo);
    return incoming ? continueTrace(incoming) : newTraceparent();
  }

  /** Remembers a received frame's traceparent for its reply; the oldest go first. */
  private rememberTrace(frame: SessionFrame): void {
    this.replyTraces.set(frame.id, frame.traceparent);
    if (this.replyTraces.size > REPLY_TRACES_KEPT) {
      const oldest = this.replyTraces.keys().next().value;
      if (oldest !== undefined) this.replyTraces.delete(oldest);
    }
  }

  /**
   * Sends a frame and resolves with the frame whose `replyTo` is its id (whatever its kind; an
   * `error` reply is a reply). Rejects with RelayTimeoutError when none comes in time and with
   * RelayConnectionClosedError when the socket closes first.
   */
  request(frame: OutgoingFrame, options: { timeoutMs?: number } = {}): Promise<SessionFrame> {
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    let sent: SessionFrame;
    try {
      sent = this.send(frame);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(sent.id);
        reject(
          new RelayTimeoutError(
            `${this.name}: no reply to ${sent.kind} frame ${sent.id} within ${timeoutMs} ms`,
            { phase: 'session' },
          ),
        );
      }, timeoutMs);
      this.pending.set(sent.id, { resolve, reject, timer });
    });
  }

  /** Sends a `ping` and resolves with the round-trip time in ms: health proven by traffic. */
  async ping(options: { timeoutMs?: number; traceparent?: string } = {}): Promise<number> {
    const started = performance.now();
    await this.request(
      { kind: 'ping', ...(options.traceparent ? { traceparent: options.traceparent } : {}) },
      options,
    );
    return performance.now() - started;
  }

  /** Closes the socket (1000 by default) and resolves once it is closed. */
  close(code: number = CloseCode.normal, reason = ''): Promise<SessionClosed> {
    if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    else if (this.socket.readyState === WebSocket.OPEN) this.socket.close(code, reason);
    // A peer that never answers the close frame must not hold us: ws terminates after 30 s;
    // we do not wait that long.
    const force = setTimeout(() => this.socket.terminate(), 2000);
    force.unref();
    return this.closed.finally(() => clearTimeout(force));
  }

  /** Closes at once without a close handshake. */
  terminate(): void {
    this.socket.terminate();
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) {
      this.sendError('malformed_frame', 'session frames are JSON text frames, got a binary frame');
      return;
    }
    const text = rawDataToBuffer(data).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      this.sendError('malformed_frame', `frame is not JSON: ${(error as Error).message}`);
      return;
    }
    const parsed = sessionFrameSchema.safeParse(json);
    if (!parsed.success) {
      const { id, traceparent } = (json ?? {}) as { id?: unknown; traceparent?: unknown };
      this.sendError(
        'malformed_frame',
        `frame is not a valid session frame: ${describeIssues(parsed.error.issues)}`,
        typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : undefined,
        typeof traceparent === 'string' ? traceparent : undefined,
      );
      return;
    }
    const frame = parsed.data;

    if (frame.replyTo !== undefined) {
      const waiting = this.pending.get(frame.replyTo);
      if (waiting) {
        this.pending.delete(frame.replyTo);
        clearTimeout(waiting.timer);
        waiting.resolve(frame);
        return;
      }
    }
    if (frame.kind === 'ping') {
      this.trySend({
        kind: 'pong',
        replyTo: frame.id,
        traceparent: continueTrace(frame.traceparent),
      });
      return;
    }
    if (frame.kind === 'error') {
      // An error about one of our frames we no longer wait for (or never did): only log it.
      this.logger.warn({ session: this.name, frame }, 'relay session peer reported an error');
      if (!this.handler) return;
    }
    if (!this.handler) {
      this.sendError(
        'unhandled_frame',
        `no handler for ${frame.kind} frames`,
        frame.id,
        frame.traceparent,
      );
      return;
    }
    const handler = this.handler;
    this.rememberTrace(frame);
    Promise.resolve()
      .then(() => handler(frame, this))
      .catch((error: unknown) => {
        this.logger.error(
          { session: this.name, kind: frame.kind, id: frame.id, err: String(error) },
          'relay session frame handler failed',
        );
        this.sendError(
          'handler_failed',
          `the ${frame.kind} frame could not be handled`,
          frame.id,
          frame.traceparent,
        );
      });
  }

  /** Answers a frame with an error, continuing its trace when it carried a valid one. */
  private sendError(
    code: SessionErrorCode,
    reason: string,
    replyTo?: string,
    incomingTrace?: string,
  ): void {
    this.logger.warn({ session: this.name, code, reason, replyTo }, 'relay session frame refused');
    const body: ErrorFrameBody = { code, reason };
    this.trySend({
      kind: 'error',
      ...(replyTo ? { replyTo } : {}),
      traceparent: continueTrace(incomingTrace),
      body,
    });
  }

  private trySend(frame: OutgoingFrame): void {
    try {
      this.send(frame);
    } catch (error) {
      this.logger.debug({ session: this.name, err: String(error) }, 'relay session send skipped');
    }
  }

  private onClose(code: number, reason: string): void {
    if (this.closedInfo) return;
    this.closedInfo = { code, reason };
    const meaning = describeCloseCode(code);
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(
        new RelayConnectionClosedError(
          `${this.name}: socket closed with ${code} (${meaning}${reason ? `: ${reason}` : ''}) before a reply to frame ${id}`,
          code,
          { phase: 'session' },
        ),
      );
    }
    this.pending.clear();
    // 1000 (done) and 1001 (the peer is going away: a restart or a deploy) are the normal ends
    // of a session; anything else says something went wrong.
    const level = code === 1000 || code === 1001 ? 'info' : 'warn';
    this.logger[level]({ session: this.name, code, reason, meaning }, 'relay session closed');
    this.emit('close', this.closedInfo);
  }
}
