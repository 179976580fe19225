import { on } from '@mbs/bus';
import { WithdrawSend } from '@mbs/contracts';
import { applyTransition } from './apply-transition';
import { reportingRefusal } from './command-rejection';
import type { HandlerDeps } from './handler-deps';

/**
 * sent_to_modality -> checked_in, with the reason staff gave, once per command id: the way out
 * when a send has had no answer (neither confirmed nor reported failed), so staff are never stuck
 * waiting. Staff then send again, cancel or mark the appointment. A confirmation of the withdrawn
 * send arriving later is taken as a late confirmation (the hospital has the order after all); a
 * failure of it is recorded and changes nothing. A refusal (nothing to withdraw) is told back as
 * *appointment command rejected*, then the command is dead-lettered.
 */
export const withdrawSendHandler = (deps: HandlerDeps) =>
  on(WithdrawSend, async (command, { logger }) => {
    const { appointmentId, requestedBy, reason } = command.data;
    await reportingRefusal(
      deps,
      command,
      () =>
        applyTransition(
          deps,
          {
            appointmentId,
            action: 'withdraw_send',
            cause: command,
            by: requestedBy,
            reason: `Send withdrawn: ${reason}`,
          },
          logger,
        ),
      logger,
    );
  });
