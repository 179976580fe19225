import { modelOn } from '@mbs/store';
import type { MessageOf, AppointmentCommandRejected } from '@mbs/contracts';
import { keyToObjectId } from '@mbs/store';
import { Schema, type Connection, type Types } from 'mongoose';

/** A refused staff command, kept for the person who clicked until they have seen why. */
export interface Rejection {
  readonly commandId: string;
  readonly commandType: string;
  readonly appointmentId: string;
  readonly reason: string;
  readonly at: Date;
}

interface RejectionDocument extends Rejection {
  /** `keyToObjectId('rejection:' + commandId)`: one record per command, however often told. */
  _id: Types.ObjectId;
  username: string;
  seenAt?: Date | null;
}

const rejectionSchema = new Schema<RejectionDocument>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    commandId: { type: String, required: true },
    commandType: { type: String, required: true },
    appointmentId: { type: String, required: true },
    username: { type: String, required: true },
    reason: { type: String, required: true },
    at: { type: Date, required: true },
    seenAt: { type: Date, required: false },
  },
  { collection: 'rejections', versionKey: false },
);
rejectionSchema.index({ username: 1, seenAt: 1, at: -1 });
// Removed after a week on real MongoDB; reads never rely on it (they filter by age).
rejectionSchema.index({ at: 1 }, { expireAfterSeconds: 7 * 24 * 3600 });

/** How long an unseen rejection is still worth showing: after that the page has moved on. */
export const REJECTION_SHOWN_FOR_MS = 24 * 3600 * 1000;

type RejectedEvent = MessageOf<typeof AppointmentCommandRejected>;

export type RejectionStore = ReturnType<typeof createRejectionStore>;

/**
 * Rejections in web's own database. Each is written by an upsert that only fills in a missing
 * record (`$setOnInsert`) or only stamps `seenAt`, so the durable consumer recording it and a live
 * page showing it can happen in either order, any number of times, and agree.
 */
export function createRejectionStore(connection: Connection, now: () => Date = () => new Date()) {
  const model = modelOn(connection, 'Rejection', rejectionSchema);
  const idOf = (commandId: string) => keyToObjectId(`rejection:${commandId}`);
  const fields = (event: RejectedEvent) => ({
    commandId: event.data.commandId,
    commandType: event.data.commandType,
    appointmentId: event.data.appointmentId,
    username: event.data.requestedBy.userId,
    reason: event.data.reason,
    at: new Date(event.occurredAt),
  });
  const view = (doc: RejectionDocument): Rejection => ({
    commandId: doc.commandId,
    commandType: doc.commandType,
    appointmentId: doc.appointmentId,
    reason: doc.reason,
    at: new Date(doc.at),
  });

  const unseenDocuments = (username: string) =>
    model
      .find({
        username,
        seenAt: null,
        at: { $gt: new Date(now().getTime() - REJECTION_SHOWN_FOR_MS) },
      })
      .sort({ at: 1 })
      .limit(20)
      .lean<RejectionDocument[]>()
      .exec();

  return {
    /** Keeps a rejection for its user (idempotent by command id). */
    async record(event: RejectedEvent): Promise<void> {
      await model
        .updateOne(
          { _id: idOf(event.data.commandId) },
          { $setOnInsert: fields(event) },
          { upsert: true },
        )
        .exec();
    },

    /** A live page showed it: it will not be shown again on the next page. */
    async markShown(event: RejectedEvent): Promise<void> {
      await model
        .updateOne(
          { _id: idOf(event.data.commandId) },
          { $set: { seenAt: now() }, $setOnInsert: fields(event) },
          { upsert: true },
        )
        .exec();
    },

    /** The rejections a user has not seen yet, oldest first (read only). */
    async unseen(username: string): Promise<Rejection[]> {
      return (await unseenDocuments(username)).map(view);
    },

    /**
     * The rejections a user has not seen, oldest first, marked seen as they are taken: a page
     * shows each once.
     */
    async takeUnseen(username: string): Promise<Rejection[]> {
      const docs = await unseenDocuments(username);
      if (docs.length > 0) {
        await model
          .updateMany(
            { _id: { $in: docs.map((d) => d._id) }, seenAt: null },
            { $set: { seenAt: now() } },
          )
          .exec();
      }
      return docs.map(view);
    },
  };
}
