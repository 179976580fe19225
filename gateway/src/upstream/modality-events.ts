import { randomUUID } from 'node:crypto';
import { ModalityEvent, type ModalityReport } from '@mbs/contracts';
import type { GatewayStore } from '../store/index';

/** Turns a report into a ModalityEvent with a new event id and puts it in the outbox. */
export function recordModalityEvent(
  store: GatewayStore,
  input: ModalityReport,
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
