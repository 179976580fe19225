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

/**
 * Request headers as the listener sees them: hop-by-hop and relay authorization removed, names
 * as the sender wrote them. Azure passes the sender's case ("X-Trace-Id"), so the emulator reads
 * Node's `rawHeaders` rather than its lower-cased `headers`; repeated headers are joined with
 * ", " under the first spelling.
 */
export function forwardedRequestHeaders(
  rawHeaders: readonly string[],
  strip: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  const spelling = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) || strip.includes(lower)) continue;
    const first = spelling.get(lower);
    if (first === undefined) {
      spelling.set(lower, name);
      out[name] = value;
    } else {
      out[first] = `${out[first]}, ${value}`;
    }
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
