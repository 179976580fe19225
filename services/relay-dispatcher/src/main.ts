import { beginProcess } from '@mbs/telemetry';
// First, before the imports below: telemetry starts here, so its tracing patches http, fastify,
// amqplib and mongoose as they load.
const dispatcher = beginProcess({ name: 'relay-dispatcher', service: 'relay-dispatcher' });

import { brokerSettings, Bus } from '@mbs/bus';
import { loadConfig } from '@mbs/config';
import { connectStore } from '@mbs/store';
import { dispatcherVariables } from './config';
import { seedDemoGateways } from './demo/demo-gateways';
import { createGatewayStore } from './gateways/gateway-store';
import { environmentSecrets } from './secrets/secret-source';
import { startRelayDispatcher } from './service';

dispatcher.run({
  config: () => loadConfig(dispatcherVariables),
  start: async ({ config, logger }) => {
    const store = await connectStore({
      url: config.MONGODB_URL,
      dbName: config.DISPATCHER_DB_NAME,
      logger,
    });
    // Seed before the sessions open, so the development gateway is connected at once.
    if (config.SEED_DEMO_DATA) {
      await seedDemoGateways(createGatewayStore(store.connection), logger, {
        publicKeys: config.DEMO_GATEWAY_PUBLIC_KEYS,
      });
    }
    const bus = await Bus.connect({
      ...brokerSettings(config),
      service: 'relay-dispatcher',
      logger,
    });
    const running = await startRelayDispatcher({
      bus,
      store,
      logger,
      secrets: environmentSecrets(),
      staffKeys: config.STAFF_TOKEN_KEYS,
      signingKey: config.DISPATCHER_SIGNING_KEY,
      options: {
        retryLimit: config.DISPATCHER_RETRY_LIMIT,
        retryBaseMs: config.DISPATCHER_RETRY_BASE_MS,
        retryMaxMs: config.DISPATCHER_RETRY_MAX_MS,
        ackTimeoutMs: config.DISPATCHER_ACK_TIMEOUT_MS,
        confirmTimeoutMs: config.DISPATCHER_CONFIRM_TIMEOUT_MS,
        echoIntervalMs: config.DISPATCHER_ECHO_INTERVAL_MS,
        maxInFlight: config.DISPATCHER_MAX_IN_FLIGHT,
        relayEndpoints: config.DISPATCHER_RELAY_ENDPOINTS,
        payloadRetentionMs: config.DISPATCHER_PAYLOAD_RETENTION_DAYS * 24 * 60 * 60 * 1000,
      },
    });
    const { app } = running;
    await app.listen({ host: config.HOST, port: config.PORT });
    return {
      listening: {
        host: config.HOST,
        port: config.PORT,
        signingKey: config.DISPATCHER_SIGNING_KEY.kid,
      },
      // HTTP first (no new changes), then sends in hand and the sessions (their outcomes still
      // need the bus), then the bus (messages in hand finish: they are stored and sent at the
      // next start), then the database.
      stop: async () => {
        await app.close();
        await running.stop();
        await bus.close();
        await store.close();
      },
    };
  },
});
