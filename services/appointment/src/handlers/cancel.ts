import { on } from '@mbs/bus';
import { CancelAppointment } from '@mbs/contracts';
import { applyTransition } from './apply-transition';
import { reportingRefusal } from './command-rejection';
import type { HandlerDeps } from './handler-deps';

/**
 * booked or checked_in -> cancelled, with the reason staff gave, once per command id. A refusal
 * is told back to staff as *appointment command rejected*, then the command is dead-lettered.
 */
export const cancelHandler = (deps: HandlerDeps) =>
  on(CancelAppointment, async (command, { logger }) => {
    const { appointmentId, requestedBy, reason } = command.data;
    await reportingRefusal(
      deps,
      command,
      () =>
        applyTransition(
          deps,
          {
            appointmentId,
            action: 'cancel',
            cause: command,
            by: requestedBy,
            reason,
          },
          logger,
        ),
      logger,
    );
  });
