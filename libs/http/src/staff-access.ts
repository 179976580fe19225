import type { StaffRole } from '@mbs/contracts';
import {
  bearerToken,
  publicJwksVariable,
  requireRole,
  type StaffTokenError,
  verifyStaffToken,
  type Jwks,
  type PublicJwk,
  type StaffAudience,
  type StaffIdentity,
} from '@mbs/trust';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The member of staff a route's verified bearer token speaks for (absent on open routes). */
    staff?: StaffIdentity;
  }
}

/**
 * The variable of every service web reads: web's PUBLIC signing keys as a JWK set (current and
 * next, during a rotation), which verify its staff tokens (and, in appointment, its command
 * signatures). No development default: `npm start` generates the development key pair.
 */
export const staffAccessVariables = {
  STAFF_TOKEN_KEYS: publicJwksVariable({
    description:
      "web's public signing keys, a JWK set (its WEB_SIGNING_KEY's public half; the next one too while rotating): verify staff tokens and command signatures",
    uses: ['sig'],
  }),
};

/** How a service verifies web's staff tokens. */
export interface StaffAccessOptions {
  /** This service: the audience a token must name. */
  readonly audience: StaffAudience;
  /** web's PUBLIC signing keys (STAFF_TOKEN_KEYS): current and next. */
  readonly keys: Jwks<PublicJwk>;
  /** The clock (tests move it). */
  readonly now?: () => Date;
}

/**
 * The onRequest hook that lets a request through only with a bearer token web issued for this
 * service, for a member of staff of at least `role`: StaffTokenError (401) for a missing,
 * expired, wrongly signed or misaddressed token, ForbiddenError (403) for a lower role.
 * createHttpApi's error handler answers both as `{ error, message }`, naming nothing of the
 * token. Before the body is read, so a refused request costs a signature check and no more.
 */
export function requireStaff(
  role: StaffRole,
  options: StaffAccessOptions,
): onRequestAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const identity = await verifyStaffToken(bearerToken(request.headers.authorization), {
      audience: options.audience,
      keys: options.keys,
      now: options.now?.(),
    });
    requireRole(identity, role);
    request.staff = identity;
  };
}

/**
 * RFC 6750's challenge on a 401: `Bearer` alone when no token came, `error="invalid_token"`
 * when one did and was refused. Nothing of the token is echoed.
 */
export function challenge(reply: FastifyReply, error: StaffTokenError): void {
  void reply.header(
    'www-authenticate',
    error.code === 'token_missing' ? 'Bearer' : 'Bearer error="invalid_token"',
  );
}
