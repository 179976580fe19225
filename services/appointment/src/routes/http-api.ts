import { createHttpApi } from '@mbs/http';
import type { Logger } from '@mbs/telemetry';
import type { FastifyInstance } from 'fastify';
import type { Models } from '../store/models';
import { appointmentRoute } from './appointment';
import { clinicAppointmentsRoute } from './clinic-appointments';
import { clinicsRoute } from './clinics';
import { healthRoute, type HealthSources } from './health';
import { settingsRoute } from './settings';

export interface HttpApiOptions {
  readonly models: Models;
  readonly health: HealthSources;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/** The read-only query API. Nothing here changes data: changes arrive as commands on the bus. */
export async function buildHttpApi(options: HttpApiOptions): Promise<FastifyInstance> {
  const { models, logger } = options;
  const app = await createHttpApi({ logger: logger.child({ component: 'http' }) });
  settingsRoute(app, models);
  clinicsRoute(app, models, options.now ?? (() => new Date()));
  clinicAppointmentsRoute(app, models);
  appointmentRoute(app, models);
  healthRoute(app, options.health);
  return app;
}
