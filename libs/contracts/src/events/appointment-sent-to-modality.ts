import { z } from 'zod';
import { defineContract } from '../contract';
import { AccessionNumber } from '../values/accession-number';
import { Actor, Id, Instant } from '../values/identifiers';
import { ParticipantSnapshot } from '../values/participant';

/**
 * An appointment moved to sent_to_modality. Carries a snapshot of everything a message builder
 * needs, so fhir-builder never reads appointment's data. Re-emitted unchanged (same `id`) when
 * the same command arrives again.
 */
export const AppointmentSentToModality = defineContract({
  kind: 'event',
  type: 'appointment.sent-to-modality',
  version: 1,
  description: 'An appointment was sent to the modality',
  data: z.object({
    appointmentId: Id,
    commandId: Id,
    sentBy: Actor,
    participant: ParticipantSnapshot,
    appointment: z.object({
      clinicId: Id,
      settingId: Id,
      startsAt: Instant,
      accessionNumber: AccessionNumber,
    }),
  }),
});
