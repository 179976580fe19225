import { DEFAULT_TTL_SECONDS } from '../jwt/sign-jwt';
import type { PrivateSigningJwk } from '../keys/key-schemas';
import { issueStaffToken } from './issue-staff-token';
import type { StaffAudience, StaffIdentity } from './staff-identity';

/** A cached token is replaced this long before it expires, so none expires on its way. */
export const STAFF_TOKEN_RENEW_BEFORE_SECONDS = 60;

export interface StaffTokenCacheOptions {
  /** web's private signing key. */
  readonly signingKey: PrivateSigningJwk;
  /** Lifetime of each token issued (default 300 s). */
  readonly ttlSeconds?: number;
  /** The clock (tests move it). */
  readonly now?: () => Date;
}

interface Entry {
  readonly token: Promise<string>;
  readonly name: string;
  readonly role: string;
  /** When to stop handing it out, in ms since the epoch. */
  readonly renewAt: number;
}

/**
 * web's tokens for calling the services: one per (member of staff, service), reused until
 * STAFF_TOKEN_RENEW_BEFORE_SECONDS before it expires, so a page that calls three services for each
 * of its parts signs three tokens, not dozens. A member of staff whose name or role changed gets
 * a new token at once. Expired entries are dropped whenever a token is issued.
 */
export class StaffTokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlSeconds: number;
  private readonly now: () => Date;

  constructor(private readonly options: StaffTokenCacheOptions) {
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.now = options.now ?? (() => new Date());
  }

  /** A token for `identity` to call `audience`: the cached one while fresh, else a new one. */
  token(identity: StaffIdentity & { readonly audience: StaffAudience }): Promise<string> {
    const now = this.now();
    const key = JSON.stringify([identity.subject, identity.audience]);
    const cached = this.entries.get(key);
    if (
      cached &&
      cached.name === identity.name &&
      cached.role === identity.role &&
      now.getTime() < cached.renewAt
    ) {
      return cached.token;
    }
    this.dropStale(now.getTime());
    const token = issueStaffToken({
      subject: identity.subject,
      name: identity.name,
      role: identity.role,
      audience: identity.audience,
      signingKey: this.options.signingKey,
      ttlSeconds: this.ttlSeconds,
      now,
    });
    const entry: Entry = {
      token,
      name: identity.name,
      role: identity.role,
      renewAt: now.getTime() + (this.ttlSeconds - STAFF_TOKEN_RENEW_BEFORE_SECONDS) * 1000,
    };
    this.entries.set(key, entry);
    // A failed signing is not cached: the next call tries again.
    token.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return token;
  }

  /** How many tokens are cached (for tests and a gauge). */
  get size(): number {
    return this.entries.size;
  }

  private dropStale(now: number): void {
    for (const [key, entry] of this.entries) if (entry.renewAt <= now) this.entries.delete(key);
  }
}
