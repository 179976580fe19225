import type { Bus, RetryPolicy } from '@mbs/bus';
import type { Store } from '@mbs/store';
import type { Logger } from '@mbs/telemetry';
import type { Jwks, PublicJwk } from '@mbs/trust';
import { appointmentHandlers } from './handlers';
import { createModels, type Models } from './store/models';

/** The consumer (and so the queue `<namespace>.appointment`) every handler shares. */
export const CONSUMER = 'appointment';

export interface AppointmentServiceOptions {
  readonly bus: Bus;
  readonly store: Store;
  readonly logger: Logger;
  /** web's public signing keys (STAFF_TOKEN_KEYS): staff commands are acted on only signed. */
  readonly staffKeys: Jwks<PublicJwk>;
  readonly retry?: Partial<RetryPolicy>;
  readonly now?: () => Date;
}

export interface AppointmentService {
  readonly models: Models;
}

/**
 * Wires the handlers to the bus, the same way in main.ts and in the integration tests: one
 * consumer for every command and event appointment handles.
 */
export async function startAppointmentService(
  options: AppointmentServiceOptions,
): Promise<AppointmentService> {
  const { bus, store, logger } = options;
  const models = createModels(store.connection);
  const handlers = appointmentHandlers({
    models,
    bus,
    staffKeys: options.staffKeys,
    now: options.now ?? (() => new Date()),
  });
  await bus.subscribe(CONSUMER, handlers, options.retry ? { retry: options.retry } : {});
  logger.info(
    { consumer: CONSUMER, handles: handlers.map((h) => h.contract.type) },
    'appointment handlers subscribed',
  );
  return { models };
}
