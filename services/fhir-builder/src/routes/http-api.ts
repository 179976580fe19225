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
import {
  DestinationConflictError,
  DestinationExistsError,
  DestinationNotFoundError,
} from '../destinations/destination-errors';
import type { DestinationStore } from '../destinations/destination-store';
import { destinationRoutes } from './destinations';
import { messageTypeRoutes } from './message-types';

export interface HealthSources {
  bus(): BusHealth;
  store(): Promise<StoreHealth>;
}

export interface HttpApiOptions {
  readonly destinations: DestinationStore;
  readonly health: HealthSources;
  readonly logger: Logger;
  /** web's public keys: every route but /health needs a staff token for `fhir-builder`. */
  readonly staffKeys: StaffAccessOptions['keys'];
  /** Its consumer's dead letters, read with its own broker user (`bus.deadLetters(CONSUMER)`). */
  readonly deadLetters: DeadLetterSource;
}

/**
 * The HTTP API (not yet listening): destinations, message types, health, dead letters. Members of
 * staff only (web's tokens): reads for clinic staff, changes and dead letters for admins; /health
 * open, status only.
 */
export async function buildHttpApi({
  destinations,
  health,
  logger,
  staffKeys,
  deadLetters,
}: HttpApiOptions): Promise<FastifyInstance> {
  const app = await createHttpApi({
    logger,
    staff: { audience: 'fhir-builder', keys: staffKeys },
    errorStatuses: [
      [DestinationNotFoundError, 404],
      [DestinationConflictError, 409],
      [DestinationExistsError, 409],
    ],
  });
  destinationRoutes(app, destinations);
  messageTypeRoutes(app);
  healthRoutes(app, { bus: () => health.bus(), store: () => health.store() });
  deadLetterRoute(app, deadLetters);
  return app;
}
