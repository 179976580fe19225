import {
  AppointmentCommandRejected,
  createMessage,
  derivedId,
  type Actor,
  type DataOf,
} from '@mbs/contracts';
import type { Logger } from '@mbs/telemetry';
import { TransitionRefusedError, UnknownAppointmentError } from './handler-errors';
import type { HandlerDeps } from './handler-deps';

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
 * failure is not a refusal: only an illegal transition or an unknown appointment is the answer
 * to the command. A broken store or broker is retried, and inconsistent data is for admins.
 */
export function rejectionOf(
  command: StaffCommandMessage,
  error: unknown,
): DataOf<typeof AppointmentCommandRejected> | undefined {
  if (!(error instanceof TransitionRefusedError || error instanceof UnknownAppointmentError))
    return undefined;
  const { appointmentId, requestedBy } = command.data;
  return {
    commandId: command.id,
    commandType: command.type,
    appointmentId,
    requestedBy: { userId: requestedBy.userId, name: requestedBy.name },
    reason: error.message,
    code: error.code,
  };
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
