import { z } from 'zod';
import { defineContract } from '../contract';
import { AccessionNumber } from '../values/accession-number';
import { Id, Instant } from '../values/identifiers';
import { ReasonAllowingEmpty } from '../values/reason';

/** What the modality reports about an order (DICOM MPPS: in progress, completed, discontinued). */
export const ModalityEventKind = z.enum([
  'examination_started',
  'examination_completed',
  'examination_discontinued',
]);
export type ModalityEventKind = z.infer<typeof ModalityEventKind>;

/**
 * A gateway reported what happened at the modality. The envelope `id` is the gateway's own
 * event id, so the gateway's resends (until acknowledged) take effect once.
 */
export const ModalityEventReported = defineContract({
  kind: 'event',
  type: 'modality.event-reported',
  version: 1,
  description: 'The modality reported progress on an examination',
  data: z.object({
    gatewayId: Id,
    accessionNumber: AccessionNumber,
    appointmentId: Id.optional(),
    messageId: Id.optional(),
    event: ModalityEventKind,
    /** When it happened at the modality (not when it reached the cloud). */
    happenedAt: Instant,
    detail: ReasonAllowingEmpty.optional(),
  }),
});
