import {
  AppointmentStateChanged,
  createMessage,
  derivedId,
  fitReason,
  type Actor,
} from '@mbs/contracts';
import { applyOnce } from '@mbs/store';
import type { Logger } from '@mbs/telemetry';
import { transition, type AppointmentAction } from '../domain/appointment-state';
import type { AppointmentRecord, HistoryEntry } from '../store/appointment-model';
import { idFor } from '../store/models';
import {
  ConcurrentChangeError,
  TransitionRefusedError,
  UnknownAppointmentError,
} from './handler-errors';
import type { HandlerDeps } from './handler-deps';

/** The message (command or event) that asks for a change: its id is the idempotency key. */
export interface Cause {
  readonly id: string;
  readonly type: string;
  readonly correlationId: string;
}

export interface TransitionRequest {
  readonly appointmentId: string;
  readonly action: AppointmentAction;
  readonly cause: Cause;
  readonly by?: Actor;
  readonly reason?: string;
}

export interface TransitionDone {
  readonly appointment: AppointmentRecord;
  /** The history entry this cause wrote (now, or on its first delivery). */
  readonly entry: HistoryEntry;
  /** False when this cause had already been applied: nothing changed now. */
  readonly fresh: boolean;
}

/**
 * Applies one action to one appointment, once per cause:
 * 1. read the appointment; a cause already in its history is a duplicate (re-emit, change nothing);
 * 2. ask the pure state machine; a refusal is permanent, with the readable reason;
 * 3. one conditional update on the state the decision was made from sets the new state, appends
 *    the history entry and records the cause id (applyOnce), so a race or a redelivery cannot
 *    apply it twice;
 * 4. publish appointment.state-changed with an id derived from the cause: a re-emit is identical.
 *
 * An action acknowledged without a state change (a late confirmation) is recorded in the history
 * but publishes nothing.
 */
export async function applyTransition(
  deps: HandlerDeps,
  request: TransitionRequest,
  logger?: Logger,
): Promise<TransitionDone> {
  const { Appointment } = deps.models;
  const { appointmentId, action, cause } = request;
  const _id = idFor(appointmentId);

  const current = await Appointment.findById(_id).lean<AppointmentRecord>();
  if (!current) throw new UnknownAppointmentError(`id "${appointmentId}"`);
  const earlier = current.history.find((entry) => entry.causedBy === cause.id);
  if (earlier) {
    logger?.info(
      { appointmentId, from: earlier.from, to: earlier.to },
      'already applied; events re-emitted, nothing changed',
    );
    await publishStateChanged(deps, current, earlier, cause);
    return { appointment: current, entry: earlier, fresh: false };
  }

  const decision = transition(current, action);
  if (!decision.ok) throw new TransitionRefusedError(decision.reason);

  const entry: HistoryEntry = {
    from: current.state,
    to: decision.to,
    at: deps.now(),
    ...(request.by && { by: request.by }),
    ...(request.reason && { reason: fitReason(request.reason) }),
    causedBy: cause.id,
    cause: cause.type,
  };
  const result = await applyOnce(Appointment, {
    id: _id,
    key: cause.id,
    ...historyUpdate(current, entry, decision.to),
  });
  switch (result.outcome) {
    case 'not_found':
      throw new UnknownAppointmentError(`id "${appointmentId}"`);
    case 'refused':
      throw new ConcurrentChangeError(appointmentId);
    case 'duplicate':
    case 'applied': {
      const appointment = result.document.toObject() as AppointmentRecord;
      const stored = appointment.history.find((e) => e.causedBy === cause.id) ?? entry;
      logger?.info(
        { appointmentId, from: stored.from, to: stored.to, outcome: result.outcome },
        stored.from === stored.to ? 'recorded without a state change' : 'appointment state changed',
      );
      await publishStateChanged(deps, appointment, stored, cause);
      return { appointment, entry: stored, fresh: result.outcome === 'applied' };
    }
  }
}

/**
 * How the entry goes into the history. A fact that changes nothing and was recorded before (same
 * from, to and cause: a modality report or a confirmation repeated) only counts on that entry
 * (`repeats`, `lastRepeatAt`), so a stream of repeats never grows the document; anything else is
 * appended. The entry is addressed by its index, which never moves (the history only grows), and
 * the update is conditional on that entry being the one read, as on the state; the first such
 * fact is appended only if the history has not grown since it was read.
 */
function historyUpdate(
  current: AppointmentRecord,
  entry: HistoryEntry,
  to: AppointmentRecord['state'],
) {
  const index =
    entry.from === entry.to
      ? current.history.findIndex(
          (earlier) =>
            earlier.from === entry.from && earlier.to === entry.to && earlier.cause === entry.cause,
        )
      : -1;
  if (index < 0)
    return {
      // A fact that changes nothing is appended only while the history is as read: two first
      // copies handled at once would otherwise both append. The later is refused, retried, and
      // then counts on the entry the earlier made.
      when:
        entry.from === entry.to
          ? { state: current.state, [`history.${current.history.length}`]: { $exists: false } }
          : { state: current.state },
      update: { $set: { state: to }, $push: { history: entry } },
    };
  const earlier = current.history[index]!;
  return {
    when: { state: current.state, [`history.${index}.causedBy`]: earlier.causedBy },
    update: {
      $inc: { [`history.${index}.repeats`]: 1 },
      $set: { [`history.${index}.lastRepeatAt`]: entry.at },
    },
  };
}

/** The id of the state-changed event a cause produces: the same on every re-emit. */
export const stateChangedId = (causeId: string) => derivedId('state-changed', causeId);

async function publishStateChanged(
  deps: HandlerDeps,
  appointment: AppointmentRecord,
  entry: HistoryEntry,
  cause: Cause,
): Promise<void> {
  if (entry.from === entry.to) return;
  const at = new Date(entry.at).toISOString();
  await deps.bus.publish(
    AppointmentStateChanged,
    createMessage(
      AppointmentStateChanged,
      {
        appointmentId: appointment.appointmentId,
        clinicId: appointment.clinicId,
        from: entry.from,
        to: entry.to,
        ...(entry.by && { by: { userId: entry.by.userId, name: entry.by.name } }),
        ...(entry.reason && { reason: entry.reason }),
        at,
      },
      { id: stateChangedId(cause.id), causedBy: cause, occurredAt: at },
    ),
  );
}
