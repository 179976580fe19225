import { derivedId } from '@mbs/contracts';

/**
 * How many hex digits of the hash stand in for keys too long to fit an Id: 40, as this service
 * always hashed, so ids already published and recorded downstream stay the same.
 */
const HASH_CHARS = 40;

/**
 * The envelope id of an event this service publishes about `keys` (`confirmed:<message id>`), so
 * publishing it again after a crash or a repeated answer gives consumers an identical id.
 * Hashed when it would not fit the 128 characters an Id allows.
 */
export function derivedEventId(prefix: string, ...keys: readonly [string, ...string[]]): string {
  return derivedId(prefix, keys, HASH_CHARS);
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
