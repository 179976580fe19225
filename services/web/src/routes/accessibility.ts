import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../context';
import { renderPage } from '../http/page';

/** GET /accessibility: the accessibility statement, readable without signing in. */
export function accessibilityRoute(app: FastifyInstance, ctx: WebContext): void {
  app.get('/accessibility', { config: { public: true } }, (request, reply) =>
    renderPage(
      ctx,
      request,
      reply,
      'pages/accessibility',
      {},
      { title: 'Accessibility statement' },
    ),
  );
}
