import { Id, Instant } from '@mbs/contracts';
import { GatewayPublicJwks } from '@mbs/trust';
import { z } from 'zod';
import { SEND_KEY_SECRET_NAME } from '../secrets/secret-source';

/**
 * A hospital gateway as the cloud knows it: where its relay is, which hybrid connection it
 * listens on, and which Send key the dispatcher uses, by name. The key itself lives in a secret
 * store; `sendKeySecret` is only that secret's name, so the database never holds a key.
 */
export const Gateway = z.strictObject({
  gatewayId: Id,
  name: z.string().trim().min(1, 'must not be empty').max(200),
  relayEndpoint: z
    .string()
    .refine((v) => URL.canParse(v), 'must be a URL')
    .refine(
      (v) => !URL.canParse(v) || ['ws:', 'wss:'].includes(new URL(v).protocol),
      'must use ws:// (emulator) or wss:// (Azure Relay)',
    ),
  hybridConnection: z
    .string()
    .min(1)
    .max(260)
    .regex(/^[A-Za-z0-9._-]+$/, 'may contain only letters, digits and . _ -'),
  sendKeyName: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[A-Za-z0-9._-]+$/, 'may contain only letters, digits and . _ -'),
  /** Only RELAY_SEND_KEY_* names: the dispatcher must never sign tokens with another secret. */
  sendKeySecret: z
    .string()
    .max(128)
    .regex(
      SEND_KEY_SECRET_NAME,
      'must be the NAME of the environment variable holding the key, RELAY_SEND_KEY_ followed by capital letters, digits or _ (e.g. RELAY_SEND_KEY_GATEWAY_LOCAL), never the key itself',
    ),
  enabled: z.boolean(),
  /**
   * The gateway's PUBLIC keys, as its `npm run keys -w @mbs/gateway` printed them (a JWK set with
   * a signing and an encryption key, current first): orders are encrypted to its first encryption
   * key, and what it sends back must verify with one of its signing keys. Only public keys: a set
   * with any private member is refused. A gateway without them opens no session (nothing can be
   * sealed for it, nothing it says verified).
   */
  publicKeys: GatewayPublicJwks.optional(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Gateway = z.infer<typeof Gateway>;

/**
 * A gateway as read back from the database: like Gateway, but a `sendKeySecret` stored before
 * names were restricted is still read (so the list, and a PATCH that fixes it, keep working);
 * the session refuses to open with it, naming the problem.
 */
export const StoredGateway = Gateway.extend({ sendKeySecret: z.string().max(128) });

/** POST /gateways. */
export const NewGateway = Gateway.omit({ createdAt: true, updatedAt: true }).extend({
  enabled: Gateway.shape.enabled.default(true),
});
export type NewGateway = z.input<typeof NewGateway>;

/** PATCH /gateways/:id: any editable field, at least one. */
export const GatewayChange = Gateway.omit({ gatewayId: true, createdAt: true, updatedAt: true })
  .partial()
  .refine((change) => Object.keys(change).length > 0, {
    error: 'must change at least one field',
    when: (payload) => payload.issues.length === 0,
  });
export type GatewayChange = z.infer<typeof GatewayChange>;

/** Health proven by traffic: the last echo over the session and its round trip. */
export interface GatewayHealth {
  readonly state: 'unknown' | 'online' | 'offline' | 'disabled';
  readonly lastEchoAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly rttMs: number | null;
  readonly consecutiveFailures: number;
  readonly lastError: string | null;
}

export const unknownHealth: GatewayHealth = {
  state: 'unknown',
  lastEchoAt: null,
  lastSuccessAt: null,
  rttMs: null,
  consecutiveFailures: 0,
  lastError: null,
};
