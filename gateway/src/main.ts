import { beginProcess } from '@mbs/telemetry';
// First, before the imports below: telemetry starts here, so its tracing patches http and
// fastify as they load.
const gateway = beginProcess({ name: 'gateway', service: 'gateway' });

import { loadConfig } from '@mbs/config';
import type { Logger } from '@mbs/telemetry';
import { gatewayVariables, keysFileOf } from './config';
import { startGateway } from './gateway';
import { fixedKeys, GatewayKeyFile, type GatewayKeySource } from './protection/key-file';

gateway.run({
  config: () => loadConfig(gatewayVariables),
  start: async ({ config, logger }) => {
    // Without its keys the gateway can open no order: it does not start, and says how to make them.
    const keys: GatewayKeySource & { readonly file?: string } = config.GATEWAY_PRIVATE_KEYS
      ? fixedKeys(config.GATEWAY_PRIVATE_KEYS)
      : openKeyFile(keysFileOf(config), logger);
    const running = await startGateway({
      gatewayId: config.GATEWAY_ID,
      keys,
      dispatcherKeys: config.GATEWAY_DISPATCHER_KEYS,
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
        gatewayId: config.GATEWAY_ID,
        keys: {
          from: keys.file ?? 'GATEWAY_PRIVATE_KEYS',
          kids: keys.current().keys.map((key) => key.kid),
        },
        dispatcherKeys: config.GATEWAY_DISPATCHER_KEYS.keys.map((key) => key.kid),
        payloadRetentionDays: config.GATEWAY_PAYLOAD_RETENTION_DAYS,
      },
      // Relay first (no new messages), then deliveries in progress (briefly), HTTP, SQLite.
      stop: () => running.stop(5000),
    };
  },
});

/** The key file, tightened to owner-only if it was not (a warning when it cannot be). */
function openKeyFile(file: string, logger: Logger): GatewayKeyFile {
  const keys = GatewayKeyFile.open(file, (problem) =>
    logger.error(
      { phase: 'keys', problem },
      'the key file changed but cannot be read; keeping the keys in use',
    ),
  );
  if (!keys.private)
    logger.warn(
      { phase: 'keys', file },
      'the key file or its directory could not be made owner-only; fix their permissions',
    );
  return keys;
}
