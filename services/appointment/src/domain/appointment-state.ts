import { AppointmentState, StaffActionName } from '@mbs/contracts';

export { AppointmentState };

/** Everything that can happen to an appointment: staff commands and facts from the hospital. */
export const appointmentActions = [
  'check_in',
  'send_to_modality',
  'withdraw_send',
  'message_delivered',
  'late_delivery',
  'message_confirmed',
  'late_confirmation',
  'message_failed',
  'earlier_send_failed',
  'examination_started',
  'examination_completed',
  'examination_discontinued',
  'cancel',
  'mark_did_not_attend',
] as const;
export type AppointmentAction = (typeof appointmentActions)[number];

export type TransitionResult =
  /** `changed` is false when the action is acknowledged but the state stays (a late, harmless fact). */
  | { readonly ok: true; readonly to: AppointmentState; readonly changed: boolean }
  | { readonly ok: false; readonly reason: string };

interface Rule {
  /** States the action moves the appointment out of, and where to. */
  readonly moves: Partial<Record<AppointmentState, AppointmentState>>;
  /** States in which the action is a known fact that changes nothing (e.g. a late confirmation). */
  readonly keeps?: readonly AppointmentState[];
  /** What the user reads: "Cannot <label>: ...". */
  readonly label: string;
}

/**
 * The transition table. Decisions worth knowing:
 * - a failed send returns the appointment to `checked_in`, so staff can send it again; the
 *   failure of an earlier send, arriving after staff sent again, changes nothing;
 * - an examination discontinued at the modality also returns it to `checked_in`: the participant
 *   is still in the clinic, and staff decide to resend, cancel or mark did not attend;
 * - the modality may report before the hospital's confirmation arrives (they travel separately),
 *   so `examination_started`/`completed` are accepted from `sent_to_modality` too, and a
 *   confirmation arriving after them changes nothing;
 * - a confirmation can arrive after the dispatcher reported the send failed (it stopped waiting,
 *   the hospital answered later): when that send is the latest and its failure the last thing
 *   that happened, the order is at the hospital after all, so `checked_in -> with_modality`;
 * - staff may withdraw a send that has had no answer (sent_to_modality -> checked_in), so an
 *   appointment never waits for a confirmation or failure that is not coming; a confirmation of
 *   that send arriving afterwards is a late confirmation like any other;
 * - cancelled, did not attend and screened are final.
 */
export const transitionTable: Readonly<Record<AppointmentAction, Rule>> = {
  check_in: { label: 'check in', moves: { booked: 'checked_in' } },
  send_to_modality: { label: 'send to modality', moves: { checked_in: 'sent_to_modality' } },
  // Staff's way out of a send that nobody answers: never stuck in sent_to_modality.
  withdraw_send: { label: 'withdraw the send', moves: { sent_to_modality: 'checked_in' } },
  message_delivered: {
    label: 'record the delivery',
    moves: {},
    keeps: ['sent_to_modality', 'with_modality', 'screened'],
  },
  // The gateway has an order that was reported failed or withdrawn (a staff resend from the
  // dispatcher, a receipt that arrived after the give-up): history only, the state stays.
  late_delivery: {
    label: 'record the late delivery',
    moves: {},
    keeps: ['checked_in'],
  },
  message_confirmed: {
    label: 'record the confirmation',
    moves: { sent_to_modality: 'with_modality' },
    keeps: ['with_modality', 'screened'],
  },
  late_confirmation: {
    label: 'record the late confirmation',
    moves: { checked_in: 'with_modality' },
    keeps: ['with_modality', 'screened'],
  },
  message_failed: {
    label: 'record the failed send',
    moves: { sent_to_modality: 'checked_in' },
  },
  // A failure of an order that staff have since sent again: kept in the history, changes nothing.
  earlier_send_failed: {
    label: 'record the failure of an earlier send',
    moves: {},
    keeps: [...AppointmentState.options],
  },
  examination_started: {
    label: 'start the examination',
    moves: { sent_to_modality: 'with_modality' },
    keeps: ['with_modality', 'screened'],
  },
  examination_completed: {
    label: 'complete the examination',
    moves: { sent_to_modality: 'screened', with_modality: 'screened' },
    keeps: ['screened'],
  },
  examination_discontinued: {
    label: 'discontinue the examination',
    moves: { sent_to_modality: 'checked_in', with_modality: 'checked_in' },
  },
  cancel: { label: 'cancel', moves: { booked: 'cancelled', checked_in: 'cancelled' } },
  mark_did_not_attend: { label: 'mark as did not attend', moves: { booked: 'did_not_attend' } },
};

/** Why nothing can happen in a state, in words a member of clinic staff understands. */
const whyNot: Readonly<Record<AppointmentState, string>> = {
  booked: 'the participant has not been checked in',
  checked_in: 'the participant is checked in but has not been sent to the modality',
  sent_to_modality:
    'the appointment has been sent to the modality and is waiting for the hospital to confirm',
  with_modality: 'the participant is with the modality',
  screened: 'the participant has already been screened',
  cancelled: 'the appointment was cancelled',
  did_not_attend: 'the participant was marked as did not attend',
};

/** Finer reasons where the general one would read oddly. */
const special: Partial<Record<AppointmentAction, Partial<Record<AppointmentState, string>>>> = {
  check_in: { checked_in: 'the participant is already checked in' },
  send_to_modality: { sent_to_modality: 'the appointment has already been sent to the modality' },
  withdraw_send: { checked_in: 'there is no send waiting for an answer to withdraw' },
  mark_did_not_attend: { checked_in: 'the participant has checked in' },
};

/**
 * Decides what an action does to an appointment in its current state. Pure: the handler makes
 * the change with a conditional update on the state this decision was made from.
 */
export function transition(
  appointment: { readonly state: AppointmentState },
  action: AppointmentAction,
): TransitionResult {
  const { state } = appointment;
  const rule = transitionTable[action];
  const to = rule.moves[state];
  if (to) return { ok: true, to, changed: true };
  if (rule.keeps?.includes(state)) return { ok: true, to: state, changed: false };
  const why = special[action]?.[state] ?? whyNot[state];
  return { ok: false, reason: `Cannot ${rule.label}: ${why} (appointment is ${state})` };
}

/**
 * The staff actions an appointment in `state` can take now: those that move it. The query API
 * lists them with each appointment, so web offers exactly what this table allows.
 */
export function staffActionsFrom(state: AppointmentState): StaffActionName[] {
  return StaffActionName.options.filter((action) => transitionTable[action].moves[state]);
}
