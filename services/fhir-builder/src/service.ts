import { type Bus, defaultRetryPolicy, type RetryPolicy } from '@mbs/bus';
import type { Store } from '@mbs/store';
import type { Logger } from '@mbs/telemetry';
import type { Jwks, PublicJwk } from '@mbs/trust';
import type { FastifyInstance } from 'fastify';
import { warmUpBuilders } from './builders/warm-up';
import { createDestinationStore, type DestinationStore } from './destinations/destination-store';
import { appointmentSentToModality } from './handlers/appointment-sent-to-modality';
import type { BuilderLookup } from './domain/prepare-message';
import { buildHttpApi } from './routes/http-api';

/** The consumer (queue `<namespace>.fhir-builder`) that takes appointment sent to modality. */
export const CONSUMER = 'fhir-builder';

export interface FhirBuilderOptions {
  readonly bus: Bus;
  readonly store: Store;
  readonly logger: Logger;
  /** web's public signing keys (STAFF_TOKEN_KEYS): the API is for members of staff only. */
  readonly staffKeys: Jwks<PublicJwk>;
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Which builder makes each message type. main.ts leaves it out (the registry); the integration
   * tests put a builder that makes a broken payload in its place, to show the failure staff see.
   */
  readonly builderFor?: BuilderLookup;
}

export interface FhirBuilder {
  readonly app: FastifyInstance;
  readonly destinations: DestinationStore;
}

/**
 * Everything main.ts runs, minus the process concerns (configuration, signals, listening), so the
 * integration tests run exactly this. The caller owns bus and store and closes them.
 */
export async function startFhirBuilder({
  bus,
  store,
  logger,
  staffKeys,
  retry,
  builderFor,
}: FhirBuilderOptions): Promise<FhirBuilder> {
  const destinations = createDestinationStore(store.connection);
  warmUpBuilders(logger);
  const policy = { ...defaultRetryPolicy, ...retry };
  await bus.subscribe(CONSUMER, [appointmentSentToModality({ bus, destinations, builderFor })], {
    retry: policy,
  });
  const app = await buildHttpApi({
    destinations,
    logger,
    staffKeys,
    health: { bus: () => bus.health(), store: () => store.health() },
    deadLetters: bus.deadLetters(CONSUMER),
  });
  return { app, destinations };
}
