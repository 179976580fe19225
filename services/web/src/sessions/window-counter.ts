import { keyToObjectId, modelOn } from '@mbs/store';
import { Schema, type Connection, type Types } from 'mongoose';

interface CounterDocument {
  /** `keyToObjectId('counter:' + key + ':' + window start)`: one document per key and window. */
  _id: Types.ObjectId;
  key: string;
  count: number;
  expiresAt: Date;
}

const counterSchema = new Schema<CounterDocument>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    count: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'rate_counters', versionKey: false },
);
// Real MongoDB removes old windows; counting never relies on it (a window is found by its start).
counterSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export interface WindowCount {
  /** How many in the current window, this one included. */
  readonly count: number;
  /** Milliseconds until the window ends and the count starts again. */
  readonly remainingMs: number;
}

export type WindowCounter = ReturnType<typeof createWindowCounter>;

/**
 * Counts events per key in fixed time windows, in web's database, so every replica counts
 * together (sign-in attempts per address and per account). One atomic upsert per count.
 */
export function createWindowCounter(connection: Connection, now: () => number = Date.now) {
  const model = modelOn(connection, 'RateCounter', counterSchema);
  const windowOf = (windowMs: number) => {
    const start = Math.floor(now() / windowMs) * windowMs;
    return { start, end: start + windowMs };
  };
  const idOf = (key: string, start: number) => keyToObjectId(`counter:${key}:${start}`);

  return {
    async increment(key: string, windowMs: number): Promise<WindowCount> {
      const { start, end } = windowOf(windowMs);
      const update = () =>
        model
          .findOneAndUpdate(
            { _id: idOf(key, start) },
            { $inc: { count: 1 }, $setOnInsert: { key, expiresAt: new Date(end) } },
            { upsert: true, returnDocument: 'after' },
          )
          .lean<CounterDocument>()
          .exec();
      let doc: CounterDocument | null;
      try {
        doc = await update();
      } catch (error) {
        // Two first counts raced to insert: the loser's retry finds the document and counts.
        if ((error as { code?: number }).code !== 11000) throw error;
        doc = await update();
      }
      return { count: doc?.count ?? 1, remainingMs: end - now() };
    },

    async read(key: string, windowMs: number): Promise<WindowCount> {
      const { start, end } = windowOf(windowMs);
      const doc = await model.findById(idOf(key, start)).lean<CounterDocument>().exec();
      return { count: doc?.count ?? 0, remainingMs: end - now() };
    },

    async reset(key: string, windowMs: number): Promise<void> {
      const { start } = windowOf(windowMs);
      await model.deleteOne({ _id: idOf(key, start) }).exec();
    },
  };
}
