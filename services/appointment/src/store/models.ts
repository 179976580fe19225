import { keyToObjectId } from '@mbs/store';
import type { Connection, Model, Schema, Types } from 'mongoose';
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
    Setting: model(connection, 'Setting', settingSchema),
    Clinic: model(connection, 'Clinic', clinicSchema),
    Participant: model(connection, 'Participant', participantSchema),
    Appointment: model(connection, 'Appointment', appointmentSchema),
  };
}

/** The connection's model of that name, registered on first use (so wiring twice is harmless). */
function model<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

/**
 * The `_id` of a document with a readable id. The MongoDB stand-in accepts only ObjectId `_id`s,
 * so every document is keyed by an ObjectId derived from its readable id (which it also keeps
 * in a field of its own): a lookup by readable id is a lookup by `_id`.
 */
export function idFor(readableId: string): Types.ObjectId {
  return keyToObjectId(readableId);
}
