import { FailurePhase, appointmentStateLabels } from '@mbs/contracts';
import type { HistoryEntryView } from '../clients/appointment-client';
import type { MessageStatus, MessageWithHistory } from '../clients/dispatcher-client';
import type { Tag } from './states';
import { formatMoment } from './times';

/** Where a send failed, in words: the lesson of NHS's incident review is to always name it. */
export const phaseLabels: Readonly<Record<FailurePhase, string>> = {
  destination_lookup: 'finding where to send it',
  build: 'building the order',
  validate: 'checking the order',
  connect: 'reaching the hospital gateway',
  send: 'sending it to the hospital gateway',
  ack_timeout: 'waiting for the gateway to acknowledge it',
  confirm_timeout: 'waiting for the hospital to confirm it',
  destination_rejected: 'the hospital system refused it',
  destination_unavailable: 'the hospital system was unavailable',
  retry_limit: 'trying again',
};

const statusTags: Readonly<Record<MessageStatus, Tag>> = {
  pending: { text: 'Waiting to send', colour: 'grey' },
  sent: { text: 'Sent', colour: 'blue' },
  delivered: { text: 'At the gateway', colour: 'yellow' },
  confirmed: { text: 'Confirmed', colour: 'green' },
  failed: { text: 'Failed', colour: 'red' },
};

const messageTypes: Readonly<Record<string, string>> = {
  'fhir-r4': 'FHIR R4',
  'worklist-json': 'Worklist',
};

export interface MessageStepView {
  readonly when: string;
  readonly text: string;
}

export interface MessageView {
  readonly messageId: string;
  readonly title: string;
  readonly tag: Tag;
  readonly failure?: string;
  readonly steps: readonly MessageStepView[];
  readonly facts: ReadonlyArray<{ key: string; value: string }>;
}

/** A step's detail with its leading phase code (`destination_rejected: ...`) put in words. */
function readable(detail: string | undefined): string {
  if (!detail) return '';
  const match = /^([a-z_]+): (.*)$/s.exec(detail);
  const phase = match && FailurePhase.safeParse(match[1]);
  return phase?.success ? `: ${phaseLabels[phase.data]}: ${match![2]}` : `: ${detail}`;
}

function stepText(step: MessageWithHistory['history'][number]): string {
  const detail = readable(step.detail);
  switch (step.event) {
    case 'stored':
      return 'Order built and queued for the hospital';
    case 'sent':
      return `Sent to the hospital gateway (attempt ${step.attempt})`;
    case 'delivered':
      return 'The hospital gateway has it';
    case 'confirmed':
      // Its detail is the gateway's outcome id: for the technical details, not for staff.
      return 'The hospital confirmed it';
    case 'retry':
      return `Attempt ${step.attempt} did not get through${detail}; it will be tried again`;
    case 'failed':
      return `Sending failed${detail}`;
    case 'resend':
      return 'Sent again by staff';
    default:
      return `${step.event}${detail}`;
  }
}

/** One message to the modality, with the steps it went through, newest step last. */
export function messageView(message: MessageWithHistory): MessageView {
  const type = messageTypes[message.messageType] ?? message.messageType;
  return {
    messageId: message.messageId,
    title: `${type} order via ${message.gatewayId}`,
    tag: statusTags[message.status],
    failure:
      message.status === 'failed' && message.lastError
        ? `Failed while ${phaseLabels[message.lastError.phase]}: ${message.lastError.reason}`
        : undefined,
    steps: message.history.map((step) => ({ when: formatMoment(step.at), text: stepText(step) })),
    facts: [
      { key: 'Message ID', value: message.messageId },
      { key: 'Destination', value: `${message.destinationId} (${type})` },
      { key: 'Gateway', value: message.gatewayId },
      { key: 'Attempts', value: String(message.attempts) },
      { key: 'Resent by staff', value: message.resends === 0 ? 'No' : `${message.resends} times` },
      ...(message.traceId ? [{ key: 'Trace ID', value: message.traceId }] : []),
    ],
  };
}

export interface HistoryRowView {
  readonly when: string;
  readonly change: string;
  readonly by: string;
  readonly why: string;
}

const causes: Readonly<Record<string, string>> = {
  'message.confirmed': 'The hospital confirmed the order',
  'message.failed': 'Sending the order failed',
  'message.delivered': 'The hospital gateway received the order',
  'modality.event-reported': 'Reported by the modality',
  'demo.seed': 'Demo data',
};

/** The appointment's history, newest first: who, when, from, to and why. */
export function historyRows(history: readonly HistoryEntryView[]): HistoryRowView[] {
  return [...history].reverse().map((entry) => ({
    when: formatMoment(entry.at),
    change:
      entry.from === entry.to
        ? `${appointmentStateLabels[entry.to]} (no change)`
        : `${appointmentStateLabels[entry.from]} to ${appointmentStateLabels[entry.to]}`,
    by: entry.by?.name ?? causes[entry.cause] ?? 'The system',
    why: [
      entry.reason ?? '',
      entry.repeats
        ? `(Reported ${entry.repeats} more time${entry.repeats === 1 ? '' : 's'}, last at ${formatMoment(entry.lastRepeatAt ?? entry.at)})`
        : '',
    ]
      .filter(Boolean)
      .join(' '),
  }));
}
