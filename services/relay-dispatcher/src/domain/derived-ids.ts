import { createHash } from 'node:crypto';

/**
 * The envelope id of an event this service publishes about `key` (`confirmed:<message id>`), so
 * publishing it again after a crash or a repeated answer gives consumers an identical id.
 * Hashed when it would not fit the 128 characters an Id allows.
 */
export function derivedEventId(prefix: string, ...keys: readonly string[]): string {
  const id = [prefix, ...keys].join(':');
  if (id.length <= 128) return id;
  const hash = createHash('sha256').update(keys.join('\u0000'), 'utf8').digest('hex');
  return `${prefix}:${hash.slice(0, 40)}`;
}
