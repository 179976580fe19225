import type { AnyContract } from './contract';
import { SendToModality } from './commands/send-to-modality';
import { AppointmentSentToModality } from './events/appointment-sent-to-modality';
import { MessageReady } from './events/message-ready';
import { MessageConfirmed, MessageDelivered, MessageFailed } from './events/message-outcomes';
import { ModalityEventReported } from './events/modality-event-reported';

/** Every contract of the flow, for documentation, topology checks and tests. */
export const allContracts: readonly AnyContract[] = [
  SendToModality,
  AppointmentSentToModality,
  MessageReady,
  MessageDelivered,
  MessageConfirmed,
  MessageFailed,
  ModalityEventReported,
];
