import { PermanentError } from '@mbs/errors';

/** A gateway names a secret that has no value here: its session cannot open until it is set. */
export class SecretNotSetError extends PermanentError {
  constructor(
    readonly secretName: string,
    readonly gatewayId: string,
  ) {
    super(
      'secret_not_set',
      `the secret ${secretName} named by gateway ${gatewayId} (sendKeySecret) is not set`,
    );
  }
}

/** A gateway (stored before names were restricted) names a secret outside RELAY_SEND_KEY_*. */
export class SecretNameRefusedError extends PermanentError {
  constructor(
    readonly secretName: string,
    readonly gatewayId: string,
  ) {
    super(
      'secret_name_refused',
      `gateway ${gatewayId} names ${secretName} as its sendKeySecret; only RELAY_SEND_KEY_* variables are read (change it with PATCH /gateways/${gatewayId})`,
    );
  }
}

/**
 * Where gateway keys come from. The database holds only a secret's NAME (`sendKeySecret`); the
 * key is looked up here when a session opens, so it is never stored or logged. Environment
 * variables today; Kubernetes secrets mounted as files or Key Vault can implement the same
 * interface later.
 */
export interface SecretSource {
  /** The secret's value, or undefined when there is no such secret. */
  get(name: string): Promise<string | undefined>;
}

/** The emulator's public development keys, by secret name; never applied in production. */
export const devSecretDefaults: Readonly<Record<string, string>> = {
  RELAY_SEND_KEY_GATEWAY_LOCAL: 'dev-send-key-not-secret',
};

/**
 * The only environment variables a gateway may name as its `sendKeySecret`: the dispatcher signs
 * relay tokens with the value, so a name like AMQP_URL must never be readable through it.
 */
export const SEND_KEY_SECRET_NAME = /^RELAY_SEND_KEY_[A-Z0-9_]+$/;

/**
 * Reads a secret from the environment variable of that name (dev defaults outside production).
 * Only `RELAY_SEND_KEY_*` variables: any other name reads as not set.
 */
export function environmentSecrets(
  env: NodeJS.ProcessEnv = process.env,
  devDefaults: Readonly<Record<string, string>> = devSecretDefaults,
): SecretSource {
  const production = env.NODE_ENV === 'production';
  return {
    async get(name) {
      if (!SEND_KEY_SECRET_NAME.test(name)) return undefined;
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      return production ? undefined : devDefaults[name];
    },
  };
}

/** Fixed secrets, for tests. */
export function staticSecrets(values: Readonly<Record<string, string>>): SecretSource {
  return { get: async (name) => values[name] };
}
