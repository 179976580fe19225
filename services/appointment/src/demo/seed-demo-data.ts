import type { Logger } from '@mbs/telemetry';
import type { Model, Types } from 'mongoose';
import type { Models } from '../store/models';
import { demoData } from './demo-data';

export interface SeedResult {
  readonly settings: number;
  readonly clinics: number;
  readonly participants: number;
  readonly appointments: number;
}

/** Inserts the documents whose `_id` is not there yet; returns how many it inserted. */
async function insertMissing<T extends { _id: Types.ObjectId }>(
  model: Model<T>,
  documents: readonly T[],
): Promise<number> {
  if (documents.length === 0) return 0;
  const existing = await model
    .find({ _id: { $in: documents.map((d) => d._id) } }, { _id: 1 })
    .lean<Array<{ _id: Types.ObjectId }>>();
  const have = new Set(existing.map((d) => d._id.toHexString()));
  const missing = documents.filter((d) => !have.has(d._id.toHexString()));
  if (missing.length > 0) await model.insertMany(missing, { ordered: false });
  return missing.length;
}

/**
 * Loads the demo data for `today` (a London date). Idempotent: documents are keyed by their
 * readable ids, so running it again (or on another day) only adds what is missing and never
 * touches appointments that have moved on.
 */
export async function seedDemoData(models: Models, today: string): Promise<SeedResult> {
  const data = demoData(today);
  return {
    settings: await insertMissing(models.Setting, data.settings),
    participants: await insertMissing(models.Participant, data.participants),
    clinics: await insertMissing(models.Clinic, data.clinics),
    appointments: await insertMissing(models.Appointment, data.appointments),
  };
}

/** Seeds only a database with no settings and no appointments (a fresh start). */
export async function seedWhenEmpty(
  models: Models,
  today: string,
  logger: Logger,
): Promise<SeedResult | undefined> {
  const [settings, appointments] = await Promise.all([
    models.Setting.countDocuments(),
    models.Appointment.countDocuments(),
  ]);
  if (settings + appointments > 0) {
    logger.info({ settings, appointments }, 'database has data; demo data not loaded');
    return undefined;
  }
  const result = await seedDemoData(models, today);
  logger.info({ inserted: result, today }, 'database was empty; demo data loaded');
  return result;
}
