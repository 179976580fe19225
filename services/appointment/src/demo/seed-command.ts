// `npm run seed -w @mbs/appointment [-- --from YYYY-MM-DD]`: loads the demo data (clinics on the
// first few days from today, or from the given date) into the database on MONGODB_URL, adding
// only what is missing (safe to run on a database in use).
import { loadConfig } from '@mbs/config';
import { CalendarDate } from '@mbs/contracts';
import { connectStore } from '@mbs/store';
import { createLogger } from '@mbs/telemetry';
import { storeSpec } from '../config';
import { londonDate } from '@mbs/contracts';
import { createModels } from '../store/models';
import { seedDemoData } from './seed-demo-data';

/** The first clinic day: `--from YYYY-MM-DD`, else today in London. */
function firstDay(argv: readonly string[]): string {
  const index = argv.indexOf('--from');
  if (index === -1) return londonDate(new Date());
  const parsed = CalendarDate.safeParse(argv[index + 1]);
  if (!parsed.success)
    throw new Error(`--from needs a date as YYYY-MM-DD, not "${argv[index + 1] ?? ''}"`);
  return parsed.data;
}

async function seed(): Promise<void> {
  const from = firstDay(process.argv.slice(2));
  const config = loadConfig(storeSpec);
  const logger = createLogger({ service: 'appointment-seed', level: config.LOG_LEVEL });
  const store = await connectStore({
    url: config.MONGODB_URL,
    dbName: config.APPOINTMENT_DB_NAME,
    logger,
  });
  try {
    const inserted = await seedDemoData(createModels(store.connection), from);
    logger.info({ inserted, from }, 'demo data seeded');
  } finally {
    await store.close();
  }
}

seed().catch((error: unknown) => {
  createLogger({ service: 'appointment-seed' }).fatal({ err: String(error) }, 'seeding failed');
  process.exit(1);
});
