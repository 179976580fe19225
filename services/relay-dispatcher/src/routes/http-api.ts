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
  GatewayChangedError,
  GatewayExistsError,
  GatewayNotFoundError,
} from '../gateways/gateway-errors';
import { MessageNotFoundError, MessageNotResendableError } from '../messages/message-errors';
import type { MessageStore } from '../messages/message-store';
import { gatewayRoutes, type GatewayRouteDependencies } from './gateways';
import type { SessionStatus } from '../sessions/gateway-session';
import { messageRoutes } from './messages';

export interface HealthSources {
  bus(): BusHealth;
  store(): Promise<StoreHealth>;
  sessions(): SessionStatus[];
}

export interface HttpApiOptions {
  readonly messages: MessageStore;
  readonly gateways: GatewayRouteDependencies;
  readonly wake: () => void;
  readonly health: HealthSources;
  readonly logger: Logger;
  /** web's public keys: every route but /health needs a staff token for `relay-dispatcher`. */
  readonly staffKeys: StaffAccessOptions['keys'];
  /** Its consumer's dead letters, read with its own broker user (`bus.deadLetters(CONSUMER)`). */
  readonly deadLetters: DeadLetterSource;
}

/**
 * The HTTP API (not yet listening): messages, gateways, health, dead letters. Members of staff
 * only (web's tokens): reads for clinic staff, changes (gateways, resend) and dead letters for
 * admins. /health is open and
 * tells status only: the bus and the database decide it; gateway sessions are in its details
 * (admins) and at GET /gateways, since an offline hospital is not fixed by restarting the cloud.
 */
export async function buildHttpApi(options: HttpApiOptions): Promise<FastifyInstance> {
  const app = await createHttpApi({
    logger: options.logger,
    staff: { audience: 'relay-dispatcher', keys: options.staffKeys },
    errorStatuses: [
      [GatewayNotFoundError, 404],
      [MessageNotFoundError, 404],
      [GatewayExistsError, 409],
      [GatewayChangedError, 409],
      [MessageNotResendableError, 409],
    ],
  });
  messageRoutes(app, options.messages, options.wake);
  gatewayRoutes(app, options.gateways);
  const { health } = options;
  healthRoutes(app, { bus: () => health.bus(), store: () => health.store() }, () => ({
    sessions: health.sessions(),
  }));
  deadLetterRoute(app, options.deadLetters);
  return app;
}
