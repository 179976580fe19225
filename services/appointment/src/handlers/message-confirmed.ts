import { on } from '@mbs/bus';
import { MessageConfirmed } from '@mbs/contracts';
import { applyTransition } from './apply-transition';
import { isLateConfirmation } from './earlier-send';
import type { HandlerDeps } from './handler-deps';

/**
 * The hospital accepted the order: sent_to_modality -> with_modality, once per event id. A
 * confirmation of a send already reported failed (the dispatcher gave up waiting; the hospital
 * answered later) moves the appointment from checked_in to with_modality after all.
 */
export const messageConfirmedHandler = (deps: HandlerDeps) =>
  on(MessageConfirmed, async (event, { logger }) => {
    const { appointmentId, gatewayId, alreadyHad } = event.data;
    const late = await isLateConfirmation(deps.models, appointmentId, event.correlationId);
    const accepted = alreadyHad
      ? `The hospital already had the order (gateway ${gatewayId})`
      : `The hospital accepted the order (gateway ${gatewayId})`;
    await applyTransition(
      deps,
      {
        appointmentId,
        action: late ? 'late_confirmation' : 'message_confirmed',
        cause: event,
        reason: late ? `${accepted}, after the send had been reported failed` : accepted,
      },
      logger,
    );
  });
