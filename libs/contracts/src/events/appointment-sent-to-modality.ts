import { z } from 'zod';
import { defineContract } from '../contract';
import { AccessionNumber } from '../values/accession-number';
import { Actor, Id, Instant } from '../values/identifiers';
import { OdsCode } from '../values/ods-code';
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
    appointment: z
      .object({
        clinicId: Id,
        settingId: Id,
        startsAt: Instant,
        /** The end of the booked slot, so a message never has to guess its length. */
        endsAt: Instant,
        accessionNumber: AccessionNumber,
      })
      .refine((a) => Date.parse(a.endsAt) > Date.parse(a.startsAt), {
        path: ['endsAt'],
        message: 'must be after startsAt',
      }),
    /** The hospital site, as a message names the organisation that requests the examination. */
    setting: z.object({
      name: z.string().min(1).max(200),
      odsCode: OdsCode,
    }),
  }),
});
