import { derivedId } from '@mbs/contracts';
import { createHash } from 'node:crypto';

const sha256 = (parts: readonly string[]) =>
  // NUL cannot occur in ids, so ("ab","c") and ("a","bc") hash differently.
  createHash('sha256').update(parts.join('\u0000'), 'utf8').digest('hex');

/**
 * The message id: derived from the event, the type, the destination, the gateway, the target and
 * the payload, so a redelivered event yields the same message (stored once by the dispatcher,
 * delivered once by the gateway), while a changed destination or payload yields a new one.
 */
export function deriveMessageId(parts: {
  eventId: string;
  messageType: string;
  destinationId: string;
  gatewayId: string;
  target: string;
  payload: string;
}): string {
  const { eventId, messageType, destinationId, gatewayId, target, payload } = parts;
  return `msg-${sha256([eventId, messageType, destinationId, gatewayId, target, payload]).slice(0, 32)}`;
}

/**
 * The envelope id of the message failed this service emits because of `eventId`
 * (`failed:<event id>`), so a redelivery re-emits an identical event that consumers recognise.
 * Hashed to 32 hex digits when it would not fit an Id: the length this service always used, so
 * ids appointment has recorded as idempotency keys stay the same for the same event.
 */
export const failedEventId = (eventId: string): string => derivedId('failed', eventId, 32);
