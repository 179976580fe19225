// `npm run seed -w @mbs/appointment`: loads the demo data for today into the database on
// MONGODB_URL, adding only what is missing (safe to run on a database in use).
import { loadConfig } from '@mbs/config';
import { connectStore } from '@mbs/store';
import { createLogger } from '@mbs/telemetry';
import { storeSpec } from '../config';
import { londonDate } from '../domain/london-time';
import { createModels } from '../store/models';
import { seedDemoData } from './seed-demo-data';

async function seed(): Promise<void> {
  const config = loadConfig(storeSpec);
  const logger = createLogger({ service: 'appointment-seed', level: config.LOG_LEVEL });
  const store = await connectStore({
    url: config.MONGODB_URL,
    dbName: config.APPOINTMENT_DB_NAME,
    logger,
  });
  try {
    const today = londonDate(new Date());
    const inserted = await seedDemoData(createModels(store.connection), today);
    logger.info({ inserted, today }, 'demo data seeded');
  } finally {
    await store.close();
  }
}

seed().catch((error: unknown) => {
  createLogger({ service: 'appointment-seed' }).fatal({ err: String(error) }, 'seeding failed');
  process.exit(1);
});
