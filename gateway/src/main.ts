import { createLogger, startTelemetry, stopOnSignals } from '@mbs/telemetry';
// Telemetry first: it must be in place before fastify and http are used.
const telemetry = startTelemetry({ serviceName: 'gateway' });

import { loadConfig } from '@mbs/config';
import { describeError } from '@mbs/errors';
import { gatewayVariables } from './config';
import { startGateway } from './gateway';

async function main(): Promise<void> {
  const config = loadConfig(gatewayVariables);
  const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  const gateway = await startGateway({
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
    logger,
  });
  await gateway.app.listen({ host: config.HOST, port: config.PORT });
  logger.info(
    {
      host: config.HOST,
      port: config.PORT,
      relay: config.GATEWAY_RELAY_ENDPOINT,
      hybridConnection: config.GATEWAY_HYBRID_CONNECTION,
      targets: config.GATEWAY_TARGETS.map((t) => `${t.name} (${t.kind})`),
      dataDir: config.GATEWAY_DATA_DIR,
      payloadRetentionDays: config.GATEWAY_PAYLOAD_RETENTION_DAYS,
    },
    'gateway listening',
  );

  // Relay first (no new messages), then deliveries in progress (briefly), HTTP, SQLite.
  stopOnSignals('gateway', logger, async () => {
    await gateway.stop(5000);
    await telemetry.shutdown();
  });
}

main().catch((error: unknown) => {
  createLogger({ service: 'gateway' }).fatal(
    { err: describeError(error) },
    'gateway failed to start',
  );
  process.exit(1);
});
