import { Schema, type Types } from 'mongoose';
import { z } from 'zod';

export const ClinicSession = z.enum(['morning', 'afternoon']);
export type ClinicSession = z.infer<typeof ClinicSession>;
export const ClinicType = z.enum(['screening', 'assessment']);
export type ClinicType = z.infer<typeof ClinicType>;
export const ClinicStatus = z.enum(['scheduled', 'in_progress', 'closed', 'cancelled']);
export type ClinicStatus = z.infer<typeof ClinicStatus>;

/** One session of one setting on one day. `date` is the local calendar date (YYYY-MM-DD). */
export interface ClinicRecord {
  _id: Types.ObjectId;
  clinicId: string;
  settingId: string;
  date: string;
  session: ClinicSession;
  type: ClinicType;
  status: ClinicStatus;
  startsAt: Date;
  endsAt: Date;
}

export const clinicSchema = new Schema<ClinicRecord>(
  {
    clinicId: { type: String, required: true, index: { unique: true } },
    settingId: { type: String, required: true, index: true },
    date: { type: String, required: true, match: /^\d{4}-\d{2}-\d{2}$/, index: true },
    session: { type: String, required: true, enum: ClinicSession.options },
    type: { type: String, required: true, enum: ClinicType.options },
    status: { type: String, required: true, enum: ClinicStatus.options },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
  },
  { collection: 'clinics', versionKey: false },
);
