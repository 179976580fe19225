import type { Account } from '../accounts';
import type { Banner } from './flash';

declare module 'fastify' {
  interface Session {
    /** Who signed in (absent before sign-in). */
    username?: string;
    /** When the last request that counts as use arrived (ms), for idle expiry. */
    lastSeenAt?: number;
    /** Banners for the next page shown (after a redirect). */
    flash?: Banner[];
    /** The CSRF secret (@fastify/csrf-protection keeps it here once a form was shown). */
    _csrf?: string;
  }

  interface FastifyRequest {
    /** The signed-in, enabled account (set on every page but sign-in). */
    user?: Account;
  }

  interface FastifyContextConfig {
    /** Open without signing in (sign-in, assets, health). */
    public?: boolean;
    /** Only for this role. */
    role?: Account['role'];
  }
}

export {};
