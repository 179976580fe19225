import { z } from 'zod';
import { CalendarDate, Id } from './identifiers';
import { NhsNumber } from './nhs-number';

/** Administrative sex as FHIR and DICOM carry it. */
export const Sex = z.enum(['female', 'male', 'other', 'unknown']);
export type Sex = z.infer<typeof Sex>;

/** What a message to the modality needs to know about the person being screened. */
export const ParticipantSnapshot = z.object({
  participantId: Id,
  nhsNumber: NhsNumber,
  givenName: z.string().min(1).max(100),
  familyName: z.string().min(1).max(100),
  dateOfBirth: CalendarDate,
  sex: Sex,
});
export type ParticipantSnapshot = z.infer<typeof ParticipantSnapshot>;
