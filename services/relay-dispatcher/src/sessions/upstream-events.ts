import type { Bus } from '@mbs/bus';
import {
  createMessage,
  type DeliveryOutcome,
  type ModalityEvent,
  ModalityEventReported,
  UpstreamAck,
  UpstreamEvent,
} from '@mbs/contracts';
import { describeError } from '@mbs/errors';
import type { FrameHandler, SessionFrame } from '@mbs/relay';
import { extractTraceContext, type Logger, withSpan } from '@mbs/telemetry';
import { derivedEventId } from '../domain/derived-ids';
import { afterUnsuccessfulAttempt, type RetrySchedule } from '../domain/retry-decision';
import type { OutcomePublisher } from '../delivery/outcome-publisher';
import type { MessageDocument } from '../messages/message-model';
import type { MessageStore } from '../messages/message-store';

export interface UpstreamDependencies {
  readonly bus: Pick<Bus, 'publish'>;
  readonly messages: MessageStore;
  readonly outcomes: OutcomePublisher;
  readonly logger: Logger;
  /** The delivery loop's retry limit and backoff: an unavailable destination is retried by it. */
  readonly schedule: RetrySchedule;
  readonly now?: () => Date;
}

type Answer = { status: 'accepted' } | { status: 'refused'; reason: string };

/**
 * The gateway's upstream `event` frames: delivery outcomes and modality events. Each is applied
 * and published FIRST and acknowledged after (`UpstreamAck` accepted), so the gateway, which
 * keeps the event until acknowledged, never drops one the cloud has not got. An invalid body is
 * refused with the reason. A failure to apply or publish sends no ack at all: the gateway sends
 * the event again, and applying it again changes nothing.
 */
export function upstreamHandler(gatewayId: string, deps: UpstreamDependencies): FrameHandler {
  const now = deps.now ?? (() => new Date());

  async function applyOutcome(event: DeliveryOutcome): Promise<Answer> {
    const message = await deps.messages.get(event.messageId);
    if (!message) return { status: 'refused', reason: `no message ${event.messageId} here` };
    if (message.gatewayId !== gatewayId) {
      return {
        status: 'refused',
        reason: `message ${event.messageId} was sent to gateway ${message.gatewayId}, not ${gatewayId}`,
      };
    }
    const at = now();
    if (event.outcome === 'unavailable') return applyUnavailable(event, message, at);
    if (event.outcome === 'confirmed') {
      const confirmed = await deps.messages.markConfirmed(
        event.messageId,
        at,
        false,
        `outcome ${event.eventId}`,
      );
      if (confirmed && message.status === 'failed') {
        deps.logger.warn(
          { messageId: event.messageId, failedAs: message.lastError?.phase },
          'confirmed by the hospital after it had been failed; now confirmed',
        );
      }
      const current = confirmed ?? (await deps.messages.get(event.messageId));
      // Publish again for a repeat (same envelope id): the first publish may not have happened.
      if (current?.status === 'confirmed') await deps.outcomes.confirmed(current);
      else
        deps.logger.warn(
          { messageId: event.messageId, status: current?.status },
          'confirmed outcome for a message no longer waiting; kept as it is',
        );
      return { status: 'accepted' };
    }
    const failure = {
      phase: 'destination_rejected' as const,
      reason: event.reason ?? 'The hospital destination rejected the message',
    };
    const failed = await deps.messages.markFailed(event.messageId, failure, at);
    // A rejection implies the gateway had it, even when its receipt was lost or is late.
    if (failed) await deps.messages.keepFirstDeliveredAt(event.messageId, at);
    const current = failed ?? (await deps.messages.get(event.messageId));
    if (current?.status === 'failed' && current.lastError?.phase === 'destination_rejected') {
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
  ): Promise<Answer> {
    const failure = {
      phase: 'destination_unavailable' as const,
      reason: (event.reason ?? 'The hospital destination was unavailable').slice(0, 1900),
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
    const final = { phase: decision.phase, reason: decision.reason.slice(0, 2000) };
    const failed = await deps.messages.markFailed(event.messageId, final, at, {
      attempts: message.attempts,
    });
    const current = failed ?? (await deps.messages.get(event.messageId));
    // Publish again for a repeat (same envelope id): the first publish may not have happened.
    if (current?.status === 'failed' && current.lastError?.phase === 'destination_unavailable') {
      deps.logger.error({ ...log, ...final }, 'message failed: hospital destination unavailable');
      await deps.outcomes.failed(current);
    }
    return { status: 'accepted' };
  }

  async function applyModalityEvent(event: ModalityEvent): Promise<Answer> {
    await deps.bus.publish(
      ModalityEventReported,
      createMessage(
        ModalityEventReported,
        {
          gatewayId,
          accessionNumber: event.accessionNumber,
          ...(event.appointmentId && { appointmentId: event.appointmentId }),
          ...(event.messageId && { messageId: event.messageId }),
          event: event.event,
          happenedAt: event.happenedAt,
          ...(event.detail && { detail: event.detail }),
        },
        // The gateway's own event id: its resends until acknowledged take effect once.
        { id: derivedEventId('modality', gatewayId, event.eventId), occurredAt: now() },
      ),
    );
    return { status: 'accepted' };
  }

  const reply = (frame: SessionFrame, eventId: string, answer: Answer) =>
    UpstreamAck.parse({ eventId, ...answer });

  return async (frame, session) => {
    if (frame.kind !== 'event') {
      session.send({
        kind: 'error',
        replyTo: frame.id,
        body: {
          code: 'unhandled_frame',
          reason: `the dispatcher does not take ${frame.kind} frames`,
        },
      });
      return;
    }
    const parsed = UpstreamEvent.safeParse(frame.body);
    if (!parsed.success) {
      const reason = `invalid upstream event: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
        .join('; ')}`.slice(0, 2000);
      const rawId = (frame.body as { eventId?: unknown } | null)?.eventId;
      const eventId =
        typeof rawId === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(rawId)
          ? rawId
          : frame.id.replace(/[^A-Za-z0-9._:-]/g, '-');
      deps.logger.warn({ gatewayId, frameId: frame.id, reason }, 'upstream event refused');
      session.send({
        kind: 'ack',
        replyTo: frame.id,
        traceparent: frame.traceparent,
        body: reply(frame, eventId, { status: 'refused', reason }),
      });
      return;
    }
    const event = parsed.data;
    const parent = frame.traceparent
      ? extractTraceContext({ traceparent: frame.traceparent })
      : undefined;
    await withSpan(
      `upstream ${event.type}`,
      {
        ...(parent && { parent }),
        attributes: { 'gateway.id': gatewayId, 'event.id': event.eventId },
      },
      async () => {
        let answer: Answer;
        try {
          answer =
            event.type === 'delivery-outcome'
              ? await applyOutcome(event)
              : await applyModalityEvent(event);
        } catch (error) {
          // No ack: the gateway keeps the event and sends it again.
          deps.logger.error(
            { gatewayId, eventId: event.eventId, err: describeError(error) },
            'upstream event not applied; the gateway will resend it',
          );
          return;
        }
        session.send({
          kind: 'ack',
          replyTo: frame.id,
          traceparent: frame.traceparent,
          body: reply(frame, event.eventId, answer),
        });
        deps.logger.info(
          { gatewayId, eventId: event.eventId, type: event.type, status: answer.status },
          'upstream event acknowledged',
        );
      },
    );
  };
}
