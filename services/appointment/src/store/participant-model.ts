import { ParticipantSnapshot, type Sex } from '@mbs/contracts';
import { contractField } from '@mbs/store';
import { Schema, type Types } from 'mongoose';

/**
 * A person invited for screening. Every field is checked on every save with the contract's own
 * schema (`ParticipantSnapshot`: NHS number modulus 11, a real calendar date of birth, names of
 * at most 100 characters, a known sex), so a stored participant always makes a valid snapshot
 * and a send is never refused later for data that was accepted here.
 */
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

const field = ParticipantSnapshot.shape;

export const participantSchema = new Schema<ParticipantRecord>(
  {
    participantId: {
      type: String,
      required: true,
      index: { unique: true },
      ...contractField(field.participantId),
    },
    nhsNumber: {
      type: String,
      required: true,
      index: true,
      ...contractField(field.nhsNumber),
    },
    givenName: { type: String, required: true, ...contractField(field.givenName) },
    familyName: { type: String, required: true, ...contractField(field.familyName) },
    dateOfBirth: { type: String, required: true, ...contractField(field.dateOfBirth) },
    sex: { type: String, required: true, ...contractField(field.sex) },
  },
  { collection: 'participants', versionKey: false },
);
