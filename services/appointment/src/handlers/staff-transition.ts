import { on } from '@mbs/bus';
import type { AnyContract, StaffAction } from '@mbs/contracts';
import type { z } from 'zod';
import type { AppointmentAction } from '../domain/appointment-state';
import { applyTransition } from '../transitions/apply-transition';
import { reportingRefusal } from '../commands/command-rejection';
import { verifiedRequester } from '../commands/verified-requester';
import type { StaffCommandDeps } from '../transitions/handler-deps';

/**
 * The handler of a staff command that is one transition of one appointment (check in, cancel,
 * mark did not attend, withdraw a send): the action, by the member of staff, with the reason
 * they gave (as `historyReason` words it for the history), once per command id. Only once web's
 * signature over the command verifies (verifiedRequester: otherwise dead-lettered, untold). A
 * refusal is told back to staff as *appointment command rejected*, then the command is
 * dead-lettered.
 */
export function staffTransitionHandler<C extends AnyContract>(
  contract: C,
  action: AppointmentAction,
  historyReason: (reason: string | undefined) => string | undefined = (reason) => reason,
) {
  return (deps: StaffCommandDeps) =>
    on(contract, async (command, { logger }) => {
      // Every staff command's data is a StaffAction (or extends it): declared in libs/contracts.
      const data = command.data as z.output<typeof StaffAction>;
      const { appointmentId, reason } = data;
      const by = await verifiedRequester(deps, { ...command, data }, logger);
      const written = historyReason(reason);
      await reportingRefusal(
        deps,
        command,
        () =>
          applyTransition(
            deps,
            {
              appointmentId,
              action,
              cause: command,
              by,
              ...(written && { reason: written }),
            },
            logger,
          ),
        logger,
      );
    });
}
