import WebSocket from 'ws';
import { parseControlMessage, type RequestMessage } from './control-frames';
import {
  HttpRequestAssembler,
  needsRendezvous,
  responseFrames,
  type RelayHttpRequest,
  type RelayRequestHandler,
} from './http-mode';
import { openRelaySocket } from './open-socket';
import { rawDataToBuffer } from './raw-data';
import type { RelayLogger } from './relay-logger';

export interface ListenerHttpOptions {
  /** The hybrid connection's name, for logs. */
  readonly path: string;
  readonly logger: RelayLogger;
  /** Answers requests; without it they get 501. */
  readonly onRequest?: RelayRequestHandler;
  readonly handshakeTimeoutMs: number;
  /** The listener's stop signal at the time a rendezvous is opened. */
  readonly signal: () => AbortSignal | undefined;
  /** Whether a socket is the current control channel, where responses are size-limited. */
  readonly isControlChannel: (socket: WebSocket) => boolean;
  /** Hands a rendezvous socket to the listener, which closes it on stop. */
  readonly track: (socket: WebSocket) => void;
  /** Whether a rendezvous address is on the relay the listener is connected to. */
  readonly isOnRelay: (address: string) => boolean;
}

/** What the listener feeds in from one control channel. */
export interface ControlChannelHttp {
  /** A `request` control message. */
  request(fields: RequestMessage['request']): void;
  /** A binary frame; false when no request announced a body. */
  body(data: Buffer): boolean;
}

/**
 * The listener's HTTP mode: runs the handler for each request that arrives on the control channel
 * or a rendezvous socket, and sends the response back the way the document says: on the socket
 * the request came on, or over the request's rendezvous address when it is too large for the
 * control channel (body over 64 kB, headers over 32 kB).
 */
export class ListenerHttp {
  /** Rendezvous addresses of control-channel requests whose bodies are still arriving. */
  private readonly pendingAddresses = new Map<string, string>();

  constructor(private readonly options: ListenerHttpOptions) {}

  forControlChannel(control: WebSocket): ControlChannelHttp {
    const assembler = new HttpRequestAssembler();
    return {
      request: (fields) => {
        const complete = assembler.request(fields);
        if (complete === 'rendezvous') {
          void this.serveRendezvous(fields.address, undefined);
          return;
        }
        if (complete) void this.answer(complete, control, fields.address);
        else this.pendingAddresses.set(fields.id ?? '', fields.address);
      },
      body: (data) => {
        const request = assembler.body(data);
        if (request) void this.answer(request, control);
        return request !== undefined;
      },
    };
  }

  /** Runs the handler and sends its response on `socket`, or via rendezvous when too large. */
  private async answer(
    request: RelayHttpRequest,
    socket: WebSocket,
    address = this.pendingAddresses.get(request.id),
  ): Promise<void> {
    this.pendingAddresses.delete(request.id);
    const { logger } = this.options;
    const log = { path: this.options.path, requestId: request.id, method: request.method };
    let response;
    try {
      response = this.options.onRequest
        ? await this.options.onRequest(request)
        : { statusCode: 501, statusDescription: 'Not Implemented' };
    } catch (error) {
      logger.error({ ...log, err: String(error) }, 'relay request handler failed');
      response = { statusCode: 500, statusDescription: 'Internal Server Error' };
    }
    const { message, body } = responseFrames(request.id, response);
    if (this.options.isControlChannel(socket) && needsRendezvous(message, body)) {
      if (!address) {
        logger.error(log, 'response too large for the control channel and no address');
        return;
      }
      void this.serveRendezvous(address, { message, body });
      return;
    }
    if (socket.readyState !== WebSocket.OPEN) {
      logger.warn(log, 'socket closed before the response could be sent');
      return;
    }
    socket.send(JSON.stringify(message));
    if (body) socket.send(body);
  }

  /**
   * Opens a rendezvous socket: to send a response too large for the control channel, or to
   * receive a request that was. Later requests on that socket are answered on it too.
   */
  private async serveRendezvous(
    address: string,
    first: ReturnType<typeof responseFrames> | undefined,
  ): Promise<void> {
    const { logger } = this.options;
    const log = { path: this.options.path, address: redact(address) };
    if (!this.options.isOnRelay(address)) {
      logger.error(log, 'relay sent a rendezvous address on another host than its own; ignored');
      return;
    }
    let socket: WebSocket;
    try {
      socket = await openRelaySocket(address, {
        phase: 'rendezvous',
        purpose: `HTTP rendezvous on "${this.options.path}"`,
        timeoutMs: this.options.handshakeTimeoutMs,
        signal: this.options.signal(),
      });
    } catch (error) {
      logger.error({ ...log, err: String(error) }, 'relay listener could not open rendezvous');
      return;
    }
    this.options.track(socket);
    socket.on('error', (error) => logger.warn({ ...log, err: error.message }, 'rendezvous error'));
    const assembler = new HttpRequestAssembler();
    socket.on('message', (data, isBinary) => {
      const buffer = rawDataToBuffer(data);
      if (isBinary) {
        const request = assembler.body(buffer);
        if (request) void this.answer(request, socket);
        return;
      }
      const parsed = parseControlMessage(buffer.toString('utf8'));
      if (parsed.kind !== 'request') {
        logger.warn({ ...log, kind: parsed.kind }, 'unexpected frame on HTTP rendezvous');
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

/** Addresses may carry tokens; logs keep only where they point. */
export function redact(address: string): string {
  try {
    const url = new URL(address);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(invalid address)';
  }
}
