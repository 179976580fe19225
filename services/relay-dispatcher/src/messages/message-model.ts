import { type FailurePhase, MessageReady } from '@mbs/contracts';
import { contractField } from '@mbs/store';
import { type Connection, Schema, type Types } from 'mongoose';
import { MessageStatus } from '../domain/message-lifecycle';

export interface LastError {
  phase: FailurePhase;
  reason: string;
  at: Date;
}

export interface HistoryEntry {
  at: Date;
  /**
   * What happened: `stored`, `sent`, `delivered`, `confirmed`, `retry`, `failed`, `resend`,
   * `payload_purged`.
   */
  event: string;
  attempt: number;
  detail?: string;
}

export interface MessageDocument {
  /** `keyToObjectId(messageId)`: the stand-in accepts only ObjectId `_id`s. */
  _id: Types.ObjectId;
  messageId: string;
  appointmentId: string;
  accessionNumber: string;
  destinationId: string;
  gatewayId: string;
  messageType: string;
  target: string;
  contentType: string;
  /** Absent once the retention removed it (`payloadPurgedAt`), which only a confirmed one loses. */
  payload?: string | null;
  /** When the payload was removed, `DISPATCHER_PAYLOAD_RETENTION_DAYS` after its confirmation. */
  payloadPurgedAt?: Date | null;
  status: MessageStatus;
  /** Tries of the current send; a staff resend starts them from 0 again. */
  attempts: number;
  /**
   * How many times staff resent it (0, or absent on messages stored before resends were
   * counted): sent to the gateway as `DeliverBody.resend` and part of the outcome event ids.
   */
  resends?: number | null;
  nextAttemptAt?: Date | null;
  lastError?: LastError | null;
  createdAt: Date;
  sentAt?: Date | null;
  deliveredAt?: Date | null;
  confirmedAt?: Date | null;
  failedAt?: Date | null;
  /** The W3C trace of the click that caused it; every frame about it continues this trace. */
  traceId?: string | null;
  traceparent?: string | null;
  /** The message ready envelope, so outcomes keep the flow's correlation. */
  readyEventId: string;
  correlationId: string;
  /**
   * The attempt whose delivery the gateway reported `unavailable` (the hospital system was down):
   * that outcome is applied once, and a receipt of that attempt arriving after it changes nothing.
   */
  unavailableAttempt?: number | null;
  /** Confirmed because the gateway answered a resend with "already have it". */
  alreadyHad?: boolean | null;
  /**
   * Which outcome events were published (`delivered`, `confirmed`, `failed`). A publish that
   * failed after its state change (broker away too long) is made up by the announcer's sweep.
   */
  announced: string[];
  history: HistoryEntry[];
}

const lastErrorSchema = new Schema<LastError>(
  {
    phase: { type: String, required: true },
    reason: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { _id: false },
);

const historySchema = new Schema<HistoryEntry>(
  {
    at: { type: Date, required: true },
    event: { type: String, required: true },
    attempt: { type: Number, required: true },
    detail: { type: String },
  },
  { _id: false },
);

/** A message is stored from its message ready: each of those fields is held to that contract. */
const ready = MessageReady.data.shape;

const messageSchema = new Schema<MessageDocument>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    messageId: { type: String, required: true, ...contractField(ready.messageId) },
    appointmentId: { type: String, required: true, ...contractField(ready.appointmentId) },
    accessionNumber: {
      type: String,
      required: true,
      index: true,
      ...contractField(ready.accessionNumber),
    },
    destinationId: { type: String, required: true, ...contractField(ready.destinationId) },
    gatewayId: { type: String, required: true, ...contractField(ready.gatewayId) },
    messageType: { type: String, required: true, ...contractField(ready.messageType) },
    target: { type: String, required: true, ...contractField(ready.target) },
    contentType: { type: String, required: true, ...contractField(ready.contentType) },
    // Not required: the retention removes it from confirmed messages.
    payload: { type: String, ...contractField(ready.payload) },
    payloadPurgedAt: { type: Date },
    status: { type: String, required: true, ...contractField(MessageStatus) },
    attempts: { type: Number, required: true },
    resends: { type: Number },
    nextAttemptAt: { type: Date },
    lastError: { type: lastErrorSchema },
    createdAt: { type: Date, required: true },
    sentAt: { type: Date },
    deliveredAt: { type: Date },
    confirmedAt: { type: Date },
    failedAt: { type: Date },
    traceId: { type: String },
    traceparent: { type: String },
    readyEventId: { type: String, required: true },
    correlationId: { type: String, required: true },
    alreadyHad: { type: Boolean },
    unavailableAttempt: { type: Number },
    announced: { type: [String], default: [] },
    history: { type: [historySchema], default: [] },
  },
  { collection: 'messages', versionKey: false },
);
// For real MongoDB's speed only (the stand-in scans): the due-message query and the lists.
messageSchema.index({ status: 1, nextAttemptAt: 1 });
messageSchema.index({ gatewayId: 1, status: 1 });
messageSchema.index({ createdAt: -1 });
// web shows an appointment's messages on its page.
messageSchema.index({ appointmentId: 1, createdAt: -1 });
// The retention's pass: confirmed messages by confirmation time.
messageSchema.index({ status: 1, confirmedAt: 1 });

export function messageModel(connection: Connection) {
  return connection.models.Message
    ? (connection.models.Message as ReturnType<typeof create>)
    : create(connection);
}

function create(connection: Connection) {
  return connection.model<MessageDocument>('Message', messageSchema);
}
