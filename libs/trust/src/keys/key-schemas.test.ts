import { describeIssues } from '@mbs/errors';
import type { z } from 'zod';
import { generateEncryptionKey, generateSigningKey, publicJwk } from './generate-keys';
import {
  GatewayPublicJwks,
  PRIVATE_MEMBERS,
  PrivateJwk,
  PrivateJwks,
  PublicJwk,
  PublicJwks,
  type PrivateEncryptionJwk,
  type PrivateSigningJwk,
} from './key-schemas';

let sig: PrivateSigningJwk;
let enc: PrivateEncryptionJwk;
beforeAll(async () => {
  sig = await generateSigningKey('sig-1');
  enc = await generateEncryptionKey('enc-1');
});

function problems(schema: z.ZodType, value: unknown) {
  const { error } = schema.safeParse(value);
  return error ? describeIssues(error.issues) : '';
}

describe('key schemas', () => {
  it('accept our public and private keys of both uses', () => {
    expect(PublicJwks.parse({ keys: [publicJwk(sig), publicJwk(enc)] }).keys).toHaveLength(2);
    expect(PrivateJwks.parse({ keys: [sig, enc] }).keys).toEqual([sig, enc]);
  });

  it('drop members they do not know (WebCrypto exports add ext and key_ops)', () => {
    expect(PublicJwk.parse({ ...publicJwk(sig), ext: true, key_ops: ['verify'] })).toEqual(
      publicJwk(sig),
    );
  });

  it.each(PRIVATE_MEMBERS)(
    'refuse a public set whose key carries the private member %s',
    (member) => {
      const leaked = { keys: [{ ...publicJwk(sig), [member]: sig.d }] };
      expect(problems(PublicJwks, leaked)).toBe(
        `keys.0.${member}: is a private key member: a public key must not carry it`,
      );
    },
  );

  it('refuse a private key passed off as a public one, naming no key material', () => {
    const text = problems(PublicJwks, { keys: [enc] });
    expect(text).toBe('keys.0.d: is a private key member: a public key must not carry it');
    expect(text).not.toContain(enc.d);
  });

  it('refuse a key without a kid', () => {
    const { kid: _kid, ...nameless } = publicJwk(sig);
    expect(problems(PublicJwk, nameless)).toMatch(/^kid: /);
    expect(problems(PrivateJwk, { ...sig, kid: '' })).toBe('kid: must not be empty');
  });

  it('refuse another key type or curve', () => {
    expect(problems(PublicJwk, { ...publicJwk(sig), kty: 'RSA' })).toBe(
      'kty: must be "EC" (only EC P-256 keys are used)',
    );
    expect(problems(PublicJwk, { ...publicJwk(sig), crv: 'P-384' })).toBe('crv: must be "P-256"');
    expect(problems(PublicJwk, { ...publicJwk(sig), x: 'short' })).toBe(
      'x: must be 32 bytes in base64url',
    );
  });

  it('refuse a key whose alg is not the one for its use (never one key for both)', () => {
    expect(problems(PublicJwk, { ...publicJwk(sig), alg: 'ECDH-ES' })).toBe('alg: must be "ES256"');
    expect(problems(PrivateJwk, { ...enc, alg: 'ES256' })).toBe('alg: must be "ECDH-ES"');
    expect(problems(PublicJwk, { ...publicJwk(sig), use: 'both' })).toBe(
      'use: must be "sig" or "enc"',
    );
  });

  it('refuse an empty set and a set that repeats a kid, even across uses', () => {
    expect(problems(PublicJwks, { keys: [] })).toBe('keys: must hold at least one key');
    const twin = { ...publicJwk(enc), kid: 'sig-1' };
    expect(problems(PublicJwks, { keys: [publicJwk(sig), twin] })).toBe(
      'keys.1.kid: repeats kid "sig-1": each key needs its own',
    );
  });

  it("require a gateway's public set to hold a signing and an encryption key", () => {
    expect(problems(GatewayPublicJwks, { keys: [publicJwk(sig)] })).toBe(
      'keys: must hold an encryption key (use "enc")',
    );
    expect(problems(GatewayPublicJwks, { keys: [publicJwk(enc)] })).toBe(
      'keys: must hold a signing key (use "sig")',
    );
  });
});
