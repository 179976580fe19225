import { on } from '@mbs/bus';
import { MessageConfirmed } from '@mbs/contracts';
import { applyTransition } from './apply-transition';
import type { HandlerDeps } from './handler-deps';

/** The hospital accepted the order: sent_to_modality -> with_modality, once per event id. */
export const messageConfirmedHandler = (deps: HandlerDeps) =>
  on(MessageConfirmed, async (event, { logger }) => {
    const { appointmentId, gatewayId, alreadyHad } = event.data;
    await applyTransition(
      deps,
      {
        appointmentId,
        action: 'message_confirmed',
        cause: event,
        reason: alreadyHad
          ? `The hospital already had the order (gateway ${gatewayId})`
          : `The hospital accepted the order (gateway ${gatewayId})`,
      },
      logger,
    );
  });
