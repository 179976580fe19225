import { answerDeadLetters } from '@mbs/http';
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../context';

/**
 * GET /admin/dead-letters, for administrators: what web's own consumer gave up on (live updates
 * and refused commands it could not relay), looked at with web's own broker user, which may read
 * no other service's queues (each of those shows its own at its GET /dead-letters). JSON, as the
 * services answer it: the count and the first `?limit=` (50, at most 200) without their bodies.
 * Behind web's sign-in like every page: signed out, a browser is sent to sign in and back; clinic
 * staff get the 403 page.
 */
export function adminDeadLetterRoute(app: FastifyInstance, ctx: WebContext): void {
  app.get('/admin/dead-letters', { config: { role: 'admin' } }, (request, reply) =>
    answerDeadLetters(ctx.deadLetters, request.query, reply),
  );
}
