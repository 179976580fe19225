import { DeliverBody, Id, Receipt } from '@mbs/contracts';
import { describeError, describeIssues } from '@mbs/errors';
import type { RelaySession, SessionFrame } from '@mbs/relay';
import type { Logger } from '@mbs/telemetry';
import type { DeliveryRunner } from '../delivery/index';
import type { GatewayStore } from '../store/index';

export interface DeliverHandlerOptions {
  readonly store: GatewayStore;
  readonly runner: DeliveryRunner;
  readonly logger: Logger;
  /** Target names, for the reason of an unknown-target refusal. */
  readonly targetNames: readonly string[];
}

/**
 * Answers a `deliver` frame with a Receipt (kind `ack`, replyTo the frame):
 * invalid body -> `refused` with the reason (or an `error` frame when not even the message id
 * is usable); unknown target -> `refused`; otherwise the store takes it by the dedup rule
 * (`decideDeliver`, domain/deliver-decision.ts), durably, and the decision is answered at once
 * (`received` or `already_have`), with delivery to the target in the background when it says so.
 */
export function handleDeliver(
  { store, runner, logger, targetNames }: DeliverHandlerOptions,
  frame: SessionFrame,
  session: RelaySession,
): void {
  const parsed = DeliverBody.safeParse(frame.body);
  if (!parsed.success) {
    const reason = `invalid deliver body: ${describeIssues(parsed.error.issues)}`;
    const messageId = Id.safeParse((frame.body as { messageId?: unknown } | null)?.messageId);
    logger.warn(
      { phase: 'frame_validation', frameId: frame.id, messageId: messageId.data, reason },
      'deliver frame refused',
    );
    if (messageId.success)
      answer(session, frame, { messageId: messageId.data, status: 'refused', reason }, logger);
    else reply(session, frame, 'error', { code: 'invalid_body', reason }, logger);
    return;
  }
  const body = parsed.data;
  const log = {
    frameId: frame.id,
    messageId: body.messageId,
    target: body.target,
    attempt: body.attempt,
    resend: body.resend ?? 0,
  };

  if (!runner.hasTarget(body.target)) {
    const reason = `unknown target "${body.target}"; this gateway delivers to: ${targetNames.join(', ')}`;
    logger.warn({ ...log, phase: 'frame_validation', reason }, 'deliver frame refused');
    answer(session, frame, { messageId: body.messageId, status: 'refused', reason }, logger);
    return;
  }

  let received;
  try {
    received = store.receive(body, frame.traceparent);
  } catch (error) {
    // Not recorded, so not acknowledged: the dispatcher sends it again.
    logger.error(
      { ...log, phase: 'store', err: describeError(error) },
      'could not record a message',
    );
    reply(
      session,
      frame,
      'error',
      {
        code: 'store_failed',
        reason: `the gateway could not record the message: ${describeError(error)}`,
      },
      logger,
    );
    return;
  }

  // `take`, the one decision with no record found: a new message.
  if (received.found === undefined) {
    logger.info(log, 'message received');
    answer(session, frame, { messageId: body.messageId, status: 'received' }, logger);
    runner.start(received.message);
    return;
  }

  const { decision, found } = received;
  if (decision.kind === 'take-again') {
    logger.info(
      { ...log, was: found.status, recordedResend: found.resend },
      'message sent again after it was unavailable or rejected; delivering again',
    );
    answer(session, frame, { messageId: body.messageId, status: 'received' }, logger);
    runner.start(received.message);
    return;
  }

  logger.info({ ...log, status: found.status }, 'message already taken; not delivered again');
  answer(
    session,
    frame,
    {
      messageId: body.messageId,
      status: 'already_have',
      ...(decision.kind === 'report-outcome' ? { outcome: decision.outcome } : {}),
      ...(decision.reason ? { reason: decision.reason } : {}),
    },
    logger,
  );
  // Still in progress but not running (a delivery that could not record its outcome): resume.
  if (decision.kind === 'still-delivering') runner.start(found);
}

function answer(
  session: RelaySession,
  frame: SessionFrame,
  receipt: Receipt,
  logger: Logger,
): void {
  reply(session, frame, 'ack', Receipt.parse(receipt), logger);
}

function reply(
  session: RelaySession,
  frame: SessionFrame,
  kind: 'ack' | 'error',
  body: unknown,
  logger: Logger,
): void {
  try {
    session.send({
      kind,
      replyTo: frame.id,
      ...(frame.traceparent ? { traceparent: frame.traceparent } : {}),
      body,
    });
  } catch (error) {
    // The dispatcher resends an unanswered deliver; the store knows it then (decideDeliver).
    logger.warn(
      { phase: 'relay_send', frameId: frame.id, kind, err: describeError(error) },
      'could not answer a frame',
    );
  }
}
