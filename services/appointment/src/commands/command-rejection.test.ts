import {
  AppointmentCommandRejected,
  CheckIn,
  Id,
  SendToModality,
  createMessage,
} from '@mbs/contracts';
import { PermanentError, TransientError } from '@mbs/errors';
import {
  ConcurrentChangeError,
  InconsistentDataError,
  TransitionRefusedError,
  UnknownAppointmentError,
} from '../transitions/handler-errors';
import { rejectedEventId, rejectionOf } from './command-rejection';

const ada = { userId: 'u-ada', name: 'Ada Radiographer' };
const command = createMessage(CheckIn, { appointmentId: 'apt-1', requestedBy: ada });

describe('rejection of a staff command', () => {
  it('tells staff why an illegal transition was refused, in the refusal’s own words', () => {
    const refusal = new TransitionRefusedError(
      'Cannot check in: the appointment was cancelled (appointment is cancelled)',
    );
    const rejection = rejectionOf(command, refusal);
    expect(rejection).toEqual({
      commandId: command.id,
      commandType: 'appointment.check-in',
      appointmentId: 'apt-1',
      requestedBy: ada,
      reason: 'Cannot check in: the appointment was cancelled (appointment is cancelled)',
      code: 'transition_refused',
    });
    expect(createMessage(AppointmentCommandRejected, rejection!).data).toEqual(rejection);
  });

  it('tells staff the appointment does not exist', () => {
    expect(rejectionOf(command, new UnknownAppointmentError('id "apt-1"'))).toEqual(
      expect.objectContaining({
        reason: 'No appointment with id "apt-1"',
        code: 'unknown_appointment',
      }),
    );
  });

  it('tells staff a send was refused because the stored record cannot make an order, and who must act', () => {
    const send = createMessage(SendToModality, { appointmentId: 'apt-1', requestedBy: ada });
    const error = new InconsistentDataError(
      'appointment apt-1 cannot be sent to the modality: its stored data does not make a valid order (appointment.endsAt: Invalid ISO datetime)',
    );
    const rejection = rejectionOf(send, error);
    expect(rejection).toEqual({
      commandId: send.id,
      commandType: 'appointment.send-to-modality',
      appointmentId: 'apt-1',
      requestedBy: ada,
      reason:
        "The appointment's stored record cannot make a valid order, so nothing was sent and it stays checked in. An administrator must correct the record first. Detail: appointment apt-1 cannot be sent to the modality: its stored data does not make a valid order (appointment.endsAt: Invalid ISO datetime)",
      code: 'inconsistent_data',
    });
    expect(createMessage(AppointmentCommandRejected, rejection!).data).toEqual(rejection);
  });

  it('keeps a very long reason within the contract', () => {
    const rejection = rejectionOf(command, new InconsistentDataError('x'.repeat(3000)));
    expect(rejection!.reason).toHaveLength(2000);
    expect(rejection!.reason.endsWith('…')).toBe(true);
    expect(() => createMessage(AppointmentCommandRejected, rejection!)).not.toThrow();
  });

  it.each([
    ['a race (retried)', new ConcurrentChangeError('apt-1')],
    ['another permanent error', new PermanentError('contract_violation', 'bad')],
    ['a transient error', new TransientError('store_unavailable', 'down')],
    ['a foreign error', new Error('socket hang up')],
  ])('is not told for %s', (_, error) => {
    expect(rejectionOf(command, error)).toBeUndefined();
  });

  it('has an event id derived from the command id: the same for a redelivery', () => {
    expect(rejectedEventId(command.id)).toBe(`rejected:${command.id}`);
    expect(rejectedEventId(command.id)).toBe(rejectedEventId(command.id));
    expect(Id.safeParse(rejectedEventId('x'.repeat(128))).success).toBe(true);
  });
});
