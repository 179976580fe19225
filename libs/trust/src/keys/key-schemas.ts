import { z } from 'zod';

/**
 * The keys this system uses, as JSON Web Keys (RFC 7517), declared once for configuration,
 * the dispatcher's gateway records and every function here.
 *
 * Only EC P-256, and only two kinds, never one key for both (signing with ECDSA and agreeing
 * keys with ECDH on the same key pair is a known hygiene fault):
 * - signing keys: `use: 'sig'`, `alg: 'ES256'`;
 * - encryption keys: `use: 'enc'`, `alg: 'ECDH-ES'` (direct key agreement; content A256GCM).
 * Every key has a `kid`, which tokens name in their header: that is how a verifier picks the
 * key, and how keys are rotated (README).
 */

/** The two things a key may be used for. */
export const KeyUse = z.enum(['sig', 'enc']);
export type KeyUse = z.infer<typeof KeyUse>;

/** A key's id: short, and safe in a header, a log line and a file name. */
export const Kid = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9._-]*$/, 'may contain only letters, digits and . _ -');

/** A P-256 coordinate or private scalar: 32 bytes, base64url without padding. */
const P256Number = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes in base64url');

const ecP256 = {
  kty: z.literal('EC', { error: 'must be "EC" (only EC P-256 keys are used)' }),
  crv: z.literal('P-256', { error: 'must be "P-256"' }),
  x: P256Number,
  y: P256Number,
  kid: Kid,
};
const signing = {
  use: z.literal('sig', { error: 'must be "sig" (a signing key)' }),
  alg: z.literal('ES256', { error: 'must be "ES256"' }),
};
const encryption = {
  use: z.literal('enc', { error: 'must be "enc" (an encryption key)' }),
  alg: z.literal('ECDH-ES', { error: 'must be "ECDH-ES"' }),
};
const byUse = { error: 'must be "sig" or "enc"' };

/** Members that only a private key has (EC, RSA and symmetric): none may appear in a public key. */
export const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const noPrivateMembers = Object.fromEntries(
  PRIVATE_MEMBERS.map((member) => [
    member,
    z.never({ error: `is a private key member: a public key must not carry it` }).optional(),
  ]),
) as Record<(typeof PRIVATE_MEMBERS)[number], z.ZodOptional<z.ZodNever>>;

/** A public signing key. Other members (`key_ops`, `ext`) are dropped. */
export const PublicSigningJwk = z.object({ ...ecP256, ...signing, ...noPrivateMembers });
export type PublicSigningJwk = z.infer<typeof PublicSigningJwk>;
/** A public encryption key. */
export const PublicEncryptionJwk = z.object({ ...ecP256, ...encryption, ...noPrivateMembers });
export type PublicEncryptionJwk = z.infer<typeof PublicEncryptionJwk>;
/** A public key of either use. */
export const PublicJwk = z.discriminatedUnion(
  'use',
  [PublicSigningJwk, PublicEncryptionJwk],
  byUse,
);
export type PublicJwk = z.infer<typeof PublicJwk>;

const privatePart = { d: P256Number };
/** A private signing key (dispatcher, web, a gateway). Never committed, never logged. */
export const PrivateSigningJwk = z.object({ ...ecP256, ...signing, ...privatePart });
export type PrivateSigningJwk = z.infer<typeof PrivateSigningJwk>;
/** A private encryption key (a gateway's, which never leaves the hospital). */
export const PrivateEncryptionJwk = z.object({ ...ecP256, ...encryption, ...privatePart });
export type PrivateEncryptionJwk = z.infer<typeof PrivateEncryptionJwk>;
/** A private key of either use. */
export const PrivateJwk = z.discriminatedUnion(
  'use',
  [PrivateSigningJwk, PrivateEncryptionJwk],
  byUse,
);
export type PrivateJwk = z.infer<typeof PrivateJwk>;

/** Any key of ours, public or private. */
export type Jwk = PublicJwk | PrivateJwk;
/** A set of keys, in order: the first key of each use is the current one (KeyRing). */
export interface Jwks<K extends Jwk = Jwk> {
  readonly keys: readonly K[];
}

/** A key set: at least one key, each kid once (a kid must name one key, whatever its use). */
function keySet<K extends z.ZodType<Jwk>>(key: K) {
  return z.object({ keys: z.array(key).min(1, 'must hold at least one key') }).check((ctx) => {
    const seen = new Set<string>();
    ctx.value.keys.forEach(({ kid }, index) => {
      if (seen.has(kid)) {
        ctx.issues.push({
          code: 'custom',
          input: kid,
          path: ['keys', index, 'kid'],
          message: `repeats kid "${kid}": each key needs its own`,
        });
      }
      seen.add(kid);
    });
  });
}

/** A published key set: public keys only (a private member anywhere refuses the whole set). */
export const PublicJwks = keySet(PublicJwk);
export type PublicJwks = z.infer<typeof PublicJwks>;
/** A private key set (a gateway's own keys: signing and encryption, current and next). */
export const PrivateJwks = keySet(PrivateJwk);
export type PrivateJwks = z.infer<typeof PrivateJwks>;

/** `schema`, also requiring at least one key of each of `uses`. */
export function withKeysFor<S extends z.ZodType<Jwks>>(schema: S, uses: readonly KeyUse[]): S {
  return schema.check((ctx) => {
    for (const use of uses) {
      if (!ctx.value.keys.some((key) => key.use === use)) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          path: ['keys'],
          message: `must hold ${use === 'sig' ? 'a signing' : 'an encryption'} key (use "${use}")`,
        });
      }
    }
  });
}

/**
 * What a gateway registers with the dispatcher: its public signing keys (the dispatcher verifies
 * upstream frames with them) and encryption keys (orders are encrypted to the first).
 */
export const GatewayPublicJwks = withKeysFor(PublicJwks, ['sig', 'enc']);
export type GatewayPublicJwks = z.infer<typeof GatewayPublicJwks>;
/** A gateway's own private keys: it signs upstream frames and decrypts orders. */
export const GatewayPrivateJwks = withKeysFor(PrivateJwks, ['sig', 'enc']);
export type GatewayPrivateJwks = z.infer<typeof GatewayPrivateJwks>;
