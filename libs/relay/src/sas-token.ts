import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Shared Access Signature tokens, as Azure Relay (Service Bus) defines them:
 * `SharedAccessSignature sr=<urlenc resource>&sig=<urlenc base64 HMAC-SHA256>&se=<unix s>&skn=<key name>`,
 * where the signature covers `urlenc(resource) + "\n" + expiry`, keyed with the key's UTF-8 bytes.
 */

const PREFIX = 'SharedAccessSignature ';

export interface CreateSasTokenOptions {
  /** The resource the token is for, e.g. `https://contoso.servicebus.windows.net/gateway-a`. */
  readonly resourceUri: string;
  readonly keyName: string;
  readonly key: string;
  /** Lifetime in seconds from `now`. Default 3600. */
  readonly ttlSeconds?: number;
  /** Clock, in milliseconds since the epoch (tests pass a fixed one). Default `Date.now()`. */
  readonly now?: number;
}

/** Parsed fields of a token; `sr` stays url-encoded exactly as received (it is what was signed). */
export interface SasTokenFields {
  readonly encodedResource: string;
  readonly resource: string;
  readonly signature: string;
  readonly expiresAt: number;
  readonly keyName: string;
}

export function createSasToken({
  resourceUri,
  keyName,
  key,
  ttlSeconds = 3600,
  now = Date.now(),
}: CreateSasTokenOptions): string {
  const expiry = Math.floor(now / 1000) + Math.round(ttlSeconds);
  const encodedResource = encodeURIComponent(resourceUri);
  const signature = sign(encodedResource, expiry, key);
  return (
    `${PREFIX}sr=${encodedResource}&sig=${encodeURIComponent(signature)}` +
    `&se=${expiry}&skn=${encodeURIComponent(keyName)}`
  );
}

/** Reads a token's fields, or returns a reason it is malformed. Does not check the signature. */
export function parseSasToken(token: string): SasTokenFields | { readonly malformed: string } {
  if (!token.startsWith(PREFIX))
    return { malformed: 'does not start with "SharedAccessSignature "' };
  const fields = new Map<string, string>();
  for (const pair of token.slice(PREFIX.length).trim().split('&')) {
    const at = pair.indexOf('=');
    if (at <= 0) return { malformed: `field "${pair}" has no value` };
    fields.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  const skn = fields.get('skn');
  const missing = [
    ['sr', sr],
    ['sig', sig],
    ['se', se],
    ['skn', skn],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length > 0 || !sr || !sig || !se || !skn) {
    return { malformed: `missing ${missing.join(', ')}` };
  }
  if (!/^\d+$/.test(se)) return { malformed: 'se is not a whole number of seconds' };
  try {
    return {
      encodedResource: sr,
      resource: decodeURIComponent(sr),
      signature: decodeURIComponent(sig),
      expiresAt: Number(se),
      keyName: decodeURIComponent(skn),
    };
  } catch {
    return { malformed: 'a field is not valid url-encoding' };
  }
}

export type SasValidation =
  | { readonly valid: true; readonly token: SasTokenFields }
  | { readonly valid: false; readonly reason: string };

export interface ValidateSasTokenOptions {
  /** The key for a key name, or undefined when no such key exists. */
  readonly keyFor: (keyName: string) => string | undefined;
  /** Clock, in milliseconds since the epoch. Default `Date.now()`. */
  readonly now?: number;
}

/**
 * Checks a token's form, signature and expiry. Rights and whether `sr` covers the entity are the
 * caller's business (the emulator knows its entities; a library does not).
 *
 * The signature is verified over `sr` exactly as received: clients differ on `http` vs `https`
 * and on encoding case, and Azure signs whatever bytes the client sent.
 */
export function validateSasToken(
  token: string | undefined,
  { keyFor, now = Date.now() }: ValidateSasTokenOptions,
): SasValidation {
  if (!token) return { valid: false, reason: 'no token was given' };
  const parsed = parseSasToken(token);
  if ('malformed' in parsed)
    return { valid: false, reason: `malformed token: ${parsed.malformed}` };
  const key = keyFor(parsed.keyName);
  if (key === undefined) return { valid: false, reason: `unknown key name "${parsed.keyName}"` };
  const expected = Buffer.from(sign(parsed.encodedResource, parsed.expiresAt, key));
  const given = Buffer.from(parsed.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { valid: false, reason: 'signature does not match' };
  }
  if (parsed.expiresAt * 1000 <= now) {
    return {
      valid: false,
      reason: `token expired at ${new Date(parsed.expiresAt * 1000).toISOString()}`,
    };
  }
  return { valid: true, token: parsed };
}

function sign(encodedResource: string, expiry: number, key: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8'))
    .update(`${encodedResource}\n${expiry}`)
    .digest('base64');
}
