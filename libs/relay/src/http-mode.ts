import type { RequestMessage, ResponseMessage } from './control-frames';
import { withLowerCaseNames } from './header-names';

/**
 * HTTP mode of Hybrid Connections: a sender's HTTP request reaches the listener as a `request`
 * control message plus binary body frames, and the listener answers with `response` plus body.
 */

/** Bodies (and headers) above these sizes cannot travel on the control channel. */
export const CONTROL_CHANNEL_BODY_LIMIT = 64 * 1024;
export const CONTROL_CHANNEL_HEADER_LIMIT = 32 * 1024;

export interface RelayHttpRequest {
  readonly id: string;
  readonly method: string;
  /**
   * The document's `requestTarget`: the path the sender asked for, starting with the hybrid
   * connection's name (`/gateway-a/orders/7`), and its query with the `sb-hc-*` parameters
   * removed (`?x=1`).
   */
  readonly target: string;
  /** Names in lower case, whichever case the sender and the relay used (see header-names). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface RelayHttpResponse {
  readonly statusCode: number;
  readonly statusDescription?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
}

export type RelayRequestHandler = (
  request: RelayHttpRequest,
) => RelayHttpResponse | Promise<RelayHttpResponse>;

type RequestFields = RequestMessage['request'];

/**
 * Reassembles requests from the frames of one socket: a `request` text frame and, when its
 * `body` is true, the binary frame that follows (ws delivers a fragmented message whole).
 */
export class HttpRequestAssembler {
  private waitingForBody: RequestFields | undefined;

  /** Whether the next binary frame belongs to a request. */
  get expectsBody(): boolean {
    return this.waitingForBody !== undefined;
  }

  /**
   * A `request` message arrived. Returns the complete request when it has no body, `undefined`
   * when its body follows, or `'rendezvous'` when only an address was sent (too large for the
   * control channel: the full request comes over the rendezvous socket).
   */
  request(fields: RequestFields): RelayHttpRequest | 'rendezvous' | undefined {
    if (fields.method === undefined || fields.id === undefined) return 'rendezvous';
    if (fields.body) {
      this.waitingForBody = fields;
      return undefined;
    }
    return toRequest(fields, Buffer.alloc(0));
  }

  /** A binary frame arrived: the body of the request that announced one. */
  body(data: Buffer): RelayHttpRequest | undefined {
    const fields = this.waitingForBody;
    this.waitingForBody = undefined;
    return fields ? toRequest(fields, data) : undefined;
  }
}

function toRequest(fields: RequestFields, body: Buffer): RelayHttpRequest {
  return {
    id: fields.id ?? '',
    method: fields.method ?? 'GET',
    target: fields.requestTarget ?? '/',
    headers: withLowerCaseNames(fields.requestHeaders),
    body,
  };
}

type ResponseFields = ResponseMessage['response'];

/**
 * The relay's side of the same pairing: a `response` text frame and, when its `body` is true,
 * the binary frame that follows. Used wherever responses arrive (a control channel, a
 * rendezvous socket).
 */
export class HttpResponseAssembler {
  private waitingForBody: ResponseFields | undefined;

  /** A `response` arrived: complete when it has no body, else undefined until the body comes. */
  response(fields: ResponseFields): { fields: ResponseFields; body: undefined } | undefined {
    if (fields.body) {
      this.waitingForBody = fields;
      return undefined;
    }
    this.waitingForBody = undefined;
    return { fields, body: undefined };
  }

  /** A binary frame arrived: the body of the response that announced one, or a stray frame. */
  body(data: Buffer): { fields: ResponseFields; body: Buffer } | undefined {
    const fields = this.waitingForBody;
    this.waitingForBody = undefined;
    return fields ? { fields, body: data } : undefined;
  }
}

/** The `response` message and body for a handler's answer. */
export function responseFrames(
  requestId: string,
  response: RelayHttpResponse,
): { message: ResponseMessage; body: Buffer | undefined } {
  const body =
    response.body === undefined
      ? undefined
      : Buffer.isBuffer(response.body)
        ? response.body
        : Buffer.from(response.body);
  const hasBody = body !== undefined && body.length > 0;
  return {
    message: {
      response: {
        requestId,
        statusCode: response.statusCode,
        ...(response.statusDescription ? { statusDescription: response.statusDescription } : {}),
        responseHeaders: { ...response.headers },
        body: hasBody,
      },
    },
    body: hasBody ? body : undefined,
  };
}

/** Whether a response must go over a rendezvous socket instead of the control channel. */
export function needsRendezvous(message: ResponseMessage, body: Buffer | undefined): boolean {
  const headerBytes = Buffer.byteLength(JSON.stringify(message.response.responseHeaders));
  return (
    (body?.length ?? 0) > CONTROL_CHANNEL_BODY_LIMIT || headerBytes > CONTROL_CHANNEL_HEADER_LIMIT
  );
}
