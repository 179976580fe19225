import type { FastifyInstance } from 'fastify';
import type { Models } from '../store/models';
import { listSettings } from '../store/queries';

/** GET /settings: every hospital site, by name. */
export function settingsRoute(app: FastifyInstance, models: Models): void {
  app.get('/settings', { config: { access: 'clinic_staff' } }, async () => ({
    settings: await listSettings(models),
  }));
}
