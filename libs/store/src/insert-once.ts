import { type Document, type Model } from 'mongoose';
import { isDuplicateIdError } from './duplicate-key';

export type InsertOnceResult<TDocument> =
  | { readonly created: true; readonly document: TDocument }
  | { readonly created: false; readonly document: TDocument };

/**
 * Inserts a document keyed by its `_id` (the idempotency key) unless one with that `_id`
 * exists. A duplicate is not an error: it returns the document already stored, so a redelivered
 * message finds what the first delivery wrote. The stored document is returned as is; the caller
 * decides whether a differing payload under the same key matters.
 */
export async function insertOnce<
  TRaw,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- accept any model's helpers/methods
  THydrated extends Document = any,
>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  model: Model<TRaw, any, any, any, THydrated>,
  doc: TRaw & { readonly _id: NonNullable<unknown> },
): Promise<InsertOnceResult<THydrated>> {
  if (doc._id === undefined || doc._id === null) {
    throw new TypeError('insertOnce needs the idempotency key as _id');
  }
  try {
    const document = (await model.create(doc)) as THydrated;
    return { created: true, document };
  } catch (error) {
    // A duplicate on a unique secondary index is a real conflict, not "already inserted".
    if (!isDuplicateIdError(error)) throw error;
    const existing = (await model.findById(doc._id)) as THydrated | null;
    // Not there after all (the stand-in labels any failed insert E11000): report the original.
    if (!existing) throw error;
    return { created: false, document: existing };
  }
}
