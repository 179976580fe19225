import { AppointmentState, type Actor } from '@mbs/contracts';
import { appliedKeysDefinition } from '@mbs/store';
import { Schema, type Types } from 'mongoose';

/** One transition (or acknowledged fact) in an appointment's life: who, when, why, caused by what. */
export interface HistoryEntry {
  from: AppointmentState;
  to: AppointmentState;
  at: Date;
  /** The member of staff; absent when the hospital or the modality caused it. */
  by?: Actor;
  reason?: string;
  /** The id of the command or event that caused it (also the idempotency key). */
  causedBy: string;
  /** The contract type of that message, e.g. `message.confirmed`. */
  cause: string;
  /**
   * For a fact that changed nothing: how many times the same fact (same from, to and cause) came
   * again after this entry, and when it last did. Repeats are counted here instead of appended,
   * so a stream of them cannot grow the document without bound.
   */
  repeats?: number;
  lastRepeatAt?: Date;
}

export interface AppointmentRecord {
  _id: Types.ObjectId;
  appointmentId: string;
  clinicId: string;
  settingId: string;
  participantId: string;
  startsAt: Date;
  /** The end of the booked slot: the sent-to-modality snapshot carries it, so nobody guesses. */
  endsAt: Date;
  accessionNumber: string;
  state: AppointmentState;
  history: HistoryEntry[];
  appliedKeys: string[];
}

const actorSchema = new Schema<Actor>(
  { userId: { type: String, required: true }, name: { type: String, required: true } },
  { _id: false },
);

const historySchema = new Schema<HistoryEntry>(
  {
    from: { type: String, required: true, enum: AppointmentState.options },
    to: { type: String, required: true, enum: AppointmentState.options },
    at: { type: Date, required: true },
    by: { type: actorSchema, required: false },
    reason: { type: String, required: false },
    causedBy: { type: String, required: true },
    cause: { type: String, required: true },
    repeats: { type: Number, required: false },
    lastRepeatAt: { type: Date, required: false },
  },
  { _id: false },
);

export const appointmentSchema = new Schema<AppointmentRecord>(
  {
    appointmentId: { type: String, required: true, index: { unique: true } },
    clinicId: { type: String, required: true, index: true },
    settingId: { type: String, required: true },
    participantId: { type: String, required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    accessionNumber: { type: String, required: true, index: true },
    state: { type: String, required: true, enum: AppointmentState.options },
    history: { type: [historySchema], default: [] },
    appliedKeys: appliedKeysDefinition,
  },
  { collection: 'appointments', versionKey: false },
);

// A slot that ends before it starts would put an order on the hospital's worklist that no
// message can carry (the sent-to-modality contract refuses it): refuse it when it is written.
appointmentSchema.pre('validate', function () {
  if (this.startsAt && this.endsAt && this.endsAt.getTime() <= this.startsAt.getTime())
    this.invalidate('endsAt', 'must be after startsAt', this.endsAt);
});
