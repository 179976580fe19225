/**
 * The URLs of the Hybrid Connections protocol, built from an endpoint and an entity path.
 *
 * The endpoint alone decides where the code talks to: `wss://<namespace>.servicebus.windows.net`
 * for Azure, `ws://127.0.0.1:<port>` for the emulator.
 */

export type RelayAction = 'listen' | 'connect' | 'accept' | 'request';

export interface RelayAddressOptions {
  readonly endpoint: string;
  /** The hybrid connection's name, optionally followed by `/suffix` for connect. */
  readonly path: string;
  readonly action: 'listen' | 'connect';
  /** `sb-hc-id`, for end-to-end diagnostic tracing. */
  readonly id?: string;
  /** A SAS token, sent as `sb-hc-token` (omit it when it travels in a header instead). */
  readonly token?: string;
  /** Extra application query parameters (connect only; passed through to the listener). */
  readonly query?: Readonly<Record<string, string>>;
}

/** Parses and checks an endpoint: ws:// or wss://, no path. */
export function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(`relay endpoint "${endpoint}" is not a URL`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new TypeError(`relay endpoint "${endpoint}" must use ws:// or wss://`);
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new TypeError(`relay endpoint "${endpoint}" must not have a path`);
  }
  return url;
}

/**
 * Whether a rendezvous address the relay sent (`accept.address`, `request.address`) is on the
 * relay the listener is connected to: same scheme, host and port. A relay (or anyone who can
 * write on the control channel) could otherwise send the listener, inside the hospital network,
 * to any host it can reach.
 */
export function isOnRelay(address: string, endpoint: string): boolean {
  try {
    const target = new URL(address);
    const relay = parseEndpoint(endpoint);
    return target.protocol === relay.protocol && target.host === relay.host;
  } catch {
    return false;
  }
}

function encodePath(path: string): string {
  return path
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .map(encodeURIComponent)
    .join('/');
}

/**
 * `{endpoint}/$hc/{path}?[query&]sb-hc-action=...[&sb-hc-id=...][&sb-hc-token=...]`
 *
 * Every query value is encoded with encodeURIComponent, as Microsoft's Node clients (hyco-ws,
 * hyco-https) encode `sb-hc-token`: a space is `%20`. URLSearchParams would write `+`, which a
 * server that reads the query as RFC 3986 percent-encoding takes for a literal plus, breaking
 * the token's `SharedAccessSignature ` prefix.
 */
export function hybridConnectionUrl({
  endpoint,
  path,
  action,
  id,
  token,
  query,
}: RelayAddressOptions): string {
  const url = parseEndpoint(endpoint);
  const parameters: Array<[string, string]> = [
    ...Object.entries(query ?? {}).filter(([name]) => !name.toLowerCase().startsWith('sb-hc-')),
    ['sb-hc-action', action],
    ...(id ? [['sb-hc-id', id] as [string, string]] : []),
    ...(token ? [['sb-hc-token', token] as [string, string]] : []),
  ];
  const search = parameters
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return `${url.protocol}//${url.host}/$hc/${encodePath(path)}?${search}`;
}

/**
 * The audience a token is signed for: `http://{host}/{entity}/`, exactly as Microsoft's clients
 * normalise it (Microsoft.Azure.Relay TokenProvider.NormalizeAudience: scheme `http`, default
 * port, no query, trailing slash; hyco-ws likewise forces `http`). Azure validates `sr` as the
 * client sent it; the emulator accepts this form and the older `https://{host}/{entity}` alike.
 */
export function resourceUri(endpoint: string, path: string): string {
  const url = parseEndpoint(endpoint);
  const entity = encodePath(path).split('/')[0] ?? '';
  return `http://${url.hostname}/${entity}/`;
}

/** The HTTP-mode address of an entity: `http(s)://{host}/{path}` (no `$hc`). */
export function httpUrl(endpoint: string, path: string): string {
  const url = parseEndpoint(endpoint);
  const scheme = url.protocol === 'wss:' ? 'https' : 'http';
  return `${scheme}://${url.host}/${encodePath(path)}`;
}

/**
 * The rejection form of an accept address. The document says to append `sb-hc-statusCode` and
 * `sb-hc-statusDescription` to the address as given, so the address is not parsed and rebuilt:
 * that would drop a default port or re-encode the service's query, and the address is the
 * service's, not ours to normalise.
 */
export function rejectionUrl(
  acceptAddress: string,
  statusCode: number,
  description: string,
): string {
  const separator = acceptAddress.includes('?') ? '&' : '?';
  return (
    `${acceptAddress}${separator}sb-hc-statusCode=${statusCode}` +
    `&sb-hc-statusDescription=${encodeURIComponent(description)}`
  );
}

/**
 * Statuses a sender reads as the relay's own answer, not the listener's: 401/403/404 (token,
 * right, entity), 410 (the rejection handshake itself), 502/504 (listener unreachable, timed
 * out). A listener rejecting with one of them would send the sender looking for the wrong fault.
 */
const RELAY_RESERVED_STATUSES = new Set([401, 403, 404, 410, 502, 504]);

/** The status to reject with: the listener's, or 400 when it is reserved or not a 4xx/5xx. */
export function senderSafeRejectionStatus(statusCode: number): number {
  const usable = Number.isInteger(statusCode) && statusCode >= 400 && statusCode <= 599;
  return usable && !RELAY_RESERVED_STATUSES.has(statusCode) ? statusCode : 400;
}
