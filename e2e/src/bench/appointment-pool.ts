import { createLogger } from '@mbs/telemetry';
import { createRequire } from 'node:module';
import { getJson } from '../system/clients';
import type { RunningSystem } from '../system/system';

/** The settings the demo data gives a destination: Leeds (FHIR R4 over HTTP), York (a folder). */
export const BENCH_SETTINGS = ['setting-leeds', 'setting-york'] as const;

/** The clinics API answers at most this many days at once (its MAX_RANGE_DAYS). */
const MAX_RANGE_DAYS = 92;
/** One seeding adds this many clinic days (the appointment service's CLINIC_DAYS). */
const DAYS_PER_SEEDING = 4;

/**
 * The parts of the appointment service's built code the bench uses to seed more clinic days. They
 * are loaded from its `dist/` at run time because they are internals, not its package API: the
 * bench needs more appointments than one day's demo data holds (about 110 booked at Leeds and
 * York), and seeding later days with the service's own generator gives the same realistic data.
 */
interface AppointmentInternals {
  readonly seedDemoData: (models: unknown, today: string) => Promise<unknown>;
  readonly createModels: (connection: unknown) => unknown;
  readonly londonDate: (instant: Date) => string;
  readonly addDays: (date: string, days: number) => string;
  readonly connectStore: (options: {
    url: string;
    dbName: string;
    logger: unknown;
  }) => Promise<{ connection: unknown; close(): Promise<void> }>;
}

function appointmentInternals(): AppointmentInternals {
  const fromService = createRequire(require.resolve('@mbs/appointment'));
  return {
    ...(fromService('./demo/seed-demo-data.js') as Pick<AppointmentInternals, 'seedDemoData'>),
    ...(fromService('./store/models.js') as Pick<AppointmentInternals, 'createModels'>),
    ...(fromService('./domain/london-time.js') as Pick<
      AppointmentInternals,
      'londonDate' | 'addDays'
    >),
    ...(fromService('@mbs/store') as Pick<AppointmentInternals, 'connectStore'>),
  };
}

/**
 * At least `wanted` booked appointments at Leeds and York, seeding further clinic days (four at a
 * time, up to the three months the clinics API lists) until there are enough.
 */
export async function bookedPool(system: RunningSystem, wanted: number): Promise<string[]> {
  const internals = appointmentInternals();
  const today = internals.londonDate(new Date());
  let days = DAYS_PER_SEEDING;
  let pool = await bookedBetween(system, today, internals.addDays(today, days - 1));
  if (pool.length >= wanted) return pool;

  const { MONGODB_URL, APPOINTMENT_DB_NAME } = system.parts.appointment.spec.env;
  const store = await internals.connectStore({
    url: MONGODB_URL!,
    dbName: APPOINTMENT_DB_NAME!,
    logger: createLogger({ service: 'bench-seed', level: 'warn' }),
  });
  try {
    const models = internals.createModels(store.connection);
    while (pool.length < wanted && days + DAYS_PER_SEEDING <= MAX_RANGE_DAYS) {
      await internals.seedDemoData(models, internals.addDays(today, days));
      days += DAYS_PER_SEEDING;
      pool = await bookedBetween(system, today, internals.addDays(today, days - 1));
    }
  } finally {
    await store.close();
  }
  if (pool.length < wanted)
    throw new Error(
      `only ${pool.length} appointments could be booked for the bench (${MAX_RANGE_DAYS} days of ` +
        `demo data); ask for at most that many (BENCH_MESSAGES, or BENCH_RATE x BENCH_DURATION_S)`,
    );
  return pool;
}

/** Booked appointments of the bench's settings in a date range, alternating between settings. */
async function bookedBetween(system: RunningSystem, from: string, to: string): Promise<string[]> {
  const perSetting = await Promise.all(
    BENCH_SETTINGS.map(async (settingId) => {
      const { clinics } = await getJson<{ clinics: Array<{ clinicId: string }> }>(
        `${system.urls.appointment}/clinics?settingId=${settingId}&from=${from}&to=${to}`,
      );
      const ids: string[] = [];
      for (const clinic of clinics) {
        const { appointments } = await getJson<{
          appointments: Array<{ appointmentId: string; state: string }>;
        }>(`${system.urls.appointment}/clinics/${clinic.clinicId}/appointments`);
        ids.push(...appointments.filter((a) => a.state === 'booked').map((a) => a.appointmentId));
      }
      return ids;
    }),
  );
  return interleave(perSetting);
}

/** [[a1, a2], [b1]] -> [a1, b1, a2]: every destination gets its share of any prefix. */
export function interleave<T>(lists: readonly (readonly T[])[]): T[] {
  const longest = Math.max(0, ...lists.map((list) => list.length));
  return Array.from({ length: longest }, (_, i) => i).flatMap((i) =>
    lists.flatMap((list) => list.slice(i, i + 1)),
  );
}
