import { beginProcess } from '@mbs/telemetry';
// First, before the imports below: telemetry starts here, so its tracing patches http, fastify,
// amqplib and mongoose as they load.
const appointment = beginProcess({ name: 'appointment service', service: 'appointment' });

import { brokerSettings, Bus } from '@mbs/bus';
import { loadConfig } from '@mbs/config';
import { londonDate } from '@mbs/contracts';
import { connectStore } from '@mbs/store';
import { appointmentVariables } from './config';
import { seedWhenEmpty } from './demo/seed-demo-data';
import { buildHttpApi } from './routes/http-api';
import { CONSUMER, startAppointmentService } from './service';
import { createModels } from './store/models';

appointment.run({
  config: () => loadConfig(appointmentVariables),
  start: async ({ config, logger }) => {
    const store = await connectStore({
      url: config.MONGODB_URL,
      dbName: config.APPOINTMENT_DB_NAME,
      logger,
    });
    const bus = await Bus.connect({
      ...brokerSettings(config),
      service: 'appointment',
      logger,
    });
    // Seed before consuming, so a command for a demo appointment never finds it missing.
    const models = createModels(store.connection);
    if (config.SEED_DEMO_DATA) await seedWhenEmpty(models, londonDate(new Date()), logger);
    // web's public keys: its staff tokens on the API, its signatures on staff commands.
    const staffKeys = config.STAFF_TOKEN_KEYS;
    await startAppointmentService({ bus, store, logger, staffKeys });

    const app = await buildHttpApi({
      models,
      logger,
      staffKeys,
      health: { store: () => store.health(), bus: () => bus.health() },
      deadLetters: bus.deadLetters(CONSUMER),
    });
    const address = await app.listen({ host: config.HOST, port: config.PORT });
    return {
      listening: { address },
      // The HTTP server first (no new queries), then the bus (finish messages in hand), then the
      // store those messages write to.
      stop: async () => {
        await app.close();
        await bus.close();
        await store.close();
      },
    };
  },
});
