import type { AnyContract } from '@mbs/contracts';
import type { MessageHandler } from '@mbs/bus';
import { cancelHandler } from './cancel';
import { checkInHandler } from './check-in';
import type { StaffCommandDeps } from '../transitions/handler-deps';
import { markDidNotAttendHandler } from './mark-did-not-attend';
import { messageConfirmedHandler } from './message-confirmed';
import { messageDeliveredHandler } from './message-delivered';
import { messageFailedHandler } from './message-failed';
import { modalityEventReportedHandler } from './modality-event-reported';
import { sendToModalityHandler } from './send-to-modality';
import { withdrawSendHandler } from './withdraw-send';

export type { HandlerDeps, StaffCommandDeps } from '../transitions/handler-deps';
export { sentEventId } from './send-to-modality';
export { stateChangedId } from '../transitions/apply-transition';
export { rejectedEventId } from '../commands/command-rejection';

/** Every command and event appointment handles, one handler each. */
export function appointmentHandlers(deps: StaffCommandDeps): MessageHandler<AnyContract>[] {
  return [
    sendToModalityHandler(deps),
    withdrawSendHandler(deps),
    checkInHandler(deps),
    cancelHandler(deps),
    markDidNotAttendHandler(deps),
    messageDeliveredHandler(deps),
    messageConfirmedHandler(deps),
    messageFailedHandler(deps),
    modalityEventReportedHandler(deps),
  ];
}
