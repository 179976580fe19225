import {
  AppointmentState,
  appointmentActions,
  staffActionsFrom,
  transition,
  type AppointmentAction,
} from './appointment-state';

type Expected = AppointmentState | 'same' | RegExp;

/**
 * Every state × action, written out by hand (not derived from the table under test): a target
 * state, 'same' (acknowledged, nothing changes) or the reason the user reads.
 */
const expected: Record<AppointmentAction, Record<AppointmentState, Expected>> = {
  check_in: {
    booked: 'checked_in',
    checked_in:
      /^Cannot check in: the participant is already checked in \(appointment is checked_in\)$/,
    sent_to_modality: /^Cannot check in: the appointment has been sent to the modality/,
    with_modality: /^Cannot check in: the participant is with the modality/,
    screened: /^Cannot check in: the participant has already been screened/,
    cancelled: /^Cannot check in: the appointment was cancelled \(appointment is cancelled\)$/,
    did_not_attend: /^Cannot check in: the participant was marked as did not attend/,
  },
  send_to_modality: {
    booked:
      /^Cannot send to modality: the participant has not been checked in \(appointment is booked\)$/,
    checked_in: 'sent_to_modality',
    sent_to_modality: /^Cannot send to modality: the appointment has already been sent/,
    with_modality: /^Cannot send to modality: the participant is with the modality/,
    screened: /^Cannot send to modality: the participant has already been screened/,
    cancelled: /^Cannot send to modality: the appointment was cancelled/,
    did_not_attend: /^Cannot send to modality: the participant was marked as did not attend/,
  },
  withdraw_send: {
    booked: /^Cannot withdraw the send: the participant has not been checked in/,
    checked_in:
      /^Cannot withdraw the send: there is no send waiting for an answer to withdraw \(appointment is checked_in\)$/,
    sent_to_modality: 'checked_in',
    with_modality: /^Cannot withdraw the send: the participant is with the modality/,
    screened: /^Cannot withdraw the send: the participant has already been screened/,
    cancelled: /^Cannot withdraw the send: the appointment was cancelled/,
    did_not_attend: /^Cannot withdraw the send: the participant was marked as did not attend/,
  },
  message_delivered: {
    booked: /^Cannot record the delivery: the participant has not been checked in/,
    checked_in: /^Cannot record the delivery: the participant is checked in but has not been sent/,
    sent_to_modality: 'same',
    with_modality: 'same',
    screened: 'same',
    cancelled: /^Cannot record the delivery: the appointment was cancelled/,
    did_not_attend: /^Cannot record the delivery: the participant was marked as did not attend/,
  },
  late_delivery: {
    booked: /^Cannot record the late delivery: the participant has not been checked in/,
    checked_in: 'same',
    sent_to_modality: /^Cannot record the late delivery: .*\(appointment is sent_to_modality\)$/,
    with_modality: /^Cannot record the late delivery: the participant is with the modality/,
    screened: /^Cannot record the late delivery: the participant has already been screened/,
    cancelled: /^Cannot record the late delivery: the appointment was cancelled/,
    did_not_attend: /^Cannot record the late delivery: .*did not attend/,
  },
  message_confirmed: {
    booked: /^Cannot record the confirmation: the participant has not been checked in/,
    checked_in: /^Cannot record the confirmation: .*\(appointment is checked_in\)$/,
    sent_to_modality: 'with_modality',
    with_modality: 'same',
    screened: 'same',
    cancelled: /^Cannot record the confirmation: the appointment was cancelled/,
    did_not_attend: /^Cannot record the confirmation: .*did not attend/,
  },
  late_confirmation: {
    booked: /^Cannot record the late confirmation: the participant has not been checked in/,
    checked_in: 'with_modality',
    sent_to_modality:
      /^Cannot record the late confirmation: .*\(appointment is sent_to_modality\)$/,
    with_modality: 'same',
    screened: 'same',
    cancelled: /^Cannot record the late confirmation: the appointment was cancelled/,
    did_not_attend: /^Cannot record the late confirmation: .*did not attend/,
  },
  message_failed: {
    booked: /^Cannot record the failed send: .*\(appointment is booked\)$/,
    checked_in: /^Cannot record the failed send: .*\(appointment is checked_in\)$/,
    sent_to_modality: 'checked_in',
    with_modality: /^Cannot record the failed send: the participant is with the modality/,
    screened: /^Cannot record the failed send: the participant has already been screened/,
    cancelled: /^Cannot record the failed send: the appointment was cancelled/,
    did_not_attend: /^Cannot record the failed send: .*did not attend/,
  },
  earlier_send_failed: {
    booked: 'same',
    checked_in: 'same',
    sent_to_modality: 'same',
    with_modality: 'same',
    screened: 'same',
    cancelled: 'same',
    did_not_attend: 'same',
  },
  examination_started: {
    booked: /^Cannot start the examination: the participant has not been checked in/,
    checked_in: /^Cannot start the examination: .*\(appointment is checked_in\)$/,
    sent_to_modality: 'with_modality',
    with_modality: 'same',
    screened: 'same',
    cancelled: /^Cannot start the examination: the appointment was cancelled/,
    did_not_attend: /^Cannot start the examination: .*did not attend/,
  },
  examination_completed: {
    booked: /^Cannot complete the examination: .*\(appointment is booked\)$/,
    checked_in: /^Cannot complete the examination: .*\(appointment is checked_in\)$/,
    sent_to_modality: 'screened',
    with_modality: 'screened',
    screened: 'same',
    cancelled: /^Cannot complete the examination: the appointment was cancelled/,
    did_not_attend: /^Cannot complete the examination: .*did not attend/,
  },
  examination_discontinued: {
    booked: /^Cannot discontinue the examination: .*\(appointment is booked\)$/,
    checked_in: /^Cannot discontinue the examination: .*\(appointment is checked_in\)$/,
    sent_to_modality: 'checked_in',
    with_modality: 'checked_in',
    screened: /^Cannot discontinue the examination: the participant has already been screened/,
    cancelled: /^Cannot discontinue the examination: the appointment was cancelled/,
    did_not_attend: /^Cannot discontinue the examination: .*did not attend/,
  },
  cancel: {
    booked: 'cancelled',
    checked_in: 'cancelled',
    sent_to_modality: /^Cannot cancel: the appointment has been sent to the modality/,
    with_modality: /^Cannot cancel: the participant is with the modality/,
    screened: /^Cannot cancel: the participant has already been screened/,
    cancelled: /^Cannot cancel: the appointment was cancelled \(appointment is cancelled\)$/,
    did_not_attend: /^Cannot cancel: the participant was marked as did not attend/,
  },
  mark_did_not_attend: {
    booked: 'did_not_attend',
    checked_in:
      /^Cannot mark as did not attend: the participant has checked in \(appointment is checked_in\)$/,
    sent_to_modality: /^Cannot mark as did not attend: the appointment has been sent/,
    with_modality: /^Cannot mark as did not attend: the participant is with the modality/,
    screened: /^Cannot mark as did not attend: the participant has already been screened/,
    cancelled: /^Cannot mark as did not attend: the appointment was cancelled/,
    did_not_attend: /^Cannot mark as did not attend: the participant was marked as did not attend/,
  },
};

const cases = appointmentActions.flatMap((action) =>
  AppointmentState.options.map((state) => [action, state, expected[action][state]] as const),
);

describe('appointment state machine', () => {
  it('covers every state and every action', () => {
    expect(Object.keys(expected).sort()).toEqual([...appointmentActions].sort());
    expect(cases).toHaveLength(appointmentActions.length * AppointmentState.options.length);
  });

  it.each(cases.filter(([, , e]) => typeof e === 'string' && e !== 'same'))(
    '%s from %s moves to %s',
    (action, state, to) => {
      expect(transition({ state }, action)).toEqual({ ok: true, to, changed: true });
    },
  );

  it.each(cases.filter(([, , e]) => e === 'same'))(
    '%s in %s is acknowledged and changes nothing',
    (action, state) => {
      expect(transition({ state }, action)).toEqual({ ok: true, to: state, changed: false });
    },
  );

  it.each(cases.filter(([, , e]) => e instanceof RegExp))(
    '%s from %s is refused with a reason staff can read',
    (action, state, reason) => {
      const result = transition({ state }, action);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.reason).toMatch(reason as RegExp);
      // Readable: no snake_case action names, and it always says which state it is in.
      if (action.includes('_')) expect(result.reason).not.toContain(action);
      expect(result.reason.endsWith(`(appointment is ${state})`)).toBe(true);
    },
  );

  it('lets staff resend after a failed send: failed returns to checked_in, which can be sent', () => {
    const failed = transition({ state: 'sent_to_modality' }, 'message_failed');
    expect(failed).toEqual({ ok: true, to: 'checked_in', changed: true });
    if (!failed.ok) return;
    expect(transition({ state: failed.to }, 'send_to_modality')).toEqual({
      ok: true,
      to: 'sent_to_modality',
      changed: true,
    });
  });

  it('lets staff withdraw an unanswered send, send again, and still take a late confirmation', () => {
    const withdrawn = transition({ state: 'sent_to_modality' }, 'withdraw_send');
    expect(withdrawn).toEqual({ ok: true, to: 'checked_in', changed: true });
    if (!withdrawn.ok) return;
    expect(transition({ state: withdrawn.to }, 'send_to_modality')).toMatchObject({
      to: 'sent_to_modality',
    });
    expect(transition({ state: withdrawn.to }, 'late_confirmation')).toMatchObject({
      to: 'with_modality',
    });
  });

  it('never leaves a final state', () => {
    for (const state of ['screened', 'cancelled', 'did_not_attend'] as const) {
      for (const action of appointmentActions) {
        const result = transition({ state }, action);
        if (result.ok) expect(result.to).toBe(state);
      }
    }
  });

  it('offers staff the actions that move an appointment from its state, and none from a final one', () => {
    expect(
      Object.fromEntries(AppointmentState.options.map((s) => [s, staffActionsFrom(s)])),
    ).toEqual({
      booked: ['check_in', 'cancel', 'mark_did_not_attend'],
      checked_in: ['send_to_modality', 'cancel'],
      sent_to_modality: ['withdraw_send'],
      with_modality: [],
      screened: [],
      cancelled: [],
      did_not_attend: [],
    });
  });
});
