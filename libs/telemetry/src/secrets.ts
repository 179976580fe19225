/**
 * Credentials that travel in URLs and must never reach a trace or a log: an Azure Relay SAS token
 * (`sb-hc-token=SharedAccessSignature sr=...&sig=...&se=...&skn=...`, a bearer credential valid
 * for its lifetime) and any `sig=` signature. The relay library sends its token in a header;
 * these are the second line, for a URL that carries one all the same.
 */

/**
 * Query parameters whose values OpenTelemetry's HTTP instrumentation replaces with `REDACTED` in
 * `url.full` and `url.query`: its own defaults (cloud storage signatures), and the relay token.
 */
export const REDACTED_QUERY_PARAMETERS: readonly string[] = [
  'sig',
  'Signature',
  'AWSAccessKeyId',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
  'sb-hc-token',
];

const patterns: ReadonlyArray<[RegExp, string]> = [
  // A token parameter first, whole; then a bare token, however it is encoded ("%20", "+").
  [/(sb-hc-token=)(?:SharedAccessSignature(?:\s|%20|\+))?[^&\s"'<>]*/gi, '$1REDACTED'],
  [/SharedAccessSignature(?:\s|%20|\+)[^\s"'<>,;]*/gi, 'SharedAccessSignature REDACTED'],
  [/([?&\s]sig=)[^&\s"'<>]*/gi, '$1REDACTED'],
  [/((?:%26|%3F)sig%3D)[^&\s"'<>%]*/gi, '$1REDACTED'],
];

/** A quick test first: most text carries no credential, and logging must stay cheap. */
const suspicious = /sharedaccesssignature|sb-hc-token|sig(?:=|%3d)/i;

/** The text with every relay token and signature replaced by `REDACTED`. */
export function redactSecrets(text: string): string {
  if (!suspicious.test(text)) return text;
  return patterns.reduce(
    (result, [pattern, replacement]) => result.replace(pattern, replacement),
    text,
  );
}

/** A log line's fields with every string (nested too, to a few levels) passed through redactSecrets. */
export function redactSecretsIn<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactSecretsIn(item, depth + 1)) as T;
  if (value instanceof Error) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = redactSecretsIn(item, depth + 1);
  return copy as T;
}
