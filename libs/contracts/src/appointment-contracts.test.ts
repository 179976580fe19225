import {
  AppointmentCommandRejected,
  AppointmentState,
  AppointmentStateChanged,
  CancelAppointment,
  CheckIn,
  MarkDidNotAttend,
  SendToModality,
  StaffRole,
  allContracts,
  createMessage,
  parseMessage,
} from './index';

const by = { userId: 'u-1', name: 'Ada Radiographer' };

describe('appointment staff commands and state changes', () => {
  it.each([CheckIn, MarkDidNotAttend])(
    '%s takes an appointment, who asked, and an optional reason',
    (contract) => {
      expect(createMessage(contract, { appointmentId: 'apt-1', requestedBy: by }).data).toEqual({
        appointmentId: 'apt-1',
        requestedBy: by,
      });
      expect(
        createMessage(contract, { appointmentId: 'apt-1', requestedBy: by, reason: 'late' }).data
          .reason,
      ).toBe('late');
      expect(() => createMessage(contract, { appointmentId: 'apt 1', requestedBy: by })).toThrow(
        /data.appointmentId/,
      );
    },
  );

  it.each([SendToModality, CheckIn, CancelAppointment].map((c) => [c.type, c] as const))(
    "%s carries web's signature in requestedBy: a compact JWS of bounded length, optional so that appointment refuses an unsigned command for what it is",
    (_type, contract) => {
      const data = { appointmentId: 'apt-1', reason: 'moved away' };
      const signature = 'eyJhbGciOiJFUzI1NiJ9.eyJjb21tYW5kSWQiOiJjbWQtMSJ9.c2lnbmF0dXJl';
      const signed = createMessage(contract, { ...data, requestedBy: { ...by, signature } });
      expect(signed.data.requestedBy).toEqual({ ...by, signature });
      expect(createMessage(contract, { ...data, requestedBy: by }).data.requestedBy).toEqual(by);
      for (const wrong of ['not a jws', 'a.b', `a.${'b'.repeat(2048)}.c`]) {
        expect(() =>
          createMessage(contract, { ...data, requestedBy: { ...by, signature: wrong } }),
        ).toThrow(/data.requestedBy.signature/);
      }
    },
  );

  it('names the two staff roles once, for web and the services', () => {
    expect(StaffRole.options).toEqual(['clinic_staff', 'admin']);
  });

  it('needs a reason to cancel, and refuses a blank one', () => {
    expect(() =>
      createMessage(CancelAppointment, { appointmentId: 'apt-1', requestedBy: by } as never),
    ).toThrow(/data.reason/);
    expect(() =>
      createMessage(CancelAppointment, { appointmentId: 'apt-1', requestedBy: by, reason: '  ' }),
    ).toThrow(/data.reason/);
    expect(
      createMessage(CancelAppointment, {
        appointmentId: 'apt-1',
        requestedBy: by,
        reason: 'Participant moved away',
      }).data.reason,
    ).toBe('Participant moved away');
  });

  it('describes a state change with known states only', () => {
    const data = {
      appointmentId: 'apt-1',
      clinicId: 'clinic-1',
      from: 'checked_in' as const,
      to: 'sent_to_modality' as const,
      by,
      at: '2026-11-26T09:31:00.000Z',
    };
    expect(createMessage(AppointmentStateChanged, data, { id: 'state:cmd-1' }).id).toBe(
      'state:cmd-1',
    );
    const bad = parseMessage(AppointmentStateChanged, {
      ...createMessage(AppointmentStateChanged, data),
      data: { ...data, to: 'teleported' },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.violations.map((v) => v.path)).toEqual(['data.to']);
  });

  it('lists the appointment states web shows', () => {
    expect(AppointmentState.options).toEqual([
      'booked',
      'checked_in',
      'sent_to_modality',
      'with_modality',
      'screened',
      'cancelled',
      'did_not_attend',
    ]);
  });

  it('registers the new contracts once each', () => {
    const types = allContracts.map((c) => c.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'appointment.check-in',
        'appointment.cancel',
        'appointment.mark-did-not-attend',
        'appointment.state-changed',
        'appointment.command-rejected',
      ]),
    );
    expect(new Set(types).size).toBe(types.length);
  });

  it('tells the member of staff why a command was refused', () => {
    const data = {
      commandId: 'cmd-1',
      commandType: 'appointment.check-in',
      appointmentId: 'apt-1',
      requestedBy: by,
      reason: 'A cancelled appointment cannot be checked in',
      code: 'transition_refused',
    };
    expect(createMessage(AppointmentCommandRejected, data).data).toEqual(data);
    const blank = parseMessage(AppointmentCommandRejected, {
      ...createMessage(AppointmentCommandRejected, data),
      data: { ...data, reason: '' },
    });
    expect(blank.ok).toBe(false);
  });
});
