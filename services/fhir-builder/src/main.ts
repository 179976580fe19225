import { createLogger, startTelemetry, stopOnSignals } from '@mbs/telemetry';
// Telemetry first: it must be in place before fastify, amqplib and mongoose are used.
const telemetry = startTelemetry({ serviceName: 'fhir-builder' });

import { Bus } from '@mbs/bus';
import { loadConfig } from '@mbs/config';
import { describeError } from '@mbs/errors';
import { connectStore } from '@mbs/store';
import { fhirBuilderVariables } from './config';
import { seedDemoDestinations } from './demo/demo-destinations';
import { createDestinationStore } from './destinations/destination-store';
import { startFhirBuilder } from './service';

async function main(): Promise<void> {
  const config = loadConfig(fhirBuilderVariables);
  const logger = createLogger({ service: 'fhir-builder', level: config.LOG_LEVEL });
  const store = await connectStore({
    url: config.MONGODB_URL,
    dbName: config.FHIR_BUILDER_DB_NAME,
    logger,
  });
  // Seed before consuming, so the first events already find the demo destinations.
  if (config.SEED_DEMO_DATA) {
    await seedDemoDestinations(createDestinationStore(store.connection), logger);
  }
  const bus = await Bus.connect({
    url: config.AMQP_URL,
    namespace: config.BUS_NAMESPACE,
    deadLetterRetentionMs: config.BUS_DEAD_LETTER_RETENTION_DAYS * 24 * 60 * 60 * 1000,
    service: 'fhir-builder',
    logger,
  });
  const { app } = await startFhirBuilder({ bus, store, logger });
  await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ host: config.HOST, port: config.PORT }, 'fhir-builder listening');

  // HTTP first (no new changes), then the bus (finish messages in hand), then the database.
  stopOnSignals('fhir-builder', logger, async () => {
    await app.close();
    await bus.close();
    await store.close();
    await telemetry.shutdown();
  });
}

main().catch((error: unknown) => {
  createLogger({ service: 'fhir-builder' }).fatal(
    { err: describeError(error) },
    'fhir-builder failed to start',
  );
  process.exit(1);
});
