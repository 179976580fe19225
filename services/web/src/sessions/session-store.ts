import { keyToObjectId, modelOn } from '@mbs/store';
import type { SessionStore } from '@fastify/session';
import type { Session } from 'fastify';
import { Schema, type Connection, type Types } from 'mongoose';

interface SessionDocument {
  /** `keyToObjectId('session:' + id)`: a hash, so the database never holds a usable session id. */
  _id: Types.ObjectId;
  /** Whose session it is (absent before sign-in), so disabling an account can end them all. */
  username?: string | null;
  /** The session as @fastify/session keeps it (JSON, its cookie included). */
  data: string;
  expiresAt: Date;
}

const sessionSchema = new Schema<SessionDocument>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    username: { type: String, required: false },
    data: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'sessions', versionKey: false },
);
// On real MongoDB expired sessions are removed by this TTL index; correctness never relies on it
// (every read filters by expiry, as the stand-in has no TTL).
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
sessionSchema.index({ username: 1 });

type Callback<T = void> = (error?: Error | null, value?: T) => void;

interface StoredSession {
  username?: string;
}

export interface SessionStoreOptions {
  /** How long a session lives after its last save (each use saves it, at most once a minute). */
  readonly idleMs: number;
  readonly now?: () => Date;
}

/**
 * @fastify/session's store on web's own MongoDB database, so a session is one record every web
 * replica reads, and ending it (signing out, disabling the account) takes effect at once
 * everywhere. Expired sessions are never returned, whether or not the database removed them.
 */
export class MongoSessionStore implements SessionStore {
  private readonly model;
  private readonly now: () => Date;

  constructor(
    connection: Connection,
    private readonly options: SessionStoreOptions,
  ) {
    this.model = modelOn(connection, 'Session', sessionSchema);
    this.now = options.now ?? (() => new Date());
  }

  private idOf(sessionId: string) {
    return keyToObjectId(`session:${sessionId}`);
  }

  set(sessionId: string, given: object, callback: Callback): void {
    const session = given as StoredSession;
    const data = JSON.stringify(session);
    // Idle expiry is decided here, on this store's clock: every save is a use of the session.
    const expiresAt = new Date(this.now().getTime() + this.options.idleMs);
    this.model
      .updateOne(
        { _id: this.idOf(sessionId) },
        { $set: { data, expiresAt, username: session.username ?? null } },
        { upsert: true },
      )
      .exec()
      .then(
        () => callback(null),
        (error: Error) => callback(error),
      );
  }

  get(sessionId: string, callback: (error: unknown, session?: Session | null) => void): void {
    this.model
      .findOne({ _id: this.idOf(sessionId), expiresAt: { $gt: this.now() } })
      .lean<SessionDocument>()
      .exec()
      .then(
        (doc) => callback(null, doc ? (JSON.parse(doc.data) as Session) : null),
        (error: Error) => callback(error),
      );
  }

  destroy(sessionId: string, callback: Callback): void {
    this.model
      .deleteOne({ _id: this.idOf(sessionId) })
      .exec()
      .then(
        () => callback(null),
        (error: Error) => callback(error),
      );
  }

  /** Ends every session of an account at once (it was disabled). Returns how many. */
  async destroyAllOf(username: string): Promise<number> {
    const result = await this.model.deleteMany({ username }).exec();
    return result.deletedCount;
  }

  /** Sessions alive now, for tests and health. */
  countAlive(): Promise<number> {
    return this.model.countDocuments({ expiresAt: { $gt: this.now() } }).exec();
  }
}
