import { PermanentError } from '@mbs/errors';
import { type Document, type Model, type QueryFilter, type UpdateQuery } from 'mongoose';

/** The array field where a document remembers which idempotency keys changed it. */
export const APPLIED_KEYS = 'appliedKeys';

/**
 * Declare it in every schema whose documents `applyOnce` changes:
 * `new Schema({ state: String, appliedKeys: appliedKeysDefinition })`. Without it mongoose's
 * strict mode would drop the `$push` silently and nothing would ever count as a duplicate.
 */
export const appliedKeysDefinition = { type: [String], default: [] };

/** How many recent keys a document remembers by default (see `keepKeys`). */
export const DEFAULT_KEEP_KEYS = 100;

export interface ApplyOnceChange<TRaw> {
  /** `_id` of the document to change. */
  readonly id: unknown;
  /** The idempotency key of the change (e.g. the command id); applied at most once. */
  readonly key: string;
  /**
   * REQUIRED precondition on the current document, e.g. `{ state: 'checked_in' }`, or
   * `{ version: 7 }` with `$inc: { version: 1 }` in the update when the change has no state to
   * guard it. This is what makes the change idempotent: once it is applied the precondition no
   * longer holds, so a redelivery comes back `refused` however old its key is. `appliedKeys` is
   * only the fast path that recognises a recent redelivery as `duplicate` (same event re-emitted).
   * An empty object is refused with a TypeError.
   */
  readonly when: QueryFilter<TRaw>;
  /** The change, e.g. `{ $set: { state: 'sent_to_modality', sentAt: now } }`. */
  readonly update: UpdateQuery<TRaw>;
  /**
   * The document keeps only the latest `keepKeys` keys (default 100) so it cannot grow without
   * bound. A key older than that, redelivered, is no longer recognised as `duplicate`; the
   * precondition then refuses it (`refused`), so it is still not applied twice.
   */
  readonly keepKeys?: number;
}

export type ApplyOnceResult<TDocument> =
  /** The change was made now; `document` is the state after it. */
  | { readonly outcome: 'applied'; readonly document: TDocument }
  /** This key already changed the document: nothing changed; re-emit the same event. */
  | { readonly outcome: 'duplicate'; readonly document: TDocument }
  /** The precondition does not hold (e.g. wrong state): nothing changed. */
  | { readonly outcome: 'refused'; readonly document: TDocument }
  /** No document has this `_id`. */
  | { readonly outcome: 'not_found' };

export type ApplyOnceOutcome = ApplyOnceResult<unknown>['outcome'];

/**
 * Applies a change to one document at most once per idempotency key, atomically and without
 * transactions: one conditional `findOneAndUpdate` matches the `_id`, the precondition and "key
 * not applied yet", makes the change and records the key together. Only when it matches nothing
 * is the document read once, to tell `duplicate`, `refused` and `not_found` apart. Concurrent
 * calls with the same key: exactly one is `applied`.
 *
 * The guard is the precondition `when` (required, never empty), as ENVIRONMENT.md asks: a
 * single-document conditional update on the `_id`. `appliedKeys` remembers only the latest
 * `keepKeys` keys; it is the fast path that tells a recent redelivery (`duplicate`: re-emit the
 * event) from a genuine conflict (`refused`). A redelivery older than that is still not applied
 * twice, because the change it made already falsified the precondition.
 *
 * Example (appointment service, "send to modality"):
 * ```ts
 * const result = await applyOnce(Appointment, {
 *   id: appointmentId,
 *   key: command.commandId,
 *   when: { state: 'checked_in' },
 *   update: { $set: { state: 'sent_to_modality', sentToModalityAt: new Date() } },
 * });
 * ```
 */
export async function applyOnce<
  TRaw,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- accept any model's helpers/methods
  THydrated extends Document = any,
>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  model: Model<TRaw, any, any, any, THydrated>,
  change: ApplyOnceChange<TRaw>,
): Promise<ApplyOnceResult<THydrated>> {
  const { id, key, when, update, keepKeys = DEFAULT_KEEP_KEYS } = change;
  if (typeof key !== 'string' || key === '') {
    throw new TypeError('applyOnce needs a non-empty string key');
  }
  if (typeof when !== 'object' || when === null || Object.keys(when).length === 0) {
    throw new TypeError(
      'applyOnce needs a precondition `when` that the change itself falsifies (e.g. ' +
        "{ state: 'checked_in' }, or { version: n } with $inc: { version: 1 }): appliedKeys " +
        'remembers only the latest keepKeys keys, so without it an older redelivered key would ' +
        'be applied a second time',
    );
  }
  if (!Number.isInteger(keepKeys) || keepKeys < 1) {
    throw new RangeError('applyOnce: keepKeys must be a positive integer');
  }
  if (!model.schema.path(APPLIED_KEYS)) {
    throw new PermanentError(
      'applied_keys_not_in_schema',
      `Model ${model.modelName} has no "${APPLIED_KEYS}" path; add \`${APPLIED_KEYS}: appliedKeysDefinition\` to its schema`,
    );
  }
  const reserved = [APPLIED_KEYS, '_id'];
  if (reserved.some((field) => field in (when as object))) {
    throw new TypeError(`applyOnce: "when" must not constrain ${reserved.join(' or ')}`);
  }
  const push = (update as { $push?: Record<string, unknown> }).$push;
  if (push && APPLIED_KEYS in push) {
    throw new TypeError(
      `applyOnce records the key itself; the update must not $push ${APPLIED_KEYS}`,
    );
  }

  const filter = { ...when, _id: id, [APPLIED_KEYS]: { $ne: key } } as QueryFilter<TRaw>;
  const withKey = {
    ...update,
    $push: { ...push, [APPLIED_KEYS]: { $each: [key], $slice: -keepKeys } },
  } as UpdateQuery<TRaw>;

  const applied = (await model.findOneAndUpdate(filter, withKey, {
    returnDocument: 'after',
  })) as THydrated | null;
  if (applied) return { outcome: 'applied', document: applied };

  const current = (await model.findById(id)) as THydrated | null;
  if (!current) return { outcome: 'not_found' };
  const keys = current.get(APPLIED_KEYS) as unknown;
  if (Array.isArray(keys) && keys.includes(key)) return { outcome: 'duplicate', document: current };
  return { outcome: 'refused', document: current };
}
