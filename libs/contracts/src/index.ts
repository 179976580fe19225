export {
  createMessage,
  defineContract,
  parseMessage,
  type AnyContract,
  type Contract,
  type ContractKind,
  type DataOf,
  type Envelope,
  type MessageOf,
  type MessageOptions,
  type ParseResult,
} from './contract';
export { ContractViolation, type Violation } from './contract-violation';
export { allContracts } from './registry';
export { derivedId } from './derived-id';

export { Actor, CalendarDate, Id, Instant } from './values/identifiers';
export { NhsNumber, isValidNhsNumber } from './values/nhs-number';
export { ParticipantSnapshot, Sex } from './values/participant';
export { AccessionNumber } from './values/accession-number';
export { OdsCode } from './values/ods-code';
export { AppointmentState, appointmentStateLabels } from './values/appointment-state';
export { StaffActionName } from './values/staff-action-name';
export { StaffRole } from './values/staff-role';
export {
  COMMAND_SIGNATURE_MAX_LENGTH,
  CommandSignature,
  StaffRequest,
} from './values/staff-request';
export { ModalityEventKind } from './values/modality-event-kind';
export { REASON_MAX_LENGTH, Reason, ReasonAllowingEmpty, fitReason } from './values/reason';
export { addDays, londonDate, londonInstant, londonTime } from './values/london-time';

export { SendToModality } from './commands/send-to-modality';
export { CheckIn } from './commands/check-in';
export { CancelAppointment } from './commands/cancel-appointment';
export { MarkDidNotAttend } from './commands/mark-did-not-attend';
export { WithdrawSend } from './commands/withdraw-send';
export { StaffAction } from './commands/staff-action';
export { AppointmentCommandRejected } from './events/appointment-command-rejected';
export { AppointmentStateChanged } from './events/appointment-state-changed';
export { AppointmentSentToModality } from './events/appointment-sent-to-modality';
export { MAX_PAYLOAD_BYTES, MessageReady } from './events/message-ready';
export {
  FailurePhase,
  MessageConfirmed,
  MessageDelivered,
  MessageFailed,
} from './events/message-outcomes';
export { ModalityEventReported } from './events/modality-event-reported';
export {
  DeliverBody,
  DeliverFrameBody,
  DeliveryOutcome,
  FrameRefusalCode,
  ModalityEvent,
  ModalityReport,
  OrderContent,
  Receipt,
  SignedReceipt,
  SignedUpstreamAck,
  SignedUpstreamEvent,
  UpstreamAck,
  UpstreamEvent,
} from './gateway-protocol';
