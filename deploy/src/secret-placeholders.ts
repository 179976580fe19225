import { generateKeyPairSync } from 'node:crypto';

/** A P-256 private JWK with `kid` for `use`, made afresh for each run (never committed). */
function placeholderJwk(kid: string, use: 'sig' | 'enc') {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y, d } = privateKey.export({ format: 'jwk' });
  return { kty, crv, x, y, d, kid, use, alg: use === 'sig' ? 'ES256' : 'ECDH-ES' };
}
const publicOf = ({ d: _private, ...key }: ReturnType<typeof placeholderJwk>) => key;

/**
 * A signing key and its public set, shaped exactly like the real ones (web's WEB_SIGNING_KEY and
 * STAFF_TOKEN_KEYS; the dispatcher's DISPATCHER_SIGNING_KEY and GATEWAY_DISPATCHER_KEYS), a pair.
 */
function placeholderSigningKey(kid: string) {
  const key = placeholderJwk(kid, 'sig');
  return { privateKey: JSON.stringify(key), publicKeys: JSON.stringify({ keys: [publicOf(key)] }) };
}
const webKey = placeholderSigningKey('placeholder-web-sig');
const dispatcherKey = placeholderSigningKey('placeholder-dispatcher-sig');

/** A gateway's own keys (GATEWAY_PRIVATE_KEYS) and the public set registered with it. */
function placeholderGatewayKeys() {
  const keys = [
    placeholderJwk('placeholder-gw-sig', 'sig'),
    placeholderJwk('placeholder-gw-enc', 'enc'),
  ];
  return {
    privateKeys: JSON.stringify({ keys }),
    publicKeys: JSON.stringify({ keys: keys.map(publicOf) }),
  };
}
const gatewayKeys = placeholderGatewayKeys();

/**
 * Values shaped like the real secrets, for Secrets the manifests reference but (rightly) do not
 * contain: operators create them in the cluster. A key with no placeholder here is an error, so
 * a new secret is thought about, not silently filled with something any loader accepts.
 */
const sasKeyShaped = Buffer.alloc(32, 0x5a).toString('base64'); // 44 characters, like Azure's

const placeholders: Readonly<Record<string, string>> = {
  AMQP_URL: 'amqps://mbs-service:placeholder-password@rabbitmq.example.internal:5671/mbs',
  // The broker setup's administrator, on the management API (k8s/base/broker-users.yaml).
  BROKER_MANAGEMENT_URL: 'https://mbs-admin:placeholder-password@rabbitmq.example.internal:15671',
  MONGODB_URL:
    'mongodb+srv://mbs-service:placeholder-password@mongodb.example.internal/?retryWrites=true',
  GATEWAY_KEY: sasKeyShaped,
  // The hospital's targets: a secret, since an HTTP target's headers may hold its API key. The
  // placeholder is shaped like k8s/README.md's example (a file target on the data volume).
  GATEWAY_TARGETS: JSON.stringify([
    {
      name: 'ris-fhir',
      kind: 'http',
      url: 'https://ris.hospital.example/fhir',
      headers: { 'x-api-key': 'placeholder-api-key' },
    },
    { name: 'worklist-drop', kind: 'file', directory: '/var/lib/mbs-gateway/worklist' },
  ]),
  // What modalities send to the gateway's local API (openssl rand -base64 32: 44 characters).
  GATEWAY_API_TOKEN: Buffer.alloc(32, 0x4b).toString('base64'),
  // web: a random session secret (openssl rand -base64 48: 64 characters) and a password.
  WEB_SESSION_SECRET: Buffer.alloc(48, 0x5a).toString('base64'),
  WEB_ADMIN_PASSWORD: 'placeholder first-admin password',
  // web's private signing key (npm run keys:web), and its public set the services verify with.
  WEB_SIGNING_KEY: webKey.privateKey,
  STAFF_TOKEN_KEYS: webKey.publicKeys,
  // The dispatcher's private signing key (it seals orders), and its public set the gateways verify
  // them with.
  DISPATCHER_SIGNING_KEY: dispatcherKey.privateKey,
  GATEWAY_DISPATCHER_KEYS: dispatcherKey.publicKeys,
  // A gateway's own keys, where a platform gives them as a variable (compose, from the development
  // keys), and their public half, the demo gateway's registration.
  GATEWAY_PRIVATE_KEYS: gatewayKeys.privateKeys,
  DEMO_GATEWAY_PUBLIC_KEYS: gatewayKeys.publicKeys,
};

/**
 * The placeholder for `key` of the Secret `secret`. Each service's AMQP_URL names its own broker
 * user, as k8s/README.md has operators create it: the Secret's name (`mbs-appointment`).
 */
export function placeholderSecret(key: string, secret?: string): string {
  if (/^RELAY_SEND_KEY_[A-Z0-9_]+$/.test(key)) return sasKeyShaped;
  if (key === 'AMQP_URL' && secret) return placeholders.AMQP_URL!.replace('mbs-service', secret);
  const value = placeholders[key];
  if (value === undefined) throw new Error(`no placeholder for the secret key ${key}`);
  return value;
}
