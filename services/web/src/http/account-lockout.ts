import type { WindowCounter } from '../sessions/window-counter';
import { TooManySignInAttemptsError } from './web-errors';

/** The window sign-in attempts are counted in, per address and per account. */
export const SIGN_IN_WINDOW_MS = 15 * 60_000;

/**
 * Locks a username after too many failed sign-ins in the window, counted in the shared database
 * so every replica counts together. Failures are counted for usernames that have no account too,
 * so the lockout tells nobody which accounts exist. (Attempts per address are limited by
 * @fastify/rate-limit on the sign-in route, on the same counter.)
 */
export function accountLockout(counter: WindowCounter, failuresAllowed: number) {
  const key = (username: string) => `sign-in-failures:${username.trim().toLowerCase()}`;
  return {
    /** Throws when this username has failed too often to be tried again yet. */
    async check(username: string): Promise<void> {
      const { count, remainingMs } = await counter.read(key(username), SIGN_IN_WINDOW_MS);
      if (count >= failuresAllowed) throw new TooManySignInAttemptsError(remainingMs);
    },
    async countFailure(username: string): Promise<void> {
      await counter.increment(key(username), SIGN_IN_WINDOW_MS);
    },
    async clear(username: string): Promise<void> {
      await counter.reset(key(username), SIGN_IN_WINDOW_MS);
    },
  };
}

export type AccountLockout = ReturnType<typeof accountLockout>;
