import { beginProcess } from '@mbs/telemetry';
// First, before the imports below: telemetry starts here, so its tracing patches http and
// fastify as they load.
const gateway = beginProcess({ name: 'gateway', service: 'gateway' });

import { loadConfig } from '@mbs/config';
import { gatewayVariables } from './config';
import { startGateway } from './gateway';

gateway.run({
  config: () => loadConfig(gatewayVariables),
  start: async ({ config, logger }) => {
    const running = await startGateway({
      relay: {
        endpoint: config.GATEWAY_RELAY_ENDPOINT,
        path: config.GATEWAY_HYBRID_CONNECTION,
        keyName: config.GATEWAY_KEY_NAME,
        key: config.GATEWAY_KEY,
      },
      targets: config.GATEWAY_TARGETS,
      dataDir: config.GATEWAY_DATA_DIR,
      outboxRetryMs: config.GATEWAY_OUTBOX_RETRY_MS,
      payloadRetentionMs: config.GATEWAY_PAYLOAD_RETENTION_DAYS * 24 * 60 * 60 * 1000,
      maxConcurrentDeliveries: config.GATEWAY_MAX_CONCURRENT_DELIVERIES,
      modalityEventsPerMinute: config.GATEWAY_MODALITY_EVENTS_PER_MINUTE,
      apiToken: config.GATEWAY_API_TOKEN,
      logger,
    });
    await running.app.listen({ host: config.HOST, port: config.PORT });
    return {
      listening: {
        host: config.HOST,
        port: config.PORT,
        relay: config.GATEWAY_RELAY_ENDPOINT,
        hybridConnection: config.GATEWAY_HYBRID_CONNECTION,
        targets: config.GATEWAY_TARGETS.map((t) => `${t.name} (${t.kind})`),
        dataDir: config.GATEWAY_DATA_DIR,
        payloadRetentionDays: config.GATEWAY_PAYLOAD_RETENTION_DAYS,
      },
      // Relay first (no new messages), then deliveries in progress (briefly), HTTP, SQLite.
      stop: () => running.stop(5000),
    };
  },
});
