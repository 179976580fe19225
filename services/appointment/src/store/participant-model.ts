import { isValidNhsNumber, type Sex } from '@mbs/contracts';
import { Schema, type Types } from 'mongoose';

/** A person invited for screening. The NHS number is checked (modulus 11) on every save. */
export interface ParticipantRecord {
  _id: Types.ObjectId;
  participantId: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD: a calendar date, not an instant. */
  dateOfBirth: string;
  sex: Sex;
}

export const participantSchema = new Schema<ParticipantRecord>(
  {
    participantId: { type: String, required: true, index: { unique: true } },
    nhsNumber: {
      type: String,
      required: true,
      index: true,
      validate: {
        validator: isValidNhsNumber,
        message: 'is not a valid NHS number (ten digits with a correct check digit)',
      },
    },
    givenName: { type: String, required: true },
    familyName: { type: String, required: true },
    dateOfBirth: { type: String, required: true, match: /^\d{4}-\d{2}-\d{2}$/ },
    sex: { type: String, required: true, enum: ['female', 'male', 'other', 'unknown'] },
  },
  { collection: 'participants', versionKey: false },
);
