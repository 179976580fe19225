import { OdsCode } from '@mbs/contracts';
import { contractField } from '@mbs/store';
import { Schema, type Types } from 'mongoose';

/** A hospital site (breast screening unit) where clinics run. `settingId` is the readable id. */
export interface SettingRecord {
  _id: Types.ObjectId;
  settingId: string;
  name: string;
  /** e.g. 'static' (a hospital unit) or 'mobile' (a screening van). */
  kind: 'static' | 'mobile';
  address: string;
  /** The NHS ODS code of the trust the unit belongs to: orders name the requesting organisation by it. */
  odsCode: OdsCode;
}

export const settingSchema = new Schema<SettingRecord>(
  {
    settingId: { type: String, required: true, index: { unique: true } },
    name: { type: String, required: true },
    kind: { type: String, required: true, enum: ['static', 'mobile'] },
    address: { type: String, required: true },
    odsCode: { type: String, required: true, ...contractField(OdsCode) },
  },
  { collection: 'settings', versionKey: false },
);
