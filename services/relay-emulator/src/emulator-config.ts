import { ConfigError, integer, logVariables, optionalString, port, string } from '@mbs/config';
import { issueTexts } from '@mbs/errors';
import { DEV_ENTITIES, entitiesSchema, type HybridConnection } from './entities';

/** The emulator's environment variables, with their defaults. */
export const emulatorVariables = {
  RELAY_EMULATOR_PORT: port({ description: 'Port the relay emulator listens on', default: '9090' }),
  RELAY_EMULATOR_HOST: string({
    description: 'Address the relay emulator listens on',
    default: '0.0.0.0',
  }),
  RELAY_EMULATOR_ENTITIES: optionalString({
    description:
      'Hybrid connections as JSON: [{"path","keys":[{"name","key","rights":["Listen"|"Send"|"Manage"]}],"requiresClientAuthorization"}]; unset: the dev default',
    secret: true,
  }),
  RELAY_EMULATOR_RENDEZVOUS_TTL_MS: integer({
    description: 'How long an accept address stays usable',
    default: '30000',
    min: 100,
  }),
  RELAY_EMULATOR_HTTP_TIMEOUT_MS: integer({
    description: 'How long a listener has to answer an HTTP-mode request',
    default: '60000',
    min: 100,
  }),
  RELAY_EMULATOR_TAP_FILE: optionalString({
    description:
      'Tests only: a file every frame relayed between senders and listeners is appended to, one JSON line each, as the relay carried it (what a relay operator could see); unset: none',
  }),
  RELAY_EMULATOR_HEARTBEAT_MS: integer({
    description: 'How often the emulator pings each listener',
    default: '30000',
    min: 100,
  }),
  ...logVariables,
};

/**
 * The configured hybrid connections: RELAY_EMULATOR_ENTITIES when set (refused with a clear error
 * when invalid), otherwise the documented development default.
 */
export function entitiesFrom(json: string | undefined): readonly HybridConnection[] {
  if (json === undefined) return DEV_ENTITIES;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ConfigError([
      { variable: 'RELAY_EMULATOR_ENTITIES', problem: `is not JSON (${(error as Error).message})` },
    ]);
  }
  const parsed = entitiesSchema.safeParse(value);
  if (!parsed.success) {
    throw new ConfigError(
      issueTexts(parsed.error.issues).map((problem) => ({
        variable: 'RELAY_EMULATOR_ENTITIES',
        problem,
      })),
    );
  }
  return parsed.data;
}
