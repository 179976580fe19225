import { SendToModality } from '@mbs/contracts';
import type { AppointmentRecord } from '../store/appointment-model';
import { idFor, type Models } from '../store/models';

/**
 * Whether a flow (an envelope's `correlationId`, which is the id of the send-to-modality command
 * that started it) belongs to a send that staff have since repeated with a newer command. Its
 * outcome is then out of date: a late failure of the first order must not pull back the second.
 * A flow that names no send of this appointment is not "earlier" (nothing is known about it).
 */
export async function isEarlierSend(
  models: Models,
  appointmentId: string,
  correlationId: string,
): Promise<boolean> {
  const appointment = await models.Appointment.findById(idFor(appointmentId), {
    history: 1,
  }).lean<Pick<AppointmentRecord, 'history'>>();
  const sends = (appointment?.history ?? [])
    .filter((entry) => entry.cause === SendToModality.type)
    .map((entry) => entry.causedBy);
  const index = sends.indexOf(correlationId);
  return index !== -1 && index < sends.length - 1;
}
