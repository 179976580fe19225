import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CONTROL_CHANNEL_BODY_LIMIT,
  CONTROL_CHANNEL_HEADER_LIMIT,
  CloseCode,
  parseControlMessage,
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
  readonly timer: NodeJS.Timeout;
  rendezvousKey: string;
  rendezvous?: WebSocket;
}

/**
 * HTTP mode: a sender's request to `{endpoint}/{path}` becomes a `request` for one listener,
 * and the listener's `response` (on the control channel or a rendezvous socket) goes back.
 */
export class HttpBridge {
  private readonly pending = new Map<string, PendingRequest>();
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

    // Relay authorization: query token, then ServiceBusAuthorization, then Authorization; the
    // ones used for the relay never reach the listener.
    const queryToken = url.searchParams.get('sb-hc-token') ?? undefined;
    const sbHeader = header(request, 'servicebusauthorization');
    const authHeader = header(request, 'authorization');
    const token = queryToken ?? sbHeader ?? authHeader;
    const strip = ['servicebusauthorization'];
    if (!queryToken && !sbHeader && authHeader) strip.push('authorization');
    const auth = authorize(entity, token, 'Send');
    if (!auth.ok) return this.fail(response, auth.status, auth.reason, log);

    let body: Buffer;
    try {
      body = await readBody(request, this.options.maxRequestBodyBytes);
    } catch (error) {
      return this.fail(response, 413, (error as Error).message, log);
    }

    const channel = this.pickOpen(entity.path);
    if (!channel) {
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
      requestHeaders: forwardedRequestHeaders(request.headers, strip),
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
    const address =
      `ws://${host}/$hc/${encodeURIComponent(entity.path)}?sb-hc-action=request` +
      `&sb-hc-id=${id}&sb-hc-rendezvous=${pending.rendezvousKey}`;
    fields.address = address;
    this.pending.set(id, pending);
    response.once('close', () => {
      if (this.pending.has(id)) this.cleanUp(pending);
    });

    this.options.logger.info(
      { ...log, listener: channel.id, requestId: id, bytes: body.length, viaRendezvous },
      'HTTP request routed to a listener',
    );
    if (viaRendezvous) channel.sendRequest({ request: { address } }, undefined);
    else channel.sendRequest({ request: fields }, body);
  }

  /** A `response` arrived on a control channel. */
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

  /** The listener opened the rendezvous socket for a request. */
  attachRendezvous(pending: PendingRequest, socket: WebSocket): void {
    pending.rendezvous = socket;
    let awaitingBody: ResponseMessage['response'] | undefined;
    socket.on('error', () => undefined);
    socket.on('message', (data, isBinary) => {
      const buffer = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      if (isBinary) {
        if (awaitingBody) this.finish(pending, { message: awaitingBody, body: buffer });
        awaitingBody = undefined;
        return;
      }
      const parsed = parseControlMessage(buffer.toString('utf8'));
      if (parsed.kind !== 'response' || parsed.message.response.requestId !== pending.id) return;
      if (parsed.message.response.body) awaitingBody = parsed.message.response;
      else this.finish(pending, { message: parsed.message.response, body: undefined });
    });
    if (pending.viaRendezvous) {
      socket.send(JSON.stringify({ request: pending.fields }));
      if (pending.body.length > 0) socket.send(pending.body);
    }
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

  private pickOpen(entity: string): ControlChannel | undefined {
    for (let i = 0; i < this.options.listeners.count(entity); i += 1) {
      const channel = this.options.listeners.pick(entity);
      if (channel?.isOpen) return channel;
    }
    return undefined;
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
    // Azure keeps a rendezvous while the sender's HTTP connection lasts; the emulator serves one
    // request per rendezvous, which a listener must handle anyway (the service may drop it).
    if (pending.rendezvous?.readyState === WebSocket.OPEN) {
      pending.rendezvous.close(CloseCode.normal, 'response delivered');
    }
  }
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
