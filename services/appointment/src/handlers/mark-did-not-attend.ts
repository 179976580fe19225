import { on } from '@mbs/bus';
import { MarkDidNotAttend } from '@mbs/contracts';
import { applyTransition } from './apply-transition';
import { reportingRefusal } from './command-rejection';
import type { HandlerDeps } from './handler-deps';

/**
 * booked -> did_not_attend, once per command id. A refusal is told back to staff as
 * *appointment command rejected*, then the command is dead-lettered.
 */
export const markDidNotAttendHandler = (deps: HandlerDeps) =>
  on(MarkDidNotAttend, async (command, { logger }) => {
    const { appointmentId, requestedBy, reason } = command.data;
    await reportingRefusal(
      deps,
      command,
      () =>
        applyTransition(
          deps,
          {
            appointmentId,
            action: 'mark_did_not_attend',
            cause: command,
            by: requestedBy,
            ...(reason && { reason }),
          },
          logger,
        ),
      logger,
    );
  });
