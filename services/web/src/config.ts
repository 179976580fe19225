import {
  brokerVariables,
  demoDataVariables,
  httpVariables,
  integer,
  logVariables,
  storeVariables,
  string,
  url,
  type Variable,
} from '@mbs/config';
import { privateJwkVariable } from '@mbs/trust';
import { z } from 'zod';

/** A secret of at least `min` characters, never echoed. */
function secret(
  options: { description: string; devDefault?: string },
  min: number,
): Variable<string> {
  return {
    ...options,
    secret: true,
    schema: z.string().min(min, `must be at least ${min} characters`),
  };
}

const serviceUrl = (name: string, port: number) =>
  url({
    description: `Base URL of ${name}'s HTTP query API`,
    devDefault: `http://127.0.0.1:${port}`,
    protocols: ['http', 'https'],
  });

/** Where web's own data lives. */
export const storeSpec = {
  ...storeVariables,
  ...logVariables,
  WEB_DB_NAME: string({ description: "web's own database on MONGODB_URL", default: 'web' }),
};

/** How passwords are hashed (argon2id). The defaults are OWASP's: 19 MiB, 2 passes. */
export const passwordHashSpec = {
  WEB_PASSWORD_HASH_MEMORY_KIB: integer({
    description: 'argon2id memory cost in KiB',
    default: '19456',
    min: 1024,
    max: 1048576,
  }),
  WEB_PASSWORD_HASH_ITERATIONS: integer({
    description: 'argon2id passes',
    default: '2',
    min: 1,
    max: 10,
  }),
};

/** Every variable the web service reads, parsed once in main.ts. */
export const webVariables = {
  ...brokerVariables,
  ...storeSpec,
  ...passwordHashSpec,
  ...httpVariables(3000),
  ...demoDataVariables,
  WEB_PUBLIC_URL: url({
    description: 'The address staff open (https in production: the session cookie is then Secure)',
    devDefault: 'http://127.0.0.1:3000',
    protocols: ['http', 'https'],
  }),
  WEB_TRUSTED_PROXY_HOPS: integer({
    description:
      'Proxies in front of web whose X-Forwarded-* headers are believed (1 behind an ingress); 0 trusts none',
    default: '0',
    min: 0,
    max: 10,
  }),
  APPOINTMENT_URL: serviceUrl('appointment', 3002),
  FHIR_BUILDER_URL: serviceUrl('fhir-builder', 3003),
  DISPATCHER_URL: serviceUrl('relay-dispatcher', 3004),
  WEB_QUERY_TIMEOUT_MS: integer({
    description: 'How long a page waits for a query API before saying it is unavailable',
    default: '3000',
    min: 100,
    max: 60000,
  }),
  WEB_PUBLISH_TIMEOUT_MS: integer({
    description: 'How long a click waits for the broker before telling the user it was not sent',
    default: '5000',
    min: 100,
    max: 60000,
  }),
  WEB_SIGNING_KEY: privateJwkVariable({
    description:
      "web's private ES256 signing key (a JWK with its kid): issues staff tokens for the services and signs staff commands; its public half is their STAFF_TOKEN_KEYS",
  }),
  WEB_SESSION_SECRET: secret(
    {
      description: 'Signs session cookies (at least 32 characters; random in production)',
      devDefault: 'development-only-session-secret-0123456789',
    },
    32,
  ),
  WEB_SESSION_IDLE_MINUTES: integer({
    description: 'A session ends after this long without a request',
    default: '30',
    min: 1,
    max: 720,
  }),
  WEB_ADMIN_USERNAME: string({
    description: 'The first administrator, created at first start when no account exists',
    devDefault: 'admin',
  }),
  WEB_ADMIN_NAME: string({
    description: "The first administrator's name, as shown and recorded on commands",
    default: 'Service administrator',
  }),
  WEB_ADMIN_PASSWORD: secret(
    {
      description: "The first administrator's password (at least 12 characters)",
      devDefault: 'screening-admin-dev',
    },
    12,
  ),
  WEB_SIGN_IN_ATTEMPTS_PER_ACCOUNT: integer({
    description: 'Failed sign-ins allowed per username in 15 minutes before it is locked',
    default: '5',
    min: 1,
    max: 1000,
  }),
  WEB_SIGN_IN_ATTEMPTS_PER_ADDRESS: integer({
    description: 'Sign-in attempts allowed per client address in 15 minutes',
    default: '30',
    min: 1,
    max: 100000,
  }),
};
