import { RelayUnavailableError } from './relay-errors';
import { createSasToken } from './sas-token';

/** A token and when it stops being valid (ms since the epoch), so renewal can be scheduled. */
export interface RelayToken {
  readonly token: string;
  readonly expiresAt: number;
}

/**
 * Supplies a token for a resource. Any source fits: a shared access key held locally, or a
 * service that hands out short-lived tokens so the key never reaches the gateway.
 */
export type TokenProvider = (resourceUri: string) => RelayToken | Promise<RelayToken>;

/** Signs tokens locally from a named shared access key. */
export function sharedAccessKeyTokenProvider(
  keyName: string,
  key: string,
  /** Lifetime of each token. Default 3600 s, as Azure's own clients use. */
  ttlSeconds = 3600,
): TokenProvider {
  return (resourceUri) => {
    const now = Date.now();
    return {
      token: createSasToken({ resourceUri, keyName, key, ttlSeconds, now }),
      expiresAt: Math.floor(now / 1000) * 1000 + Math.round(ttlSeconds) * 1000,
    };
  };
}

/** Credentials as a caller gives them: either a key, or its own token provider. */
export type RelayCredentials =
  | { readonly keyName: string; readonly key: string; readonly tokenTtlSeconds?: number }
  | { readonly tokenProvider: TokenProvider };

export function tokenProviderFor(credentials: RelayCredentials): TokenProvider {
  return 'tokenProvider' in credentials
    ? credentials.tokenProvider
    : sharedAccessKeyTokenProvider(
        credentials.keyName,
        credentials.key,
        credentials.tokenTtlSeconds,
      );
}

/**
 * Asks a provider for a token. A provider that throws or rejects (a token service down, a vault
 * unreachable) gives a RelayUnavailableError in phase `token`, retryable, with the provider's
 * error as its cause, so callers see one typed failure whatever the provider is.
 */
export async function fetchRelayToken(
  provider: TokenProvider,
  resourceUri: string,
  purpose: string,
): Promise<RelayToken> {
  try {
    return await provider(resourceUri);
  } catch (error) {
    throw new RelayUnavailableError(
      `${purpose}: the token provider failed (${error instanceof Error ? error.message : String(error)})`,
      { phase: 'token', cause: error },
    );
  }
}
