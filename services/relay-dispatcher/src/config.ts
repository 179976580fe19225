import {
  brokerVariables,
  demoDataVariables,
  httpVariables,
  integer,
  logVariables,
  string,
  storeVariables,
  type Variable,
} from '@mbs/config';
import { staffAccessVariables } from '@mbs/http';
import { type GatewayPublicJwks, privateJwkVariable, publicJwksVariable } from '@mbs/trust';
import { z } from 'zod';
import { AZURE_RELAY_ENDPOINTS, relayEndpointPolicy } from './domain/relay-endpoint-policy';

/** A comma-separated allow-list of relay endpoints, each entry checked as the policy reads it. */
function relayEndpointsVariable(
  options: Omit<Variable<never>, 'schema'>,
): Variable<readonly string[]> {
  return {
    ...options,
    schema: z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean),
      )
      .superRefine((entries, context) => {
        if (entries.length === 0)
          context.addIssue({ code: 'custom', message: 'must list at least one endpoint' });
        try {
          relayEndpointPolicy(entries);
        } catch (error) {
          context.addIssue({ code: 'custom', message: (error as Error).message });
        }
      }),
  };
}

/**
 * The demo gateway's public keys (`gateway-local`, SEED_DEMO_DATA): optional, since only a
 * development system seeds it, and what its gateway's `npm run keys` printed there.
 */
function demoGatewayKeysVariable(): Variable<GatewayPublicJwks | undefined> {
  const variable = publicJwksVariable({
    description:
      "The demo gateway `gateway-local`'s public keys (a JWK set with a signing and an encryption key), registered with it when demo data is seeded; development only",
    uses: ['sig', 'enc'],
  });
  return { ...variable, schema: variable.schema.optional() };
}

/** relay-dispatcher's environment, parsed once by main.ts. Keys are read by `SecretSource`. */
export const dispatcherVariables = {
  ...brokerVariables,
  ...storeVariables,
  ...logVariables,
  ...httpVariables(3004),
  ...staffAccessVariables,
  ...demoDataVariables,
  DISPATCHER_SIGNING_KEY: privateJwkVariable({
    description:
      "The dispatcher's private signing key (an ES256 JWK with a kid): it signs every order it sends and every ack of a gateway's upstream event; the gateways are given its public half (GATEWAY_DISPATCHER_KEYS)",
  }),
  DEMO_GATEWAY_PUBLIC_KEYS: demoGatewayKeysVariable(),
  DISPATCHER_DB_NAME: string({
    description: "Name of relay-dispatcher's own MongoDB database",
    default: 'relay-dispatcher',
  }),
  DISPATCHER_RETRY_LIMIT: integer({
    description: 'Sends (or connect attempts) per message before it is failed and visible',
    default: '10',
    min: 1,
    max: 1000,
  }),
  DISPATCHER_RETRY_BASE_MS: integer({
    description: 'First retry delay; doubles each attempt (with jitter)',
    default: '1000',
    min: 1,
  }),
  DISPATCHER_RETRY_MAX_MS: integer({
    description: 'Longest delay between two attempts of one message',
    default: '300000',
    min: 1,
  }),
  DISPATCHER_ACK_TIMEOUT_MS: integer({
    description: "How long a deliver waits for the gateway's receipt",
    default: '10000',
    min: 1,
  }),
  DISPATCHER_CONFIRM_TIMEOUT_MS: integer({
    description: 'How long a delivered message waits for its outcome before it is sent again',
    default: '120000',
    min: 1,
  }),
  DISPATCHER_ECHO_INTERVAL_MS: integer({
    description: 'How often each gateway is sent an echo (ping) to prove its health by traffic',
    default: '15000',
    min: 100,
  }),
  DISPATCHER_RELAY_ENDPOINTS: relayEndpointsVariable({
    description:
      'Relay endpoints gateways may name, comma-separated scheme://host[:port] (*.suffix for any host under it); list the emulator where one is used',
    default: AZURE_RELAY_ENDPOINTS.join(','),
  }),
  DISPATCHER_MAX_IN_FLIGHT: integer({
    description:
      'Sends out at once, waiting for their receipts, across all gateways (a backlog after an outage goes at this pace)',
    default: '32',
    min: 1,
    max: 1000,
  }),
  DISPATCHER_PAYLOAD_RETENTION_DAYS: integer({
    description:
      'Days a confirmed message keeps its payload (patient data); status, times and history stay',
    default: '30',
    // At least a day: a fresh order's payload is what someone checks when the hospital queries
    // it, and 0 would remove it the moment it is confirmed.
    min: 1,
    max: 3650,
  }),
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the delivery loop, sessions and echo need: the parsed numbers, in one object. */
export interface DispatcherOptions {
  readonly retryLimit: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly ackTimeoutMs: number;
  readonly confirmTimeoutMs: number;
  readonly echoIntervalMs: number;
  /** How often the delivery loop looks for due messages (besides being woken). */
  readonly pollIntervalMs: number;
  /** Reopening a gateway session: first delay and ceiling. */
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  /** How long opening a session may take (handshake and accept). */
  readonly connectTimeoutMs: number;
  /** Due messages taken per loop turn (fewer when the sends in flight are near their bound). */
  readonly batchSize: number;
  /** Sends out at once, waiting for their receipts (DISPATCHER_MAX_IN_FLIGHT). */
  readonly maxInFlight: number;
  /** The relay endpoints gateways may name (DISPATCHER_RELAY_ENDPOINTS). */
  readonly relayEndpoints: readonly string[];
  /** How long a confirmed message keeps its payload (DISPATCHER_PAYLOAD_RETENTION_DAYS). */
  readonly payloadRetentionMs: number;
  /** How often payloads past the retention are removed. */
  readonly purgeIntervalMs: number;
}

export const defaultDispatcherOptions: DispatcherOptions = {
  retryLimit: 10,
  retryBaseMs: 1000,
  retryMaxMs: 300_000,
  ackTimeoutMs: 10_000,
  confirmTimeoutMs: 120_000,
  echoIntervalMs: 15_000,
  pollIntervalMs: 1000,
  reconnectBaseMs: 500,
  reconnectMaxMs: 30_000,
  connectTimeoutMs: 30_000,
  batchSize: 50,
  maxInFlight: 32,
  relayEndpoints: AZURE_RELAY_ENDPOINTS,
  payloadRetentionMs: 30 * DAY_MS,
  purgeIntervalMs: 60 * 60 * 1000,
};
