import { describeError } from '@mbs/errors';
import type { Logger } from '@mbs/telemetry';
import type { MessageStore } from '../messages/message-store';
import type { OutcomePublisher } from './outcome-publisher';

/**
 * Makes up outcome events whose publish failed after the state change (the broker away longer
 * than a publish waits, a crash in between): no transactions, so "nothing is lost" comes from
 * finding changed-but-unannounced messages and publishing again (same envelope ids).
 */
export async function announceMissed(deps: {
  readonly messages: MessageStore;
  readonly outcomes: OutcomePublisher;
  readonly logger: Logger;
  readonly settleMs: number;
  readonly now: Date;
}): Promise<number> {
  const { messages, outcomes, logger } = deps;
  const missed = await messages.unannounced(new Date(deps.now.getTime() - deps.settleMs), 50);
  for (const m of missed) {
    try {
      const announced = m.announced ?? [];
      if (m.deliveredAt && !announced.includes('delivered')) await outcomes.delivered(m);
      if (m.status === 'confirmed' && !announced.includes('confirmed')) await outcomes.confirmed(m);
      if (m.status === 'failed' && !announced.includes('failed')) await outcomes.failed(m);
      logger.warn({ messageId: m.messageId, status: m.status }, 'published a missed outcome event');
    } catch (error) {
      logger.warn(
        { messageId: m.messageId, err: describeError(error) },
        'outcome event still not published; will try again',
      );
      return 0;
    }
  }
  return missed.length;
}
