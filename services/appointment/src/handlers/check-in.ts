import { on } from '@mbs/bus';
import { CheckIn } from '@mbs/contracts';
import { applyTransition } from './apply-transition';
import type { HandlerDeps } from './handler-deps';

/** booked -> checked_in, once per command id. */
export const checkInHandler = (deps: HandlerDeps) =>
  on(CheckIn, async (command, { logger }) => {
    const { appointmentId, requestedBy, reason } = command.data;
    await applyTransition(
      deps,
      {
        appointmentId,
        action: 'check_in',
        cause: command,
        by: requestedBy,
        ...(reason && { reason }),
      },
      logger,
    );
  });
