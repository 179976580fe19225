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

/** Reads a secret from the environment variable of that name (dev defaults outside production). */
export function environmentSecrets(
  env: NodeJS.ProcessEnv = process.env,
  devDefaults: Readonly<Record<string, string>> = devSecretDefaults,
): SecretSource {
  const production = env.NODE_ENV === 'production';
  return {
    async get(name) {
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
