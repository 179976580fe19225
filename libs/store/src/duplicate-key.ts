/**
 * Whether an error is MongoDB's duplicate key error (E11000), from a single write or a bulk
 * write. Beware: the in-memory stand-in reports EVERY failed insert with code 11000, so a caller
 * that treats a duplicate as "already there" must confirm by reading the document (as
 * `insertOnce` does).
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, writeErrors } = error as { code?: unknown; writeErrors?: unknown };
  if (code === 11000 || code === 11001) return true;
  return (
    Array.isArray(writeErrors) &&
    writeErrors.some((w: { code?: unknown } | undefined) => w?.code === 11000 || w?.code === 11001)
  );
}

/**
 * Whether a duplicate key error is about `_id` (and not a unique secondary index). Real MongoDB
 * and the stand-in both say which key in `keyPattern`; when it is missing, assume `_id`.
 */
export function isDuplicateIdError(error: unknown): boolean {
  if (!isDuplicateKeyError(error)) return false;
  const { keyPattern } = error as { keyPattern?: unknown };
  if (!keyPattern || typeof keyPattern !== 'object') return true;
  const keys = Object.keys(keyPattern);
  return keys.length === 1 && keys[0] === '_id';
}
