import { MessageFailed, SendToModality, WithdrawSend } from '@mbs/contracts';
import type { AppointmentRecord } from '../store/appointment-model';
import { idFor, type Models } from '../store/models';

/**
 * Where a send stands now, for an outcome of it (confirmed, failed) that arrives. A flow is an
 * envelope's `correlationId`: the id of the send-to-modality command that started it.
 * - `earlier`: staff have sent the appointment again since; this outcome is out of date (a late
 *   failure of the first order must not pull back the second);
 * - `reported_failed` / `withdrawn`: it is the latest send, and the appointment went back to
 *   checked_in because it failed or because staff withdrew it (the last state change), and has
 *   not been sent since: a confirmation now is late, the hospital has the order after all;
 * - `current`: the latest send, still waiting or already answered;
 * - `unknown`: no send of this appointment has that id (nothing is known about it).
 */
export type SendStanding = 'earlier' | 'reported_failed' | 'withdrawn' | 'current' | 'unknown';

export async function standingOfSend(
  models: Models,
  appointmentId: string,
  correlationId: string,
): Promise<SendStanding> {
  const appointment = await models.Appointment.findById(idFor(appointmentId), {
    state: 1,
    history: 1,
  }).lean<Pick<AppointmentRecord, 'state' | 'history'>>();
  const history = appointment?.history ?? [];
  const sends = history
    .filter((entry) => entry.cause === SendToModality.type)
    .map((entry) => entry.causedBy);
  const index = sends.indexOf(correlationId);
  if (index === -1) return 'unknown';
  if (index < sends.length - 1) return 'earlier';
  if (appointment?.state !== 'checked_in') return 'current';
  // Entries that changed nothing (a late failure of an earlier send) do not count.
  const lastChange = history.filter((entry) => entry.from !== entry.to).pop();
  if (lastChange?.cause === MessageFailed.type) return 'reported_failed';
  if (lastChange?.cause === WithdrawSend.type) return 'withdrawn';
  return 'current';
}
