import {
  generateEncryptionKey,
  generateGatewayKeySet,
  generateSigningKey,
  newKid,
  publicJwk,
  publicJwks,
} from './generate-keys';
import {
  GatewayPrivateJwks,
  GatewayPublicJwks,
  PrivateEncryptionJwk,
  PrivateSigningJwk,
  PublicJwk,
} from './key-schemas';

describe('generating keys', () => {
  it('makes a private ES256 signing key with a kid, valid by its schema', async () => {
    const key = await generateSigningKey();
    expect(PrivateSigningJwk.parse(key)).toEqual(key);
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig', alg: 'ES256' });
    expect(key.kid).toMatch(/^\d{8}-[0-9a-f]{8}-sig$/);
  });

  it('makes a private ECDH-ES encryption key, and takes the kid it is given', async () => {
    const key = await generateEncryptionKey('gw-1-next');
    expect(PrivateEncryptionJwk.parse(key)).toEqual(key);
    expect(key).toMatchObject({ kid: 'gw-1-next', use: 'enc', alg: 'ECDH-ES' });
  });

  it('makes a different key each time', async () => {
    const [a, b] = await Promise.all([generateSigningKey('a'), generateSigningKey('b')]);
    expect(a.d).not.toBe(b.d);
    expect(a.x).not.toBe(b.x);
  });

  it('names kids by day, a random stem and the use', () => {
    expect(newKid('enc', new Date('2026-12-04T23:59:00Z'), 'abcd1234')).toBe(
      '20261204-abcd1234-enc',
    );
    expect(newKid('sig')).not.toBe(newKid('sig'));
  });

  it('gives the public half without any private member', async () => {
    const key = await generateSigningKey('k');
    const half = publicJwk(key);
    expect(half).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: key.x,
      y: key.y,
      kid: 'k',
      use: 'sig',
      alg: 'ES256',
    });
    expect(PublicJwk.parse(half)).toEqual(half);
  });

  it('keeps the order of a set when taking its public halves', async () => {
    const set = { keys: [await generateEncryptionKey('next'), await generateSigningKey('now')] };
    expect(publicJwks(set).keys.map((key) => key.kid)).toEqual(['next', 'now']);
  });

  it('makes a gateway key set: a signing and an encryption key sharing a kid stem', async () => {
    const set = await generateGatewayKeySet(new Date('2026-12-04T10:00:00Z'));
    const [sig, enc] = set.privateKeys.keys;
    expect(sig.kid).toMatch(/^20261204-[0-9a-f]{8}-sig$/);
    expect(enc.kid).toBe(sig.kid.replace(/-sig$/, '-enc'));
    expect(GatewayPrivateJwks.parse(set.privateKeys)).toEqual(set.privateKeys);
    expect(GatewayPublicJwks.parse(set.publicKeys)).toEqual(set.publicKeys);
    expect(set.publicKeys.keys).toEqual([publicJwk(sig), publicJwk(enc)]);
    expect(JSON.stringify(set.publicKeys)).not.toContain('"d"');
  });
});
