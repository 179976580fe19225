import {
  integer,
  logVariables,
  httpVariables,
  optionalString,
  string,
  url,
  type Variable,
} from '@mbs/config';
import { Id } from '@mbs/contracts';
import { type GatewayPrivateJwks, privateJwksVariable, publicJwksVariable } from '@mbs/trust';
import { z } from 'zod';
import { MIN_LOCAL_API_TOKEN_LENGTH } from './http/local-api-token';
import { defaultKeysFile } from './protection/key-file';

/** A target name as the cloud's destinations refer to it (`target` of a deliver body). */
const TargetName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._-]+$/, 'may contain only letters, digits and . _ -');

/** A hospital system that takes the message over HTTP(S): a FHIR endpoint, a RIS interface. */
export const HttpTargetSchema = z.strictObject({
  name: TargetName,
  kind: z.literal('http'),
  url: z
    .string()
    .refine((value) => URL.canParse(value), 'must be a URL')
    .refine((value) => !URL.canParse(value) || /^https?:$/.test(new URL(value).protocol), {
      error: 'must use http:// or https://',
    }),
  /** Per attempt. */
  timeoutMs: z.number().int().min(100).max(300_000).default(5000),
  /** Further attempts after the first, for 5xx, timeouts and network failures. */
  retries: z.number().int().min(0).max(20).default(3),
  /** Extra request headers (an API key the hospital system wants, say). */
  headers: z.record(z.string(), z.string()).optional(),
  /**
   * At most this many attempts a second at this target (retries included), for a hospital system
   * that cannot take a burst: a backlog after an outage then goes at this pace. No limit unless set.
   */
  maxPerSecond: z.number().positive().max(1000).optional(),
});
export type HttpTarget = z.infer<typeof HttpTargetSchema>;

/** A directory a worklist or interface engine picks files up from. */
export const FileTargetSchema = z.strictObject({
  name: TargetName,
  kind: z.literal('file'),
  directory: z.string().min(1),
  /** Further attempts after the first, for write failures (a full disk, a share that went away). */
  retries: z.number().int().min(0).max(20).default(3),
  /**
   * Files are owner-only (0600) by default: they hold patient data. A picker that runs as another
   * user in the gateway's group needs them group-readable (0640, directories created 0750).
   */
  groupReadable: z.boolean().optional(),
  /**
   * At most this many attempts a second at this target (retries included), for a hospital system
   * that cannot take a burst: a backlog after an outage then goes at this pace. No limit unless set.
   */
  maxPerSecond: z.number().positive().max(1000).optional(),
});
export type FileTarget = z.infer<typeof FileTargetSchema>;

export const TargetSchema = z.discriminatedUnion('kind', [HttpTargetSchema, FileTargetSchema]);
export type Target = z.infer<typeof TargetSchema>;

export const TargetsSchema = z
  .array(TargetSchema)
  .min(1, 'must list at least one target')
  .refine((targets) => new Set(targets.map((t) => t.name)).size === targets.length, {
    error: 'target names must be unique',
  });

/**
 * GATEWAY_TARGETS: JSON, validated. loadConfig reports only issue messages, so each message
 * names the target and field itself ("[0].url: must be a URL").
 */
function targetsVariable(options: Omit<Variable<never>, 'schema'>): Variable<Target[]> {
  return {
    ...options,
    schema: z.string().transform((text, context): Target[] => {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        // Not the parser's message: it quotes the text around the fault, which may be a key.
        const at = /position (\d+)/.exec((error as Error).message)?.[1];
        context.addIssue({
          code: 'custom',
          message: `is not JSON${at ? ` (near character ${at})` : ''}`,
        });
        return z.NEVER;
      }
      const parsed = TargetsSchema.safeParse(json);
      if (parsed.success) return parsed.data;
      for (const issue of parsed.error.issues) {
        const where = issue.path
          .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
          .join('');
        context.addIssue({ code: 'custom', message: `${where || '(targets)'}: ${issue.message}` });
      }
      return z.NEVER;
    }),
  };
}

export const DEV_TARGETS: readonly Target[] = [
  {
    name: 'ris-fhir',
    kind: 'http',
    url: 'http://127.0.0.1:3006/fhir',
    timeoutMs: 5000,
    retries: 3,
  },
  { name: 'worklist-drop', kind: 'file', directory: '.data/gateway/worklist', retries: 3 },
];

/**
 * The gateway's private keys as a variable, for a platform that gives secrets that way (compose
 * from the development keys): optional, since a gateway normally reads them from its key file.
 */
function privateKeysVariable(): Variable<GatewayPrivateJwks | undefined> {
  const variable = privateJwksVariable({
    description:
      "This gateway's private keys as a JWK set, instead of GATEWAY_KEYS_FILE (which a rotation updates while it runs): for a platform that gives secrets as variables",
  });
  return { ...variable, schema: variable.schema.optional() };
}

/** Where the gateway's private keys are: what `npm run keys` and the gateway itself read. */
export const gatewayKeyFileVariables = {
  GATEWAY_DATA_DIR: string({
    description: 'Directory of the local store (SQLite) that survives restarts',
    devDefault: '.data/gateway',
  }),
  GATEWAY_KEYS_FILE: optionalString({
    description:
      "This gateway's private keys (a JWK set, owner-only), made by `npm run keys -w @mbs/gateway`; default <GATEWAY_DATA_DIR>/keys/gateway-keys.json",
  }),
};

/** The key file the configuration names. */
export function keysFileOf(config: {
  readonly GATEWAY_DATA_DIR: string;
  readonly GATEWAY_KEYS_FILE: string | undefined;
}): string {
  return config.GATEWAY_KEYS_FILE ?? defaultKeysFile(config.GATEWAY_DATA_DIR);
}

/**
 * The gateway's environment: only its relay connection, its Listen key, its keys and its local
 * targets. Everything else (destinations, message types) is configured in the cloud.
 */
export const gatewayVariables = {
  ...logVariables,
  ...httpVariables(3005),
  // The local API takes examination reports that go to the cloud: it listens where the hospital
  // says (its modality network's address), and in development only on this machine.
  HOST: string({
    description:
      "Interface the local API listens on: the address the hospital's modalities reach (0.0.0.0 for every interface)",
    devDefault: '127.0.0.1',
  }),
  GATEWAY_API_TOKEN: {
    description: `Bearer token the systems that report examinations send to POST /modality-events (at least ${MIN_LOCAL_API_TOKEN_LENGTH} characters)`,
    devDefault: 'dev-modality-token-not-secret',
    secret: true,
    schema: z
      .string()
      .min(MIN_LOCAL_API_TOKEN_LENGTH, `must be at least ${MIN_LOCAL_API_TOKEN_LENGTH} characters`),
  } satisfies Variable<string>,
  GATEWAY_RELAY_ENDPOINT: url({
    description:
      'Relay namespace endpoint: wss://<namespace>.servicebus.windows.net (Azure) or ws://host:port (emulator)',
    devDefault: 'ws://127.0.0.1:9090',
    protocols: ['ws', 'wss'],
  }),
  GATEWAY_HYBRID_CONNECTION: string({
    description: "The hybrid connection's name (this gateway's)",
    devDefault: 'gateway-local',
  }),
  GATEWAY_KEY_NAME: string({
    description: 'Name of the shared access policy with the Listen right only',
    devDefault: 'listen',
  }),
  GATEWAY_KEY: string({
    description: "That policy's key",
    devDefault: 'dev-listen-key-not-secret',
    secret: true,
  }),
  GATEWAY_TARGETS: targetsVariable({
    description: 'Local delivery targets as JSON (see the README)',
    devDefault: JSON.stringify(DEV_TARGETS),
    // A target's headers can carry a hospital system's API key: never echoed, kept in a Secret.
    secret: true,
  }),
  ...gatewayKeyFileVariables,
  GATEWAY_ID: {
    description:
      "This gateway's id as the dispatcher registered it (gatewayId): the audience its orders must name, and the issuer of what it signs",
    devDefault: 'gateway-local',
    schema: Id,
  } satisfies Variable<string>,
  GATEWAY_PRIVATE_KEYS: privateKeysVariable(),
  GATEWAY_DISPATCHER_KEYS: publicJwksVariable({
    description:
      "The dispatcher's public signing keys, a JWK set (its DISPATCHER_SIGNING_KEY's public half; the next one too while rotating): orders and the acks of upstream events verify with one of them",
    uses: ['sig'],
  }),
  GATEWAY_OUTBOX_RETRY_MS: integer({
    description: 'How long an upstream event waits for its acknowledgement before it is resent',
    default: '15000',
    min: 100,
  }),
  GATEWAY_MODALITY_EVENTS_PER_MINUTE: integer({
    description:
      'Modality reports the local API takes a minute, all callers together (429 with Retry-After beyond)',
    default: '600',
    min: 1,
    max: 100000,
  }),
  GATEWAY_MAX_CONCURRENT_DELIVERIES: integer({
    description:
      'Deliveries to hospital targets under way at once; the rest wait their turn (a backlog never floods a hospital system)',
    default: '8',
    min: 1,
    max: 256,
  }),
  GATEWAY_PAYLOAD_RETENTION_DAYS: integer({
    description:
      'Days a confirmed message keeps its payload (patient data) in the local store; the rest of its record stays',
    default: '30',
    // At least a day: a fresh order's payload is what someone checks when the hospital queries
    // it, and 0 would remove it the moment it is confirmed.
    min: 1,
    max: 3650,
  }),
};
