import { createHash } from 'node:crypto';
import type { OrderContent } from '@mbs/contracts';

/**
 * The SHA-256 (hex) of an order's content, as the gateway records it with the message: a later
 * deliver of the same message id must carry the same order, or it is refused
 * (`replayed_with_different_content`, decideDeliver). The fields in a fixed order, so neither
 * JSON key order nor whitespace changes it; a hash, not the order, so it can stay once the
 * payload is purged.
 */
export function orderHash(order: OrderContent): string {
  const fields = [
    order.appointmentId,
    order.accessionNumber,
    order.messageType,
    order.target,
    order.contentType,
    order.payload,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
