import { on } from '@mbs/bus';
import { MessageDelivered } from '@mbs/contracts';
import { applyTransition } from './apply-transition';
import type { HandlerDeps } from './handler-deps';

/** The gateway has the order: recorded in the history; the state stays. Once per event id. */
export const messageDeliveredHandler = (deps: HandlerDeps) =>
  on(MessageDelivered, async (event, { logger }) => {
    const { appointmentId, gatewayId, attempt } = event.data;
    await applyTransition(
      deps,
      {
        appointmentId,
        action: 'message_delivered',
        cause: event,
        reason: `Delivered to gateway ${gatewayId} (attempt ${attempt})`,
      },
      logger,
    );
  });
