import {
  AppointmentCommandRejected,
  createMessage,
  derivedId,
  fitReason,
  type Actor,
  type DataOf,
} from '@mbs/contracts';
import type { Logger } from '@mbs/telemetry';
import { PermanentError } from '@mbs/errors';
import {
  InconsistentDataError,
  TransitionRefusedError,
  UnknownAppointmentError,
} from '../transitions/handler-errors';
import type { HandlerDeps } from '../transitions/handler-deps';

/** What every staff command on one appointment carries (send, check in, cancel, did not attend). */
export interface StaffCommandMessage {
  readonly id: string;
  readonly type: string;
  readonly correlationId: string;
  readonly data: { readonly appointmentId: string; readonly requestedBy: Actor };
}

/** The id of the rejected event a command produces: the same on every redelivery. */
export const rejectedEventId = (commandId: string) => derivedId('rejected', commandId);

/**
 * Why a staff command was refused, told back to the member of staff, or undefined when the
 * failure is not a refusal: an illegal transition, an unknown appointment, or stored data that
 * cannot make a valid order (the send is refused and the appointment stays checked in; staff
 * must hear that, and that an administrator has to correct the record, or they wait for a send
 * that never happened). A broken store or broker is retried, not refused.
 */
export function rejectionOf(
  command: StaffCommandMessage,
  error: unknown,
): DataOf<typeof AppointmentCommandRejected> | undefined {
  const reason = readableReason(error);
  if (reason === undefined || !(error instanceof PermanentError)) return undefined;
  const { appointmentId, requestedBy } = command.data;
  return {
    commandId: command.id,
    commandType: command.type,
    appointmentId,
    requestedBy: { userId: requestedBy.userId, name: requestedBy.name },
    reason: fitReason(reason),
    code: error.code,
  };
}

function readableReason(error: unknown): string | undefined {
  if (error instanceof TransitionRefusedError || error instanceof UnknownAppointmentError)
    return error.message;
  if (error instanceof InconsistentDataError)
    return `The appointment's stored record cannot make a valid order, so nothing was sent and it stays checked in. An administrator must correct the record first. Detail: ${error.message}`;
  return undefined;
}

/**
 * Runs a staff command's work; when appointment refuses it, publishes *appointment command
 * rejected* (web shows the reason to whoever clicked, who was answered before appointment
 * decided) and then throws the refusal again, so the command is still dead-lettered for admins.
 *
 * The event's id is derived from the command id: a redelivered command publishes it again with
 * the same id, and consumers take it once. If publishing fails, that error is thrown instead and
 * the command is retried, so the refusal is told at least once.
 */
export async function reportingRefusal<T>(
  deps: HandlerDeps,
  command: StaffCommandMessage,
  work: () => Promise<T>,
  logger?: Logger,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const rejection = rejectionOf(command, error);
    if (rejection) {
      await deps.bus.publish(
        AppointmentCommandRejected,
        createMessage(AppointmentCommandRejected, rejection, {
          id: rejectedEventId(command.id),
          causedBy: command,
          occurredAt: deps.now(),
        }),
      );
      logger?.info(
        { appointmentId: rejection.appointmentId, code: rejection.code },
        'staff command refused; rejection published',
      );
    }
    throw error;
  }
}
