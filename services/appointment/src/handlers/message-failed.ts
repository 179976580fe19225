import { on } from '@mbs/bus';
import { type FailurePhase, MessageFailed } from '@mbs/contracts';
import { applyTransition } from '../transitions/apply-transition';
import { standingOfSend } from '../sending/earlier-send';
import type { HandlerDeps } from '../transitions/handler-deps';

/** Every phase in words staff read; the event's own reason follows with the detail. */
const phaseWords: Readonly<Record<FailurePhase, string>> = {
  destination_lookup: "the hospital's destination could not be used",
  build: 'the order could not be built',
  validate: 'the order was not valid',
  connect: 'the hospital gateway could not be reached',
  send: 'the order could not be sent to the gateway',
  ack_timeout: 'the gateway did not acknowledge the order in time',
  confirm_timeout: 'the hospital did not confirm the order in time',
  destination_rejected: 'the hospital system rejected the order',
  destination_unavailable: 'the hospital system was unavailable',
  retry_limit: 'sending was retried until the limit',
};

/**
 * The order will not reach the hospital: sent_to_modality -> checked_in, with the failure's
 * phase and reason in the history, so staff see why and can send again. Once per event id.
 *
 * A failure of an earlier send (its flow, the `correlationId`, is a send command that staff have
 * since repeated) or of a send staff have withdrawn is recorded in the history and changes
 * nothing.
 */
export const messageFailedHandler = (deps: HandlerDeps) =>
  on(MessageFailed, async (event, { logger }) => {
    const { appointmentId, phase, reason, attempts } = event.data;
    const failure = `(${phase}: ${phaseWords[phase]}) after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`;
    const standing = await standingOfSend(deps.models, appointmentId, event.correlationId);
    const send = `command ${event.correlationId}`;
    const outdated =
      standing === 'earlier'
        ? `An earlier send (${send}) failed; it has been sent again since, so nothing changes.`
        : standing === 'withdrawn'
          ? `The send (${send}) had been withdrawn by staff before it was reported failed, so nothing changes.`
          : undefined;
    await applyTransition(
      deps,
      {
        appointmentId,
        action: outdated ? 'earlier_send_failed' : 'message_failed',
        cause: event,
        reason: outdated ? `${outdated} The failure ${failure}` : `Sending failed ${failure}`,
      },
      logger,
    );
  });
