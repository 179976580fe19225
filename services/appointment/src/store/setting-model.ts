import { Schema, type Types } from 'mongoose';

/** A hospital site (breast screening unit) where clinics run. `settingId` is the readable id. */
export interface SettingRecord {
  _id: Types.ObjectId;
  settingId: string;
  name: string;
  /** e.g. 'static' (a hospital unit) or 'mobile' (a screening van). */
  kind: 'static' | 'mobile';
  address: string;
}

export const settingSchema = new Schema<SettingRecord>(
  {
    settingId: { type: String, required: true, index: { unique: true } },
    name: { type: String, required: true },
    kind: { type: String, required: true, enum: ['static', 'mobile'] },
    address: { type: String, required: true },
  },
  { collection: 'settings', versionKey: false },
);
