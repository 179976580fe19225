import { keyToObjectId, modelOn } from '@mbs/store';
import type { Connection, Model, Types } from 'mongoose';
import { appointmentSchema, type AppointmentRecord } from './appointment-model';
import { clinicSchema, type ClinicRecord } from './clinic-model';
import { participantSchema, type ParticipantRecord } from './participant-model';
import { settingSchema, type SettingRecord } from './setting-model';

export interface Models {
  readonly Setting: Model<SettingRecord>;
  readonly Clinic: Model<ClinicRecord>;
  readonly Participant: Model<ParticipantRecord>;
  readonly Appointment: Model<AppointmentRecord>;
}

/** Registers the service's models on its own connection (never mongoose's global one). */
export function createModels(connection: Connection): Models {
  return {
    Setting: modelOn(connection, 'Setting', settingSchema),
    Clinic: modelOn(connection, 'Clinic', clinicSchema),
    Participant: modelOn(connection, 'Participant', participantSchema),
    Appointment: modelOn(connection, 'Appointment', appointmentSchema),
  };
}

/**
 * The `_id` of a document with a readable id. The MongoDB stand-in accepts only ObjectId `_id`s,
 * so every document is keyed by an ObjectId derived from its readable id (which it also keeps
 * in a field of its own): a lookup by readable id is a lookup by `_id`.
 */
export function idFor(readableId: string): Types.ObjectId {
  return keyToObjectId(readableId);
}
