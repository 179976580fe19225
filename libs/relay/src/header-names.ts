/**
 * Header maps as the listener hands them to application code: names in lower case.
 *
 * Azure passes `connectHeaders` and `requestHeaders` with the names as the sender wrote them
 * ("X-Trace-Id"), and so does the emulator; a relay built on Node's parsed headers would pass them
 * in lower case. Lower-casing here makes `headers['x-trace-id']` find the header against any. Names that differ only
 * in case are joined with ", " as HTTP allows for repeated headers (RFC 9110 section 5.3).
 */
export function withLowerCaseNames(
  headers: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    out[lower] = lower in out ? `${out[lower]}, ${value}` : value;
  }
  return out;
}
