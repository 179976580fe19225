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

/**
 * The envelope id of _message delivered / confirmed / failed_ for the message's current send.
 * The first send keeps the ids these events always had (`delivered:<id>`, `confirmed:<id>`,
 * `failed:<id>:<attempts>`); each staff resend adds its count (`failed:<id>:resend-1:<attempts>`),
 * since a resend starts its attempts from 1 again and consumers that take an event id once
 * would otherwise drop the resend's outcome as the first send's.
 */
export function outcomeEventId(
  kind: 'delivered' | 'confirmed' | 'failed',
  message: {
    readonly messageId: string;
    readonly attempts: number;
    readonly resends?: number | null;
  },
): string {
  const resends = message.resends ?? 0;
  return derivedEventId(
    kind,
    message.messageId,
    ...(resends > 0 ? [`resend-${resends}`] : []),
    ...(kind === 'failed' ? [String(message.attempts)] : []),
  );
}
