import type { Bus } from '@mbs/bus';
import {
  createMessage,
  fitReason,
  type ModalityEvent,
  ModalityEventReported,
  UpstreamAck,
  UpstreamEvent,
} from '@mbs/contracts';
import { describeError, describeIssues } from '@mbs/errors';
import type { FrameHandler, RelaySession, SessionFrame } from '@mbs/relay';
import { extractTraceContext, withSpan } from '@mbs/telemetry';
import { FrameRefusedError } from '@mbs/trust';
import { derivedEventId } from '../domain/derived-ids';
import type { FrameProtection } from '../protection/frame-protection';
import {
  outcomeApplier,
  type OutcomeApplierDependencies,
  type UpstreamAnswer as Answer,
} from './outcome-applier';
import type { UpstreamRefusals } from './upstream-refusals';

export interface UpstreamDependencies extends OutcomeApplierDependencies {
  readonly bus: Pick<Bus, 'publish'>;
  /** Counts what is refused, per gateway. */
  readonly refusals: UpstreamRefusals;
  /** Verifies each event's signature with the gateway's registered keys, and signs each ack. */
  readonly protection: FrameProtection;
}

/**
 * The gateway's upstream `event` frames: delivery outcomes (applied to their message by
 * outcome-applier) and modality events. Nothing is applied or published before the frame's
 * signature verifies with the keys registered for THIS gateway (the one whose session it came
 * on): a forged, unsigned, expired or other gateway's event changes nothing, is logged, and is
 * answered `refused` with the reason and its `code` (the gateway keeps such an event and sends it
 * again, signed afresh, in case its keys were what was wrong). Each is applied and published FIRST and
 * acknowledged after (`UpstreamAck` accepted), so the gateway, which keeps the event until
 * acknowledged, never drops one the cloud has not got. An invalid body is refused with the
 * reason. A failure to apply or publish sends no ack at all: the gateway sends the event again,
 * and applying it again changes nothing. Every ack, accepted or refused, is signed with the
 * dispatcher's key for this gateway (`SignedUpstreamAck`): the gateway acts on no other, so
 * whoever else holds a relay Send key cannot make it drop an event or stop sending one. An ack
 * that cannot be signed is not sent: the gateway sends the event again.
 */
export function upstreamHandler(gatewayId: string, deps: UpstreamDependencies): FrameHandler {
  const now = deps.now ?? (() => new Date());
  const applyOutcome = outcomeApplier(gatewayId, deps);

  async function applyModalityEvent(event: ModalityEvent): Promise<Answer> {
    // A gateway reports only on orders it was given: an event about another gateway's order (or
    // one never sent) would move someone else's appointment.
    if (!(await deps.messages.deliveredThrough(event.accessionNumber, gatewayId))) {
      return {
        status: 'refused',
        reason: `accession number ${event.accessionNumber} was not delivered through gateway ${gatewayId}`,
      };
    }
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

  const ackOf = (eventId: string, answer: Answer, code?: FrameRefusedError['code']) =>
    UpstreamAck.parse({ eventId, ...answer, ...(code && { code }) });

  /** Signs `ack` for this gateway and sends it as the answer to `frame`; false if not sent. */
  const sendAck = async (
    frame: SessionFrame,
    session: RelaySession,
    ack: UpstreamAck,
  ): Promise<boolean> => {
    let body;
    try {
      body = await deps.protection.signAck(gatewayId, ack);
    } catch (error) {
      // Not the event's fault (the signing key is unusable): no ack, the gateway sends it again.
      deps.logger.error(
        { gatewayId, frameId: frame.id, eventId: ack.eventId, err: describeError(error) },
        'upstream ack not signed, so not sent; the gateway will resend the event',
      );
      return false;
    }
    session.send({ kind: 'ack', replyTo: frame.id, traceparent: frame.traceparent, body });
    return true;
  };

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
    const refuse = async (eventId: string, reason: string, code?: FrameRefusedError['code']) => {
      deps.logger.warn(
        {
          gatewayId,
          frameId: frame.id,
          eventId,
          reason,
          ...(code && { code }),
          refusedSoFar: deps.refusals.count(gatewayId),
        },
        code
          ? 'upstream event refused: its signature does not hold; nothing applied'
          : 'upstream event refused',
      );
      await sendAck(
        frame,
        session,
        ackOf(eventId, { status: 'refused', reason: fitReason(reason) }, code),
      );
    };
    const rawId = (frame.body as { eventId?: unknown } | null)?.eventId;
    const readableId =
      typeof rawId === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(rawId)
        ? rawId
        : frame.id.replace(/[^A-Za-z0-9._:-]/g, '-');
    let signed: unknown;
    try {
      ({ event: signed } = await deps.protection.openEvent(gatewayId, frame.body));
    } catch (error) {
      if (error instanceof FrameRefusedError) {
        await refuse(readableId, error.message, error.code);
        return;
      }
      // Not the frame's fault (its keys are missing here, say): no ack, the gateway sends it again.
      deps.logger.error(
        { gatewayId, frameId: frame.id, err: describeError(error) },
        'upstream event not verified; the gateway will resend it',
      );
      return;
    }
    const parsed = UpstreamEvent.safeParse(signed);
    if (!parsed.success) {
      await refuse(readableId, `invalid upstream event: ${describeIssues(parsed.error.issues)}`);
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
        if (!(await sendAck(frame, session, ackOf(event.eventId, answer)))) return;
        if (answer.status === 'refused')
          deps.logger.warn(
            {
              gatewayId,
              eventId: event.eventId,
              type: event.type,
              reason: answer.reason,
              refusedSoFar: deps.refusals.count(gatewayId),
            },
            'upstream event refused',
          );
        else
          deps.logger.info(
            { gatewayId, eventId: event.eventId, type: event.type, status: answer.status },
            'upstream event acknowledged',
          );
      },
    );
  };
}
