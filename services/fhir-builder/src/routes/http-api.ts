import { createHttpApi } from '@mbs/http';
import type { Logger } from '@mbs/telemetry';
import type { FastifyInstance } from 'fastify';
import {
  DestinationConflictError,
  DestinationExistsError,
  DestinationNotFoundError,
} from '../destinations/destination-errors';
import type { DestinationStore } from '../destinations/destination-store';
import { destinationRoutes } from './destinations';
import { healthRoutes, type HealthSources } from './health';
import { messageTypeRoutes } from './message-types';

export interface HttpApiOptions {
  readonly destinations: DestinationStore;
  readonly health: HealthSources;
  readonly logger: Logger;
}

/** The HTTP API (not yet listening): destinations, message types, health. */
export async function buildHttpApi({
  destinations,
  health,
  logger,
}: HttpApiOptions): Promise<FastifyInstance> {
  const app = await createHttpApi({
    logger,
    errorStatuses: [
      [DestinationNotFoundError, 404],
      [DestinationConflictError, 409],
      [DestinationExistsError, 409],
    ],
  });
  destinationRoutes(app, destinations);
  messageTypeRoutes(app);
  healthRoutes(app, health);
  return app;
}
