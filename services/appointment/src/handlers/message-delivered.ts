import { on } from '@mbs/bus';
import { MessageDelivered } from '@mbs/contracts';
import { applyTransition } from '../transitions/apply-transition';
import { standingOfSend } from '../sending/earlier-send';
import type { HandlerDeps } from '../transitions/handler-deps';

/**
 * The gateway has the order: recorded in the history; the state stays. Once per event id. A
 * delivery of a send already reported failed or withdrawn (staff resent it from the dispatcher,
 * or the receipt came after the give-up) is recorded too, while the appointment is checked in.
 */
export const messageDeliveredHandler = (deps: HandlerDeps) =>
  on(MessageDelivered, async (event, { logger }) => {
    const { appointmentId, gatewayId, attempt } = event.data;
    const standing = await standingOfSend(deps.models, appointmentId, event.correlationId);
    const late = standing === 'reported_failed' || standing === 'withdrawn';
    await applyTransition(
      deps,
      {
        appointmentId,
        action: late ? 'late_delivery' : 'message_delivered',
        cause: event,
        reason: `Delivered to gateway ${gatewayId} (attempt ${attempt})`,
      },
      logger,
    );
  });
