import type { AnyContract } from './contract';
import { CancelAppointment } from './commands/cancel-appointment';
import { CheckIn } from './commands/check-in';
import { MarkDidNotAttend } from './commands/mark-did-not-attend';
import { SendToModality } from './commands/send-to-modality';
import { WithdrawSend } from './commands/withdraw-send';
import { AppointmentCommandRejected } from './events/appointment-command-rejected';
import { AppointmentStateChanged } from './events/appointment-state-changed';
import { AppointmentSentToModality } from './events/appointment-sent-to-modality';
import { MessageReady } from './events/message-ready';
import { MessageConfirmed, MessageDelivered, MessageFailed } from './events/message-outcomes';
import { ModalityEventReported } from './events/modality-event-reported';

/** Every contract of the flow, for documentation, topology checks and tests. */
export const allContracts: readonly AnyContract[] = [
  SendToModality,
  CheckIn,
  CancelAppointment,
  MarkDidNotAttend,
  WithdrawSend,
  AppointmentSentToModality,
  AppointmentStateChanged,
  AppointmentCommandRejected,
  MessageReady,
  MessageDelivered,
  MessageConfirmed,
  MessageFailed,
  ModalityEventReported,
];
