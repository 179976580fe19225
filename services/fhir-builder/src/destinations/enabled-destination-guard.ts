import { insertOnce, keyToObjectId } from '@mbs/store';
import { type Connection, Schema, type Types } from 'mongoose';
import { DestinationConflictError } from './destination-errors';

/**
 * One document per setting, `_id` = `keyToObjectId(settingId)`, naming the destination that is
 * enabled for it (`destinationId`, null when none is). Enabling a destination claims it, disabling
 * releases it. It makes "one enabled destination per setting" hold under concurrency without a
 * unique secondary index (the MongoDB stand-in does not enforce them): only `_id` uniqueness and
 * single-document conditional updates are relied on, which both real MongoDB and the stand-in
 * honour, so of two admins enabling two destinations at once exactly one wins.
 */
interface GuardDocument {
  _id: Types.ObjectId;
  settingId: string;
  destinationId: string | null;
  /** When the holder claimed it, in epoch ms (a number: the stand-in's files turn dates into strings). */
  claimedAt: number;
}

const guardSchema = new Schema<GuardDocument>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    settingId: { type: String, required: true },
    destinationId: { type: String, default: null },
    claimedAt: { type: Number, required: true },
  },
  { collection: 'enabled_destination_guards', versionKey: false },
);

/**
 * A holder that is not actually enabled in the setting (the process died between claiming and
 * writing the destination, or between disabling and releasing) is taken over, but only once its
 * claim is this old: younger, its owner may still be writing the destination.
 */
export const STALE_CLAIM_MS = 60_000;

/** Tries before giving up on a guard that keeps changing under us (a conflict, 409). */
const MAX_TRIES = 5;

export interface EnabledDestinationGuard {
  /** Makes `destinationId` the enabled destination of the setting, or throws DestinationConflictError. */
  claim(settingId: string, destinationId: string, now: Date): Promise<void>;
  /** Frees the setting, if `destinationId` holds it. */
  release(settingId: string, destinationId: string, now: Date): Promise<void>;
}

export function enabledDestinationGuard(
  connection: Connection,
  isEnabledIn: (destinationId: string, settingId: string) => Promise<boolean>,
): EnabledDestinationGuard {
  const model = connection.model<GuardDocument>('EnabledDestinationGuard', guardSchema);

  async function claim(settingId: string, destinationId: string, now: Date): Promise<void> {
    const _id = keyToObjectId(settingId);
    const claimedAt = now.getTime();
    let holder: string | null = null;
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      // A free guard: whoever sets it first wins, the conditional update is atomic.
      const taken = await model
        .findOneAndUpdate(
          { _id, destinationId: null },
          { $set: { destinationId, claimedAt } },
          { returnDocument: 'after' },
        )
        .lean<GuardDocument>();
      if (taken) return;
      // No guard yet (first claim for this setting): the `_id` lets one insert win.
      const { created, document } = await insertOnce(model, {
        _id,
        settingId,
        destinationId,
        claimedAt,
      });
      if (created || document.destinationId === destinationId) return;
      holder = document.destinationId;
      if (holder === null) continue; // released in between: try to take it again
      const stale =
        claimedAt - document.claimedAt >= STALE_CLAIM_MS && !(await isEnabledIn(holder, settingId));
      if (!stale) throw new DestinationConflictError(settingId, holder);
      const takenOver = await model
        .findOneAndUpdate(
          { _id, destinationId: holder, claimedAt: document.claimedAt },
          { $set: { destinationId, claimedAt } },
          { returnDocument: 'after' },
        )
        .lean<GuardDocument>();
      if (takenOver) return;
    }
    throw new DestinationConflictError(settingId, holder ?? 'another destination');
  }

  async function release(settingId: string, destinationId: string, now: Date): Promise<void> {
    await model.updateOne(
      { _id: keyToObjectId(settingId), destinationId },
      { $set: { destinationId: null, claimedAt: now.getTime() } },
    );
  }

  return { claim, release };
}
