import { MessageFailed, SendToModality } from '@mbs/contracts';
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

/**
 * Whether a confirmation of this flow arrives late: the appointment went back to checked_in
 * because this very send failed (the failure is the last thing in its history), and staff have
 * not sent it again since. The hospital has the order after all.
 */
export async function isLateConfirmation(
  models: Models,
  appointmentId: string,
  correlationId: string,
): Promise<boolean> {
  const appointment = await models.Appointment.findById(idFor(appointmentId), {
    state: 1,
    history: 1,
  }).lean<Pick<AppointmentRecord, 'state' | 'history'>>();
  if (!appointment || appointment.state !== 'checked_in') return false;
  const history = appointment.history;
  const last = history[history.length - 1];
  const latestSend = history.filter((entry) => entry.cause === SendToModality.type).pop();
  return last?.cause === MessageFailed.type && latestSend?.causedBy === correlationId;
}
