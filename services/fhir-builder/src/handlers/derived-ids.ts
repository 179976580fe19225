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
 * The envelope id of an event this service emits because of `eventId` (`failed:<event id>`), so
 * a redelivery re-emits an identical event that consumers recognise. Hashed when it would not fit
 * the 128 characters an Id allows.
 */
export function derivedEventId(prefix: string, eventId: string): string {
  const id = `${prefix}:${eventId}`;
  return id.length <= 128 ? id : `${prefix}:${sha256([eventId]).slice(0, 32)}`;
}
