import { createHmac } from 'node:crypto';
import { createSasToken, parseSasToken, validateSasToken } from './sas-token';

const resourceUri = 'https://contoso.servicebus.windows.net/gateway-a';
const now = Date.UTC(2026, 0, 1);
const keyFor = (name: string) => (name === 'send' ? 'secret-key' : undefined);

describe('SAS tokens', () => {
  it('builds the documented form: sr, sig over urlenc(resource) + "\\n" + expiry, se, skn', () => {
    const token = createSasToken({
      resourceUri,
      keyName: 'send',
      key: 'secret-key',
      ttlSeconds: 60,
      now,
    });
    const expiry = now / 1000 + 60;
    const encoded = encodeURIComponent(resourceUri);
    const signature = createHmac('sha256', 'secret-key')
      .update(`${encoded}\n${expiry}`)
      .digest('base64');
    expect(token).toBe(
      `SharedAccessSignature sr=${encoded}&sig=${encodeURIComponent(signature)}&se=${expiry}&skn=send`,
    );
  });

  it('matches a known-answer vector computed outside this code', () => {
    // Computed once with OpenSSL, not with node:crypto, so a shared mistake cannot hide:
    //   printf 'https%%3A%%2F%%2Fcontoso.servicebus.windows.net%%2Fgateway-a\n1767225660' \
    //     | openssl dgst -sha256 -hmac 'secret-key' -binary | base64
    const token = createSasToken({
      resourceUri,
      keyName: 'send',
      key: 'secret-key',
      ttlSeconds: 60,
      now,
    });
    expect(token).toBe(
      'SharedAccessSignature sr=https%3A%2F%2Fcontoso.servicebus.windows.net%2Fgateway-a' +
        '&sig=zBrQMCl7J3pmUw4CVoG6hcsXaAidbd5Vold%2FONv5PHI%3D&se=1767225660&skn=send',
    );
  });

  it('validates its own tokens and reads their fields', () => {
    const token = createSasToken({
      resourceUri,
      keyName: 'send',
      key: 'secret-key',
      ttlSeconds: 60,
      now,
    });
    const result = validateSasToken(token, { keyFor, now });
    expect(result).toMatchObject({
      valid: true,
      token: { resource: resourceUri, keyName: 'send', expiresAt: now / 1000 + 60 },
    });
  });

  it('verifies the signature over sr exactly as received (other clients encode differently)', () => {
    const sr = 'http%3a%2f%2fcontoso.servicebus.windows.net%2fhyco%2f'; // lower-case escapes, as .NET writes them
    const se = now / 1000 + 60;
    const sig = createHmac('sha256', 'secret-key').update(`${sr}\n${se}`).digest('base64');
    const token = `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${se}&skn=send`;
    expect(validateSasToken(token, { keyFor, now }).valid).toBe(true);
  });

  it.each([
    ['no token', undefined, /no token/],
    ['another scheme', 'Bearer abc', /SharedAccessSignature/],
    ['a missing field', 'SharedAccessSignature sr=a&sig=b&skn=send', /missing se/],
    ['a bad expiry', 'SharedAccessSignature sr=a&sig=b&se=soon&skn=send', /whole number/],
  ])('refuses %s with the reason', (_what, token, reason) => {
    const result = validateSasToken(token, { keyFor, now });
    expect(result.valid).toBe(false);
    expect(!result.valid && result.reason).toMatch(reason);
  });

  it('refuses a wrong key, an unknown key name and an expired token', () => {
    const wrong = createSasToken({ resourceUri, keyName: 'send', key: 'other', now });
    expect(validateSasToken(wrong, { keyFor, now })).toEqual({
      valid: false,
      reason: 'signature does not match',
    });
    const unknown = createSasToken({ resourceUri, keyName: 'manage', key: 'secret-key', now });
    expect(validateSasToken(unknown, { keyFor, now })).toEqual({
      valid: false,
      reason: 'unknown key name "manage"',
    });
    const token = createSasToken({
      resourceUri,
      keyName: 'send',
      key: 'secret-key',
      ttlSeconds: 60,
      now,
    });
    const later = validateSasToken(token, { keyFor, now: now + 60_000 });
    expect(later.valid).toBe(false);
    expect(!later.valid && later.reason).toMatch(/expired at 2026-01-01T00:01:00.000Z/);
  });

  it('refuses a token whose signature was tampered with for a longer expiry', () => {
    const token = createSasToken({
      resourceUri,
      keyName: 'send',
      key: 'secret-key',
      ttlSeconds: 60,
      now,
    });
    const extended = token.replace(/se=\d+/, `se=${now / 1000 + 999_999}`);
    expect(validateSasToken(extended, { keyFor, now }).valid).toBe(false);
  });

  it('parses fields without checking them', () => {
    expect(parseSasToken('SharedAccessSignature sr=a%2Fb&sig=c%3D&se=5&skn=k')).toEqual({
      encodedResource: 'a%2Fb',
      resource: 'a/b',
      signature: 'c=',
      expiresAt: 5,
      keyName: 'k',
    });
  });
});
