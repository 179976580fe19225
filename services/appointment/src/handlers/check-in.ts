import { on } from '@mbs/bus';
import { CheckIn } from '@mbs/contracts';
import { applyTransition } from './apply-transition';
import { reportingRefusal } from './command-rejection';
import type { HandlerDeps } from './handler-deps';

/**
 * booked -> checked_in, once per command id. A refusal is told back to staff as *appointment
 * command rejected*, then the command is dead-lettered.
 */
export const checkInHandler = (deps: HandlerDeps) =>
  on(CheckIn, async (command, { logger }) => {
    const { appointmentId, requestedBy, reason } = command.data;
    await reportingRefusal(
      deps,
      command,
      () =>
        applyTransition(
          deps,
          {
            appointmentId,
            action: 'check_in',
            cause: command,
            by: requestedBy,
            ...(reason && { reason }),
          },
          logger,
        ),
      logger,
    );
  });
