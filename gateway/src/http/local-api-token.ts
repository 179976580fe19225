import { createHash, timingSafeEqual } from 'node:crypto';
import { PermanentError } from '@mbs/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The shortest token the gateway accepts: a guessable one would protect nothing. */
export const MIN_LOCAL_API_TOKEN_LENGTH = 24;

/** A request to the local API without the configured bearer token. */
export class LocalApiTokenError extends PermanentError {
  constructor(problem: 'missing' | 'wrong') {
    super(
      'unauthenticated',
      problem === 'missing'
        ? 'This API needs the bearer token configured on the gateway (Authorization: Bearer ...)'
        : 'The bearer token is not the one configured on the gateway',
    );
  }
}

/** SHA-256 first, so the comparison takes the same time whatever the token's length. */
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * A fastify preHandler that lets a request through only with `Authorization: Bearer <token>`.
 * Anything in the hospital network can reach the gateway's port; only the systems given the
 * token (the modality, its broker) may queue examination reports to the cloud.
 */
export function requireLocalApiToken(token: string) {
  const expected = digest(token);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const problem = !match
      ? 'missing'
      : timingSafeEqual(digest(match[1]!), expected)
        ? undefined
        : 'wrong';
    if (problem === undefined) return;
    // RFC 6750: a 401 names the scheme the client should use.
    void reply.header('www-authenticate', 'Bearer realm="gateway"');
    throw new LocalApiTokenError(problem);
  };
}
