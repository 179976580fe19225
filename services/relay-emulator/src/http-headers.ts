import type { IncomingHttpHeaders } from 'node:http';

/**
 * Headers that describe one HTTP hop (RFC 7230) and so never cross the relay, in either
 * direction. `Via` is the exception the document names: it is kept and annotated.
 */
const hopByHop = new Set([
  'connection',
  'content-length',
  'host',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'close',
  'keep-alive',
  'proxy-connection',
]);

/** Request headers as the listener sees them: hop-by-hop and relay authorization removed. */
export function forwardedRequestHeaders(
  headers: IncomingHttpHeaders,
  strip: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || hopByHop.has(lower) || strip.includes(lower)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Response headers from the listener, with hop-by-hop ones dropped. */
export function forwardedResponseHeaders(
  headers: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !hopByHop.has(name.toLowerCase())),
  );
}

/** Adds this relay to `Via` (RFC 7230 section 5.7.1), as Azure adds the namespace host name. */
export function withVia(headers: Record<string, string>, host: string): Record<string, string> {
  const existing = Object.entries(headers).find(([name]) => name.toLowerCase() === 'via');
  const rest = Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'via'),
  );
  return { ...rest, Via: existing ? `${existing[1]}, 1.1 ${host}` : `1.1 ${host}` };
}
