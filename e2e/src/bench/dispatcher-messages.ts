import { serviceApi } from '../system/clients';
import type { MessageView } from '../system/flow';
import type { RunningSystem } from '../system/system';

export interface TimedMessage extends MessageView {
  appointmentId: string;
  createdAt: string;
  sentAt: string | null;
}

/** The dispatcher lists at most this many messages in one answer. */
const PAGE = 500;

/**
 * Every message the dispatcher holds, newest first, page by page: each page asks for those
 * created up to the oldest of the page before (inclusive, so equal timestamps are not skipped,
 * and the repeats are dropped by id).
 */
export async function allMessages(system: RunningSystem): Promise<TimedMessage[]> {
  const byId = new Map<string, TimedMessage>();
  let to: string | undefined;
  for (;;) {
    const { messages } = await serviceApi(system, 'dispatcher').get<{ messages: TimedMessage[] }>(
      `/messages?limit=${PAGE}${to ? `&to=${encodeURIComponent(to)}` : ''}`,
    );
    const before = byId.size;
    for (const message of messages) byId.set(message.messageId, message);
    const oldest = messages.at(-1)?.createdAt;
    if (messages.length < PAGE || byId.size === before || oldest === undefined) break;
    to = oldest;
  }
  return [...byId.values()];
}
