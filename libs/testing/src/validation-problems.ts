import type mongoose from 'mongoose';

/**
 * What mongoose's validation says is wrong with a document, as `{ path: message }` (`{}` when
 * nothing is): for tests of a schema's rules, which need no database (validation runs before
 * anything is written, so a model on an unopened connection is enough).
 */
export async function validationProblems(
  document: mongoose.Document,
): Promise<Record<string, string>> {
  const error = await document.validate().then(
    () => undefined,
    (e: mongoose.Error.ValidationError) => e,
  );
  return Object.fromEntries(
    Object.entries(error?.errors ?? {}).map(([path, e]) => [path, e.message]),
  );
}
