import type { BusHealth } from '@mbs/bus';
import {
  createHttpApi,
  deadLetterRoute,
  healthRoutes,
  type DeadLetterSource,
  type StaffAccessOptions,
} from '@mbs/http';
import type { StoreHealth } from '@mbs/store';
import type { Logger } from '@mbs/telemetry';
import type { FastifyInstance } from 'fastify';
import type { Models } from '../store/models';
import { appointmentRoute } from './appointment';
import { clinicAppointmentsRoute } from './clinic-appointments';
import { clinicsRoute } from './clinics';
import { settingsRoute } from './settings';

export interface HealthSources {
  readonly store: () => Promise<StoreHealth>;
  readonly bus: () => BusHealth;
}

export interface HttpApiOptions {
  readonly models: Models;
  readonly health: HealthSources;
  readonly logger: Logger;
  /** web's public keys: every route but /health needs a staff token for `appointment`. */
  readonly staffKeys: StaffAccessOptions['keys'];
  /** Its consumer's dead letters, read with its own broker user (`bus.deadLetters(CONSUMER)`). */
  readonly deadLetters: DeadLetterSource;
  readonly now?: () => Date;
}

/**
 * The read-only query API, for members of staff (web's tokens, `clinic_staff` or above); /health
 * is open and tells status only (the details, and the consumer's dead letters, are for admins).
 * Nothing here changes data: changes arrive as commands on the bus.
 */
export async function buildHttpApi(options: HttpApiOptions): Promise<FastifyInstance> {
  const { models, logger } = options;
  const now = options.now ?? (() => new Date());
  const app = await createHttpApi({
    logger: logger.child({ component: 'http' }),
    staff: { audience: 'appointment', keys: options.staffKeys },
  });
  settingsRoute(app, models);
  clinicsRoute(app, models, now);
  clinicAppointmentsRoute(app, models);
  appointmentRoute(app, models);
  healthRoutes(app, { store: options.health.store, bus: options.health.bus });
  deadLetterRoute(app, options.deadLetters);
  return app;
}
