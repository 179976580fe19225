import { on } from '@mbs/bus';
import { MessageConfirmed } from '@mbs/contracts';
import { applyTransition } from '../transitions/apply-transition';
import { standingOfSend } from '../sending/earlier-send';
import type { HandlerDeps } from '../transitions/handler-deps';

/**
 * The hospital accepted the order: sent_to_modality -> with_modality, once per event id. A
 * confirmation of a send already reported failed (the dispatcher gave up waiting; the hospital
 * answered later) or withdrawn by staff (nobody answered in time) moves the appointment from
 * checked_in to with_modality after all: the hospital has the order.
 */
export const messageConfirmedHandler = (deps: HandlerDeps) =>
  on(MessageConfirmed, async (event, { logger }) => {
    const { appointmentId, gatewayId, alreadyHad } = event.data;
    const standing = await standingOfSend(deps.models, appointmentId, event.correlationId);
    const late =
      standing === 'reported_failed'
        ? 'after the send had been reported failed'
        : standing === 'withdrawn'
          ? 'after staff had withdrawn the send'
          : undefined;
    const accepted = alreadyHad
      ? `The hospital already had the order (gateway ${gatewayId})`
      : `The hospital accepted the order (gateway ${gatewayId})`;
    await applyTransition(
      deps,
      {
        appointmentId,
        action: late ? 'late_confirmation' : 'message_confirmed',
        cause: event,
        reason: late ? `${accepted}, ${late}` : accepted,
      },
      logger,
    );
  });
