import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  CONTROL_CHANNEL_BODY_LIMIT,
  CONTROL_CHANNEL_HEADER_LIMIT,
  CloseCode,
  HttpResponseAssembler,
  parseControlMessage,
  rawDataToBuffer,
  type RequestMessage,
  type ResponseMessage,
} from '@mbs/relay';
import type { Logger } from '@mbs/telemetry';
import WebSocket from 'ws';
import { authorize } from './authorize';
import type { ControlChannel } from './control-channel';
import type { HybridConnection } from './entities';
import { toReasonPhrase } from './handshake-refusal';
import { forwardedRequestHeaders, forwardedResponseHeaders, withVia } from './http-headers';
import type { ListenerRegistry } from './listener-registry';
import { RendezvousRegistry } from './rendezvous-registry';

export interface HttpBridgeOptions {
  readonly findEntity: (path: string) => HybridConnection | undefined;
  readonly listeners: ListenerRegistry<ControlChannel>;
  readonly logger: Logger;
  /** How long a listener has to answer. Azure: 60 s, then 504. */
  readonly responseTimeoutMs: number;
  readonly rendezvousTtlMs: number;
  /** Largest request body taken from a sender. */
  readonly maxRequestBodyBytes: number;
}

interface PendingRequest {
  readonly id: string;
  readonly entity: string;
  readonly host: string;
  readonly fields: RequestMessage['request'];
  readonly body: Buffer;
  /** Too large for the control channel: the request itself goes over the rendezvous. */
  readonly viaRendezvous: boolean;
  readonly response: ServerResponse;
  /** The sender's HTTP connection: a rendezvous opened for this request stays tied to it. */
  readonly senderConnection: Socket;
  readonly timer: NodeJS.Timeout;
  rendezvousKey: string;
  rendezvous?: WebSocket;
}

/**
 * HTTP mode: a sender's request to `{endpoint}/{path}` becomes a `request` for one listener,
 * and the listener's `response` (on the control channel or a rendezvous socket) goes back.
 *
 * A rendezvous socket, once a listener opens one for a request, is kept while the sender's HTTP
 * connection lasts, and later requests on that connection travel over it instead of the control
 * channel, as the document describes. It is closed when the sender's connection closes.
 */
export class HttpBridge {
  private readonly pending = new Map<string, PendingRequest>();
  /** Open rendezvous sockets by the sender HTTP connection they serve. */
  private readonly keptRendezvous = new Map<Socket, WebSocket>();
  private readonly rendezvous: RendezvousRegistry<PendingRequest>;

  constructor(private readonly options: HttpBridgeOptions) {
    this.rendezvous = new RendezvousRegistry(options.rendezvousTtlMs);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const host = request.headers.host ?? 'relay-emulator';
    const url = new URL(request.url ?? '/', `http://${host}`);
    const [entityPath = ''] = url.pathname.split('/').filter(Boolean);
    const log = { action: 'http', entity: entityPath, method: request.method };
    const entity = this.options.findEntity(decodeURIComponent(entityPath));
    if (!entity) {
      return this.fail(
        response,
        404,
        `No hybrid connection "${entityPath}" in this namespace`,
        log,
      );
    }

    const { token, strip } = relayToken(request, url, entity.requiresClientAuthorization);
    const auth = authorize(entity, token, 'Send');
    if (!auth.ok) return this.fail(response, auth.status, auth.reason, log);

    let body: Buffer;
    try {
      body = await readBody(request, this.options.maxRequestBodyBytes);
    } catch (error) {
      return this.fail(response, 413, (error as Error).message, log);
    }

    const candidate = this.keptRendezvous.get(request.socket);
    const kept = candidate?.readyState === WebSocket.OPEN ? candidate : undefined;
    const channel = kept
      ? undefined
      : this.options.listeners.pick(entity.path, (candidate) => candidate.isOpen);
    if (!kept && !channel) {
      return this.fail(
        response,
        502,
        `No listener is connected to hybrid connection "${entity.path}"`,
        log,
      );
    }

    const id = randomUUID();
    const query = [...url.searchParams].filter(([name]) => !name.startsWith('sb-hc-'));
    const fields: RequestMessage['request'] = {
      address: '',
      id,
      requestTarget: url.pathname + (query.length ? `?${new URLSearchParams(query)}` : ''),
      method: request.method ?? 'GET',
      requestHeaders: forwardedRequestHeaders(request.rawHeaders, strip),
      body: body.length > 0,
    };
    const headerBytes = Buffer.byteLength(JSON.stringify(fields.requestHeaders));
    const viaRendezvous =
      body.length > CONTROL_CHANNEL_BODY_LIMIT || headerBytes > CONTROL_CHANNEL_HEADER_LIMIT;

    const pending: PendingRequest = {
      id,
      entity: entity.path,
      host,
      fields,
      body,
      viaRendezvous,
      response,
      senderConnection: request.socket,
      rendezvousKey: '',
      timer: setTimeout(() => {
        this.finish(pending, {
          statusCode: 504,
          statusDescription: 'Gateway Timeout',
          error: `The request was routed to the listener but the listener did not respond within ${this.options.responseTimeoutMs} ms`,
        });
      }, this.options.responseTimeoutMs),
    };
    pending.rendezvousKey = this.rendezvous.add(pending, () => undefined);
    // On the host the listener connected to (which it checks); the sender's when none is known.
    const address =
      `ws://${channel?.host ?? host}/$hc/${encodeURIComponent(entity.path)}?sb-hc-action=request` +
      `&sb-hc-id=${id}&sb-hc-rendezvous=${pending.rendezvousKey}`;
    fields.address = address;
    this.pending.set(id, pending);
    response.once('close', () => {
      if (this.pending.has(id)) this.cleanUp(pending);
    });

    if (kept) {
      this.options.logger.info(
        { ...log, requestId: id, bytes: body.length, route: 'kept rendezvous' },
        'HTTP request routed over the rendezvous of its sender connection',
      );
      pending.rendezvous = kept;
      sendRequest(kept, fields, body);
      return;
    }
    this.options.logger.info(
      {
        ...log,
        listener: channel?.id,
        requestId: id,
        bytes: body.length,
        route: viaRendezvous ? 'new rendezvous' : 'control channel',
      },
      'HTTP request routed to a listener',
    );
    if (viaRendezvous) channel?.sendRequest({ request: { address } }, undefined);
    else channel?.sendRequest({ request: fields }, body);
  }

  /** A `response` arrived on a control channel, where bodies over 64 kB are not allowed. */
  onControlResponse(message: ResponseMessage['response'], body: Buffer | undefined): void {
    const pending = this.pending.get(message.requestId);
    if (!pending) return;
    if ((body?.length ?? 0) > CONTROL_CHANNEL_BODY_LIMIT) {
      this.finish(pending, {
        statusCode: 502,
        statusDescription: 'Bad Gateway',
        error: `The listener sent a ${body?.length}-byte body on the control channel; over 64 kB must use a rendezvous`,
      });
      return;
    }
    this.finish(pending, { message, body });
  }

  /** Whether a rendezvous key belongs to a live request (else the upgrade is refused 403). */
  takeRendezvous(key: string | null): PendingRequest | undefined {
    const pending = this.rendezvous.take(key);
    return pending && this.pending.has(pending.id) ? pending : undefined;
  }

  /**
   * The listener opened the rendezvous socket for a request. The socket then serves every later
   * request of the same sender connection, so responses on it are matched by `requestId`.
   */
  attachRendezvous(pending: PendingRequest, socket: WebSocket): void {
    pending.rendezvous = socket;
    const connection = pending.senderConnection;
    if (!connection.destroyed && !this.keptRendezvous.has(connection)) {
      this.keptRendezvous.set(connection, socket);
      const closeRendezvous = () => {
        if (socket.readyState === WebSocket.OPEN) {
          socket.close(CloseCode.normal, 'the sender closed its HTTP connection');
        }
      };
      connection.once('close', closeRendezvous);
      socket.once('close', () => {
        connection.off('close', closeRendezvous);
        if (this.keptRendezvous.get(connection) === socket) this.keptRendezvous.delete(connection);
      });
    }
    const responses = new HttpResponseAssembler();
    socket.on('error', () => undefined);
    socket.on('message', (data, isBinary) => {
      const buffer = rawDataToBuffer(data);
      if (isBinary) {
        const complete = responses.body(buffer);
        if (complete) this.onResponse(complete.fields, complete.body);
        return;
      }
      const parsed = parseControlMessage(buffer.toString('utf8'));
      if (parsed.kind !== 'response') return;
      const complete = responses.response(parsed.message.response);
      if (complete) this.onResponse(complete.fields, undefined);
    });
    if (pending.viaRendezvous) sendRequest(socket, pending.fields, pending.body);
  }

  /** A `response` arrived on a rendezvous socket: answers whichever request it names. */
  private onResponse(message: ResponseMessage['response'], body: Buffer | undefined): void {
    const pending = this.pending.get(message.requestId);
    if (pending) this.finish(pending, { message, body });
  }

  close(): void {
    for (const pending of [...this.pending.values()]) {
      this.finish(pending, {
        statusCode: 503,
        statusDescription: 'Service Unavailable',
        error: 'The relay emulator is shutting down',
      });
    }
    this.rendezvous.clear();
  }

  private fail(
    response: ServerResponse,
    status: number,
    reason: string,
    log: Record<string, unknown>,
  ): void {
    this.options.logger.warn(
      { ...log, outcome: 'refused', status, reason },
      'HTTP request refused',
    );
    response.writeHead(status, toReasonPhrase(reason), { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ error: { code: status, message: reason } }));
  }

  private finish(
    pending: PendingRequest,
    outcome:
      | { message: ResponseMessage['response']; body: Buffer | undefined }
      | { statusCode: number; statusDescription: string; error: string },
  ): void {
    if (!this.pending.has(pending.id)) return;
    this.cleanUp(pending);
    const { response } = pending;
    if (response.headersSent || response.destroyed) return;
    if ('error' in outcome) {
      this.options.logger.warn(
        {
          action: 'http',
          entity: pending.entity,
          requestId: pending.id,
          status: outcome.statusCode,
          reason: outcome.error,
        },
        'HTTP request failed',
      );
      const text = JSON.stringify({ error: { code: outcome.statusCode, message: outcome.error } });
      response.writeHead(outcome.statusCode, outcome.statusDescription, {
        'Content-Type': 'application/json',
      });
      response.end(text);
      return;
    }
    const { message, body } = outcome;
    if (message.statusCode === 502 || message.statusCode === 504) {
      // The document reserves these for the service (listener unreachable, listener timeout);
      // a listener must not send them, so the sender would otherwise blame the relay.
      this.options.logger.warn(
        { action: 'http', entity: pending.entity, requestId: pending.id, status: 502 },
        `listener answered ${message.statusCode}, which only the service may send`,
      );
      const text = JSON.stringify({
        error: {
          code: 502,
          message: `The listener answered with status ${message.statusCode}, which listeners must not send (the service reserves 502 and 504)`,
        },
      });
      response.writeHead(502, 'Bad Gateway', { 'Content-Type': 'application/json' });
      response.end(text);
      return;
    }
    const headers = withVia(forwardedResponseHeaders(message.responseHeaders), pending.host);
    response.writeHead(
      message.statusCode,
      ...(message.statusDescription ? [message.statusDescription] : []),
      headers,
    );
    response.end(body);
    this.options.logger.info(
      {
        action: 'http',
        entity: pending.entity,
        requestId: pending.id,
        status: message.statusCode,
        bytes: body?.length ?? 0,
      },
      'HTTP response returned to the sender',
    );
  }

  private cleanUp(pending: PendingRequest): void {
    clearTimeout(pending.timer);
    this.pending.delete(pending.id);
    this.rendezvous.cancel(pending.rendezvousKey);
    // The rendezvous socket is not closed here: it belongs to the sender's HTTP connection.
  }
}

/** A complete `request` (and its body) over a rendezvous socket. */
function sendRequest(socket: WebSocket, fields: RequestMessage['request'], body: Buffer): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  socket.send(JSON.stringify({ request: fields }));
  if (body.length > 0) socket.send(body);
}

/**
 * The token a sender gives the relay, and the headers that carried relay authorization and so
 * must not reach the listener. The token is looked for in `sb-hc-token`, then
 * `ServiceBusAuthorization`, then `Authorization`; `sb-hc-*` query parameters never reach the
 * listener anyway. Where client authorization is off, `Authorization` is the application's own
 * header (the relay takes no token from it) and passes through untouched.
 */
function relayToken(
  request: IncomingMessage,
  url: URL,
  requiresClientAuthorization: boolean,
): { token: string | undefined; strip: string[] } {
  const queryToken = url.searchParams.get('sb-hc-token') ?? undefined;
  const sbHeader = header(request, 'servicebusauthorization');
  const strip = ['servicebusauthorization'];
  if (!requiresClientAuthorization) return { token: queryToken ?? sbHeader, strip };
  const authHeader = header(request, 'authorization');
  if (!queryToken && !sbHeader && authHeader) strip.push('authorization');
  return { token: queryToken ?? sbHeader ?? authHeader, strip };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`request body is over the ${limit}-byte limit`));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
