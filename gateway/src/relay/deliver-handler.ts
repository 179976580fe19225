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
 * is usable); unknown target -> `refused`; a message id already taken -> `already_have` with
 * its outcome when known, delivered no second time, except one whose delivery was `unavailable`
 * (the target was down) or one `rejected` before the staff resend this deliver carries
 * (`resend` higher than recorded): those are taken again (`received`) and delivered again;
 * otherwise the message is recorded durably, `received` is answered at once, and delivery to the
 * target starts in the background.
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

  let recorded;
  try {
    recorded = store.recordReceived(body, frame.traceparent);
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

  if (!recorded.recorded && store.reopen(body.messageId, body.resend ?? 0)) {
    // Unavailable last time (the dispatcher's retry), or rejected before this staff resend.
    logger.info(
      { ...log, was: recorded.existing.status, recordedResend: recorded.existing.resend },
      'message sent again after it was unavailable or rejected; delivering again',
    );
    answer(session, frame, { messageId: body.messageId, status: 'received' }, logger);
    const reopened = store.getMessage(body.messageId);
    if (reopened) runner.start(reopened);
    return;
  }

  if (!recorded.recorded) {
    const existing = recorded.existing;
    const outcome =
      existing.status === 'confirmed' || existing.status === 'rejected'
        ? existing.status
        : undefined;
    logger.info({ ...log, status: existing.status }, 'message already taken; not delivered again');
    answer(
      session,
      frame,
      {
        messageId: body.messageId,
        status: 'already_have',
        ...(outcome ? { outcome } : {}),
        ...(existing.reason ? { reason: existing.reason } : {}),
      },
      logger,
    );
    // Still in progress but not running (a delivery that could not record its outcome): resume.
    if (existing.status === 'received') runner.start(existing);
    return;
  }

  logger.info(log, 'message received');
  answer(session, frame, { messageId: body.messageId, status: 'received' }, logger);
  const message = store.getMessage(body.messageId);
  if (message) runner.start(message);
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
    // The dispatcher resends an unanswered deliver; the store makes the resend an already_have.
    logger.warn(
      { phase: 'relay_send', frameId: frame.id, kind, err: describeError(error) },
      'could not answer a frame',
    );
  }
}
