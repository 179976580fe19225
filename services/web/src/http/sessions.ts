import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySession from '@fastify/session';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MongoSessionStore } from '../sessions/session-store';
import './session-types';

/** The session cookie's name. */
export const SESSION_COOKIE = 'mbs_session';

export interface SessionOptions {
  readonly secret: string;
  readonly idleMs: number;
  /** Only over https (production); plain http in development. */
  readonly secure: boolean;
  readonly store: MongoSessionStore;
}

/**
 * Sessions kept server-side in web's database behind an HttpOnly, SameSite=Lax cookie, and CSRF
 * tokens for every form, bound to the session. The cookie lasts as long as the idle timeout and
 * is renewed (with the stored session) at most once a minute of use; see `auth.ts`.
 */
export async function registerSessions(
  app: FastifyInstance,
  options: SessionOptions,
): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: options.secret,
    cookieName: SESSION_COOKIE,
    store: options.store,
    saveUninitialized: false,
    // Renewed on use by auth.ts (at most once a minute), not on every response: fewer writes.
    rolling: false,
    cookie: {
      path: '/',
      httpOnly: true,
      secure: options.secure,
      sameSite: 'lax',
      maxAge: options.idleMs,
    },
  });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/session',
    // Forms send it as a field; the header's sign-out form (the design system's header offers
    // no hidden field) sends it in its action's query string.
    getToken: (request: FastifyRequest) =>
      (request.body as { _csrf?: string } | undefined)?._csrf ??
      (request.query as { _csrf?: string } | undefined)?._csrf,
  });
}
