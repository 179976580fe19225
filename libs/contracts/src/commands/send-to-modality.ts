import { z } from 'zod';
import { defineContract } from '../contract';
import { Id } from '../values/identifiers';
import { StaffRequest } from '../values/staff-request';

/**
 * Staff ask for a checked-in participant to be sent to the modality. The envelope `id` is the
 * command id: appointment records it with the state change, so a repeat changes nothing.
 */
export const SendToModality = defineContract({
  kind: 'command',
  type: 'appointment.send-to-modality',
  version: 1,
  description: 'Send a checked-in participant to the modality',
  data: z.object({
    appointmentId: Id,
    requestedBy: StaffRequest,
  }),
});
