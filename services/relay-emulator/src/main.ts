import { loadConfig } from '@mbs/config';
import { createLogger, stopOnSignals } from '@mbs/telemetry';
import { emulatorVariables, entitiesFrom } from './emulator-config';
import { createRelayEmulator } from './server';

async function main(): Promise<void> {
  const config = loadConfig(emulatorVariables);
  const logger = createLogger({ service: 'relay-emulator', level: config.LOG_LEVEL });
  const entities = entitiesFrom(config.RELAY_EMULATOR_ENTITIES);
  const emulator = await createRelayEmulator({
    port: config.RELAY_EMULATOR_PORT,
    host: config.RELAY_EMULATOR_HOST,
    entities,
    logger,
    rendezvousTtlMs: config.RELAY_EMULATOR_RENDEZVOUS_TTL_MS,
    httpResponseTimeoutMs: config.RELAY_EMULATOR_HTTP_TIMEOUT_MS,
    heartbeatIntervalMs: config.RELAY_EMULATOR_HEARTBEAT_MS,
  });
  logger.info(
    {
      endpoint: emulator.url,
      hybridConnections: entities.map((entity) => ({
        path: entity.path,
        keys: entity.keys.map((key) => ({ name: key.name, rights: key.rights })),
      })),
    },
    'relay emulator listening',
  );

  stopOnSignals('relay emulator', logger, async () => {
    await emulator.close();
  });
}

main().catch((error: unknown) => {
  createLogger({ service: 'relay-emulator' }).fatal(
    { err: String(error) },
    'relay emulator failed to start',
  );
  process.exit(1);
});
