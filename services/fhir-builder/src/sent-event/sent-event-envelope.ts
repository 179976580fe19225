import { AppointmentSentToModality, type Contract, Id } from '@mbs/contracts';
import { z } from 'zod';

/** What the bus checks before fhir-builder's handler runs: only what answering needs. */
const envelope = z.looseObject({
  id: Id,
  type: z.literal(AppointmentSentToModality.type),
});

/**
 * *Appointment sent to modality* as the bus should deliver it to fhir-builder: the same contract
 * (type, kind, version, so the same queue binding), but checked only for an envelope `id` and the
 * type. The bus dead-letters a message that fails its contract before any handler runs; with the
 * full contract, an event that breaks it (an invalid NHS number) would leave its appointment in
 * sent_to_modality with nobody told. The handler validates against the full contract itself,
 * answers a broken event with *message failed* and then refuses it, so it is still dead-lettered
 * (`contract_violation`) for admins. The full contract stays the one declaration in libs/contracts.
 */
export const SentEventEnvelope = {
  ...AppointmentSentToModality,
  data: z.unknown(),
  schema: envelope,
} as unknown as Contract<typeof AppointmentSentToModality.type, z.ZodUnknown>;
