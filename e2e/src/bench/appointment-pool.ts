import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { bookedAppointments } from '../system/flow';
import type { RunningSystem } from '../system/system';

const execFileAsync = promisify(execFile);

/** The settings the demo data gives a destination: Leeds (FHIR R4 over HTTP), York (a folder). */
export const BENCH_SETTINGS = ['setting-leeds', 'setting-york'] as const;

/** The clinics API answers at most this many days at once (its MAX_RANGE_DAYS). */
const MAX_RANGE_DAYS = 92;
/** One seeding adds this many clinic days (the appointment service's CLINIC_DAYS). */
const DAYS_PER_SEEDING = 4;

/** The dates the bench needs, as the appointment service counts them (London calendar days). */
const londonToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The appointment service's documented seed command (`npm run seed -w @mbs/appointment -- --from
 * DATE`), run from its build against the bench's own database: more clinic days of the same
 * realistic demo data, through the service's public command rather than its internals.
 */
async function seedClinicDays(system: RunningSystem, from: string): Promise<void> {
  const seedCommand = path.join(
    path.dirname(require.resolve('@mbs/appointment/package.json')),
    'dist/demo/seed-command.js',
  );
  const { MONGODB_URL, APPOINTMENT_DB_NAME } = system.parts.appointment.spec.env;
  await execFileAsync(process.execPath, [seedCommand, '--from', from], {
    env: { ...process.env, MONGODB_URL, APPOINTMENT_DB_NAME, LOG_LEVEL: 'warn' },
    timeout: 60_000,
  });
}

/**
 * At least `wanted` booked appointments at Leeds and York, seeding further clinic days (four at a
 * time, up to the three months the clinics API lists) until there are enough.
 */
export async function bookedPool(system: RunningSystem, wanted: number): Promise<string[]> {
  const today = londonToday();
  let days = DAYS_PER_SEEDING;
  let pool = await bookedBetween(system, today, addDays(today, days - 1));
  while (pool.length < wanted && days + DAYS_PER_SEEDING <= MAX_RANGE_DAYS) {
    await seedClinicDays(system, addDays(today, days));
    days += DAYS_PER_SEEDING;
    pool = await bookedBetween(system, today, addDays(today, days - 1));
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
    BENCH_SETTINGS.map((settingId) => bookedAppointments(system, settingId, { from, to })),
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
