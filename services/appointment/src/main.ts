import { telemetry } from './telemetry'; // first: tracing must load before http, amqplib, mongoose
import { Bus } from '@mbs/bus';
import { loadConfig } from '@mbs/config';
import { connectStore } from '@mbs/store';
import { createLogger, stopOnSignals } from '@mbs/telemetry';
import { appointmentVariables } from './config';
import { seedWhenEmpty } from './demo/seed-demo-data';
import { londonDate } from '@mbs/contracts';
import { buildHttpApi } from './routes/http-api';
import { startAppointmentService } from './service';
import { createModels } from './store/models';

async function main(): Promise<void> {
  const config = loadConfig(appointmentVariables);
  const logger = createLogger({ service: 'appointment', level: config.LOG_LEVEL });
  const store = await connectStore({
    url: config.MONGODB_URL,
    dbName: config.APPOINTMENT_DB_NAME,
    logger,
  });
  const bus = await Bus.connect({
    url: config.AMQP_URL,
    namespace: config.BUS_NAMESPACE,
    deadLetterRetentionMs: config.BUS_DEAD_LETTER_RETENTION_DAYS * 24 * 60 * 60 * 1000,
    service: 'appointment',
    logger,
  });
  // Seed before consuming, so a command for a demo appointment never finds it missing.
  const models = createModels(store.connection);
  if (config.SEED_DEMO_DATA) await seedWhenEmpty(models, londonDate(new Date()), logger);
  await startAppointmentService({ bus, store, logger });

  const app = await buildHttpApi({
    models,
    logger,
    health: { store: () => store.health(), bus: () => bus.health() },
  });
  const address = await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ address }, 'appointment service listening');

  // The HTTP server first (no new queries), then the bus (finish messages in hand), then the
  // store those messages write to, then flush the spans.
  stopOnSignals('appointment service', logger, async () => {
    await app.close();
    await bus.close();
    await store.close();
    await telemetry.shutdown();
  });
}

main().catch((error: unknown) => {
  createLogger({ service: 'appointment' }).fatal(
    { err: String(error) },
    'appointment service failed to start',
  );
  process.exit(1);
});
