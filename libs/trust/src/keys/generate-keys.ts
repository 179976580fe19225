import { randomBytes } from 'node:crypto';
import { jose } from '../jose';
import {
  PublicEncryptionJwk,
  PublicSigningJwk,
  type Jwks,
  type KeyUse,
  type PrivateEncryptionJwk,
  type PrivateJwk,
  type PrivateSigningJwk,
  type PublicJwk,
} from './key-schemas';

/**
 * A new kid: `<yyyymmdd>-<random>-<use>`. The date says which key is older when two are
 * published side by side during a rotation; the random part keeps two keys made the same day
 * (two gateways, a retried command) apart.
 */
export function newKid(use: KeyUse, now = new Date(), stem = randomBytes(4).toString('hex')) {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  return `${day}-${stem}-${use}`;
}

async function generateP256(alg: 'ES256' | 'ECDH-ES') {
  const { privateKey } = await jose.generateKeyPair(alg, { crv: 'P-256', extractable: true });
  const { kty, crv, x, y, d } = await jose.exportJWK(privateKey);
  return { kty, crv, x, y, d } as Pick<PrivateJwk, 'kty' | 'crv' | 'x' | 'y' | 'd'>;
}

/** A new private ES256 signing key, as exportable JSON. */
export async function generateSigningKey(kid = newKid('sig')): Promise<PrivateSigningJwk> {
  return { ...(await generateP256('ES256')), kid, use: 'sig', alg: 'ES256' };
}

/** A new private encryption key (ECDH-ES key agreement on P-256), as exportable JSON. */
export async function generateEncryptionKey(kid = newKid('enc')): Promise<PrivateEncryptionJwk> {
  return { ...(await generateP256('ECDH-ES')), kid, use: 'enc', alg: 'ECDH-ES' };
}

/** The public half of a key: what may be published, registered and configured elsewhere. */
export function publicJwk(key: PrivateSigningJwk | PublicSigningJwk): PublicSigningJwk;
export function publicJwk(key: PrivateEncryptionJwk | PublicEncryptionJwk): PublicEncryptionJwk;
export function publicJwk(key: PrivateJwk | PublicJwk): PublicJwk;
export function publicJwk(key: PrivateJwk | PublicJwk): PublicJwk {
  // Parsing copies only the public members, so nothing private can ride along.
  return key.use === 'sig'
    ? PublicSigningJwk.parse(strip(key))
    : PublicEncryptionJwk.parse(strip(key));
}

function strip({ kty, crv, x, y, kid, use, alg }: PrivateJwk | PublicJwk) {
  return { kty, crv, x, y, kid, use, alg };
}

/** The public halves of a key set, in the same order (so the same key stays current). */
export function publicJwks(keys: Jwks<PrivateJwk | PublicJwk>): { keys: PublicJwk[] } {
  return { keys: keys.keys.map((key) => publicJwk(key)) };
}

export interface GatewayKeySet {
  /** Stays on the gateway (configuration, owner-only file). */
  readonly privateKeys: { keys: [PrivateSigningJwk, PrivateEncryptionJwk] };
  /** Registered with the dispatcher's record of the gateway. */
  readonly publicKeys: { keys: [PublicSigningJwk, PublicEncryptionJwk] };
}

/**
 * A gateway's keys: one signing key (upstream frames) and one encryption key (orders are
 * encrypted to it), sharing a kid stem (`20261204-1a2b3c4d-sig`, `...-enc`) so they read as a pair.
 */
export async function generateGatewayKeySet(now = new Date()): Promise<GatewayKeySet> {
  const stem = randomBytes(4).toString('hex');
  const sig = await generateSigningKey(newKid('sig', now, stem));
  const enc = await generateEncryptionKey(newKid('enc', now, stem));
  return {
    privateKeys: { keys: [sig, enc] },
    publicKeys: { keys: [publicJwk(sig), publicJwk(enc)] },
  };
}
