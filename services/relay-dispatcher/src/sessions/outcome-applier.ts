import { type DeliveryOutcome, fitReason } from '@mbs/contracts';
import type { Logger } from '@mbs/telemetry';
import type { OutcomePublisher } from '../delivery/outcome-publisher';
import { destinationRejection } from '../domain/destination-rejection';
import { outcomeOf } from '../domain/message-lifecycle';
import { afterUnsuccessfulAttempt, type RetrySchedule } from '../domain/retry-decision';
import type { MessageDocument } from '../messages/message-model';
import type { MessageStore } from '../messages/message-store';

export interface OutcomeApplierDependencies {
  readonly messages: MessageStore;
  readonly outcomes: OutcomePublisher;
  readonly logger: Logger;
  /** The delivery loop's retry limit and backoff: an unavailable destination is retried by it. */
  readonly schedule: RetrySchedule;
  readonly now?: () => Date;
}

/** What the gateway is told about its event: taken (published), or refused with the reason. */
export type UpstreamAnswer = { status: 'accepted' } | { status: 'refused'; reason: string };

/**
 * What the hospital destination said about a message, reported by `gatewayId`, applied to the
 * message and published: confirmed, rejected (failed for good), or unavailable (sent again with
 * backoff, failed at the limit). Applying the same outcome again changes nothing and publishes
 * the same event again (the first publish may not have happened). Refused for a message this
 * dispatcher does not have, or sent through another gateway.
 */
export function outcomeApplier(gatewayId: string, deps: OutcomeApplierDependencies) {
  const now = deps.now ?? (() => new Date());

  return async function applyOutcome(event: DeliveryOutcome): Promise<UpstreamAnswer> {
    const message = await deps.messages.get(event.messageId);
    if (!message) return { status: 'refused', reason: `no message ${event.messageId} here` };
    if (message.gatewayId !== gatewayId) {
      return {
        status: 'refused',
        reason: `message ${event.messageId} was sent to gateway ${message.gatewayId}, not ${gatewayId}`,
      };
    }
    const at = now();
    if (event.outcome === 'confirmed') return applyConfirmed(event, message, at);
    if (isFromEarlierResend(event, message)) {
      // Reported (or reported again) for a send staff have since repeated: it says nothing about
      // the current one. A confirmation always counts: the hospital has the message.
      deps.logger.info(
        {
          messageId: event.messageId,
          gatewayId,
          outcome: event.outcome,
          outcomeResend: event.resend,
          resends: message.resends,
        },
        'outcome of an earlier send; the message has been resent since, kept as it is',
      );
      return { status: 'accepted' };
    }
    if (event.outcome === 'unavailable') return applyUnavailable(event, message, at);
    return applyRejected(event, at);
  };

  async function applyConfirmed(
    event: DeliveryOutcome,
    message: MessageDocument,
    at: Date,
  ): Promise<UpstreamAnswer> {
    const confirmed = await deps.messages.markConfirmed(
      event.messageId,
      at,
      false,
      `outcome ${event.eventId}`,
    );
    // Confirmed now after an outcome before: a late confirmation of a message it had failed.
    const failedAs = outcomeOf(message);
    if (confirmed && failedAs) {
      deps.logger.warn(
        { messageId: event.messageId, failedAs },
        'confirmed by the hospital after it had been failed; now confirmed',
      );
    }
    const current = confirmed ?? (await deps.messages.get(event.messageId));
    // Publish again for a repeat (same envelope id): the first publish may not have happened.
    if (current && outcomeOf(current) === 'confirmed') await deps.outcomes.confirmed(current);
    else
      deps.logger.warn(
        { messageId: event.messageId, status: current?.status },
        'confirmed outcome for a message no longer waiting; kept as it is',
      );
    return { status: 'accepted' };
  }

  async function applyRejected(event: DeliveryOutcome, at: Date): Promise<UpstreamAnswer> {
    const failure = destinationRejection(event.reason);
    const failed = await deps.messages.markFailed(event.messageId, failure, at);
    // A rejection implies the gateway had it, even when its receipt was lost or is late.
    if (failed) await deps.messages.keepFirstDeliveredAt(event.messageId, at);
    const current = failed ?? (await deps.messages.get(event.messageId));
    if (current && outcomeOf(current) === failure.phase) {
      deps.logger.warn(
        { messageId: event.messageId, reason: failure.reason },
        'message rejected by the hospital destination',
      );
      await deps.outcomes.failed(current);
    }
    return { status: 'accepted' };
  }

  /**
   * The hospital system was down after the gateway's own retries: not the message's fault, so it
   * is sent again with the delivery loop's backoff until the retry limit, and failed (visible,
   * `destination_unavailable`) only then.
   */
  async function applyUnavailable(
    event: DeliveryOutcome,
    message: MessageDocument,
    at: Date,
  ): Promise<UpstreamAnswer> {
    const failure = {
      phase: 'destination_unavailable' as const,
      reason: fitReason(event.reason ?? 'The hospital destination was unavailable'),
    };
    const log = { messageId: event.messageId, gatewayId, attempt: message.attempts, ...failure };
    // A message the gateway reports on was with it, even when its receipt was lost or is late.
    await deps.messages.keepFirstDeliveredAt(event.messageId, at);
    const decision = afterUnsuccessfulAttempt({
      attempts: message.attempts,
      delivered: true,
      lastPhase: failure.phase,
      lastReason: `${failure.phase}: ${failure.reason}`,
      schedule: deps.schedule,
      now: at,
    });
    if (decision.kind === 'retry') {
      const waiting = await deps.messages.awaitDestination(
        event.messageId,
        message.attempts,
        failure,
        decision.nextAttemptAt,
        at,
      );
      deps.logger[waiting ? 'warn' : 'info'](
        { ...log, nextAttemptAt: waiting ? decision.nextAttemptAt : undefined },
        waiting
          ? 'hospital destination unavailable; will send again'
          : 'unavailable outcome for a message that moved on; kept as it is',
      );
      return { status: 'accepted' };
    }
    const final = { phase: decision.phase, reason: fitReason(decision.reason) };
    const failed = await deps.messages.markFailed(event.messageId, final, at, {
      attempts: message.attempts,
    });
    const current = failed ?? (await deps.messages.get(event.messageId));
    // Publish again for a repeat (same envelope id): the first publish may not have happened.
    if (current && outcomeOf(current) === 'destination_unavailable') {
      deps.logger.error({ ...log, ...final }, 'message failed: hospital destination unavailable');
      await deps.outcomes.failed(current);
    }
    return { status: 'accepted' };
  }
}

/**
 * A rejection or unavailability the gateway reported for an earlier staff resend than the
 * message's current one (an event it sent again because its ack was lost). A gateway that does
 * not say which resend (`resend` absent) is taken at its word, as before resends were counted.
 */
function isFromEarlierResend(event: DeliveryOutcome, message: MessageDocument): boolean {
  return event.resend !== undefined && event.resend < (message.resends ?? 0);
}
