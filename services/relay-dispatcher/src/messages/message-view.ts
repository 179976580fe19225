import type { MessageDocument } from './message-model';

const iso = (value: Date | string | null | undefined) =>
  // The stand-in's file persistence turns dates into strings: accept both.
  value ? new Date(value).toISOString() : null;

/** A message as the HTTP API shows it; the list leaves out payload and history. */
export function messageSummary(doc: MessageDocument) {
  return {
    messageId: doc.messageId,
    appointmentId: doc.appointmentId,
    accessionNumber: doc.accessionNumber,
    destinationId: doc.destinationId,
    gatewayId: doc.gatewayId,
    messageType: doc.messageType,
    target: doc.target,
    status: doc.status,
    attempts: doc.attempts,
    resends: doc.resends ?? 0,
    nextAttemptAt: iso(doc.nextAttemptAt),
    lastError: doc.lastError
      ? { phase: doc.lastError.phase, reason: doc.lastError.reason, at: iso(doc.lastError.at) }
      : null,
    createdAt: iso(doc.createdAt),
    sentAt: iso(doc.sentAt),
    deliveredAt: iso(doc.deliveredAt),
    confirmedAt: iso(doc.confirmedAt),
    failedAt: iso(doc.failedAt),
    traceId: doc.traceId ?? null,
  };
}

/** With the payload, or `payload: null` and `payloadPurgedAt` once the retention removed it. */
export function messageDetail(doc: MessageDocument) {
  return {
    ...messageSummary(doc),
    contentType: doc.contentType,
    payload: doc.payload ?? null,
    payloadPurgedAt: iso(doc.payloadPurgedAt),
    history: (doc.history ?? []).map((h) => ({
      at: iso(h.at),
      event: h.event,
      attempt: h.attempt,
      ...(h.detail && { detail: h.detail }),
    })),
  };
}

export type MessageSummary = ReturnType<typeof messageSummary>;
export type MessageDetail = ReturnType<typeof messageDetail>;
