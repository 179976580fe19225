import { beginProcess } from '@mbs/telemetry';
// First, before the imports below: telemetry starts here, so its tracing patches http, fastify,
// amqplib and mongoose as they load.
const fhirBuilder = beginProcess({ name: 'fhir-builder', service: 'fhir-builder' });

import { brokerSettings, Bus } from '@mbs/bus';
import { loadConfig } from '@mbs/config';
import { connectStore } from '@mbs/store';
import { fhirBuilderVariables } from './config';
import { seedDemoDestinations } from './demo/demo-destinations';
import { createDestinationStore } from './destinations/destination-store';
import { startFhirBuilder } from './service';

fhirBuilder.run({
  config: () => loadConfig(fhirBuilderVariables),
  start: async ({ config, logger }) => {
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
      ...brokerSettings(config),
      service: 'fhir-builder',
      logger,
    });
    const { app } = await startFhirBuilder({
      bus,
      store,
      logger,
      staffKeys: config.STAFF_TOKEN_KEYS,
    });
    await app.listen({ host: config.HOST, port: config.PORT });
    return {
      listening: { host: config.HOST, port: config.PORT },
      // HTTP first (no new changes), then the bus (finish messages in hand), then the database.
      stop: async () => {
        await app.close();
        await bus.close();
        await store.close();
      },
    };
  },
});
