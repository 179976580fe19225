import { createHttpApi } from '@mbs/http';
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
import { healthRoutes, type HealthSources } from './health';
import { messageRoutes } from './messages';

export interface HttpApiOptions {
  readonly messages: MessageStore;
  readonly gateways: GatewayRouteDependencies;
  readonly wake: () => void;
  readonly health: HealthSources;
  readonly logger: Logger;
}

/** The HTTP API (not yet listening): messages, gateways, health. */
export async function buildHttpApi(options: HttpApiOptions): Promise<FastifyInstance> {
  const app = await createHttpApi({
    logger: options.logger,
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
  healthRoutes(app, options.health);
  return app;
}
