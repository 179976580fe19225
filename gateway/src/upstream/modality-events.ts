import { randomUUID } from 'node:crypto';
import { AccessionNumber, Id, Instant, ModalityEvent, ModalityEventKind } from '@mbs/contracts';
import { z } from 'zod';
import type { GatewayStore } from '../store/index';

/** What a modality (or the hospital sink standing in for one) reports to POST /modality-events. */
export const modalityEventInput = z.strictObject({
  accessionNumber: AccessionNumber,
  event: ModalityEventKind,
  happenedAt: Instant.optional(),
  appointmentId: Id.optional(),
  messageId: Id.optional(),
  detail: z.string().max(2000).optional(),
});
export type ModalityEventInput = z.infer<typeof modalityEventInput>;

/** Turns a report into a ModalityEvent with a new event id and puts it in the outbox. */
export function recordModalityEvent(
  store: GatewayStore,
  input: ModalityEventInput,
  traceparent: string | undefined,
): ModalityEvent {
  const event = ModalityEvent.parse({
    type: 'modality-event',
    eventId: randomUUID(),
    ...input,
    happenedAt: input.happenedAt ?? new Date().toISOString(),
  });
  store.addToOutbox(event, traceparent);
  return event;
}
