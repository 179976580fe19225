import {
  DeliverFrameBody,
  Id,
  Receipt,
  type DeliverBody,
  type SignedReceipt,
} from '@mbs/contracts';
import { describeError, describeIssues } from '@mbs/errors';
import type { RelaySession, SessionFrame } from '@mbs/relay';
import type { Logger } from '@mbs/telemetry';
import { FrameRefusedError } from '@mbs/trust';
import type { DeliveryRunner } from '../delivery/index';
import { type FrameProtection, InvalidOrderError } from '../protection/frame-protection';
import type { GatewayStore } from '../store/index';

export interface DeliverHandlerOptions {
  readonly store: GatewayStore;
  readonly runner: DeliveryRunner;
  readonly logger: Logger;
  /** Target names, for the reason of an unknown-target refusal. */
  readonly targetNames: readonly string[];
  /** Opens sealed orders and signs what the gateway answers. */
  readonly protection: FrameProtection;
}

/**
 * Answers a `deliver` frame with a signed Receipt (kind `ack`, replyTo the frame, body a
 * SignedReceipt). First the frame is OPENED, before anything is recorded: its sealed order
 * verified (the dispatcher's signature, this gateway as audience, its time, the signed ids against
 * the readable ones) and decrypted. A frame that fails is `refused` with the reason and its
 * `code` (bad_signature, wrong_audience, expired, undecryptable, mismatched_claims), as is an
 * unsealed one, one whose order is invalid, and one for an unknown target; nothing of it is
 * recorded or delivered. Otherwise the store takes it by the dedup rule (`decideDeliver`,
 * domain/deliver-decision.ts), durably, with the hash of its order (a known id with another order
 * is refused as `replayed_with_different_content`), and the decision is answered at once
 * (`received` or `already_have`), with delivery to the target in the background when it says so.
 * A frame without even a usable message id gets an `error` frame.
 */
export async function handleDeliver(
  options: DeliverHandlerOptions,
  frame: SessionFrame,
  session: RelaySession,
): Promise<void> {
  const { store, runner, logger, targetNames, protection } = options;
  const answer = (receipt: Receipt) => sendReceipt(options, session, frame, receipt);
  const parsed = DeliverFrameBody.safeParse(frame.body);
  if (!parsed.success) {
    const messageId = Id.safeParse((frame.body as { messageId?: unknown } | null)?.messageId);
    const unsealed = messageId.success && (frame.body as { order?: unknown }).order === undefined;
    // An order in clear, as a dispatcher before sealing sent it: unsigned, so never taken.
    const refusal = unsealed
      ? {
          code: 'bad_signature' as const,
          reason: 'deliver refused: its order is not sealed (unsigned)',
        }
      : { reason: `invalid deliver body: ${describeIssues(parsed.error.issues)}` };
    logger.warn(
      { phase: 'frame_validation', frameId: frame.id, messageId: messageId.data, ...refusal },
      'deliver frame refused',
    );
    if (messageId.success)
      await answer({ messageId: messageId.data, status: 'refused', ...refusal });
    else reply(session, frame, 'error', { code: 'invalid_body', reason: refusal.reason }, logger);
    return;
  }
  const readable = parsed.data;
  const log = {
    frameId: frame.id,
    messageId: readable.messageId,
    attempt: readable.attempt,
    resend: readable.resend ?? 0,
  };

  let body: DeliverBody;
  let orderHash: string;
  try {
    ({ body, orderHash } = await protection.open(readable));
  } catch (error) {
    if (error instanceof FrameRefusedError) {
      // Logged with its reason only: a refusal names what is wrong, never anything of the order.
      logger.warn(
        { ...log, phase: 'frame_protection', code: error.code, reason: error.message },
        'deliver frame refused: its protection does not hold; nothing recorded or delivered',
      );
      await answer({
        messageId: readable.messageId,
        status: 'refused',
        code: error.code,
        reason: error.message,
      });
      return;
    }
    if (error instanceof InvalidOrderError) {
      logger.warn(
        { ...log, phase: 'frame_validation', reason: error.reason },
        'deliver frame refused',
      );
      await answer({ messageId: readable.messageId, status: 'refused', reason: error.reason });
      return;
    }
    // Not the frame's fault (a fault of ours): unanswered as a receipt, so it is sent again.
    logger.error(
      { ...log, phase: 'frame_protection', err: describeError(error) },
      'could not open a deliver',
    );
    reply(
      session,
      frame,
      'error',
      {
        code: 'open_failed',
        reason: `the gateway could not open the deliver: ${describeError(error)}`,
      },
      logger,
    );
    return;
  }
  const opened = { ...log, target: body.target };

  if (!runner.hasTarget(body.target)) {
    const reason = `unknown target "${body.target}"; this gateway delivers to: ${targetNames.join(', ')}`;
    logger.warn({ ...opened, phase: 'frame_validation', reason }, 'deliver frame refused');
    await answer({ messageId: body.messageId, status: 'refused', reason });
    return;
  }

  let received;
  try {
    received = store.receive(body, frame.traceparent, new Date(), orderHash);
  } catch (error) {
    // Not recorded, so not acknowledged: the dispatcher sends it again.
    logger.error(
      { ...opened, phase: 'store', err: describeError(error) },
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
    logger.info(opened, 'message received');
    await answer({ messageId: body.messageId, status: 'received' });
    runner.start(received.message);
    return;
  }

  const { decision, found } = received;
  if (decision.kind === 'refuse-different-content') {
    const code = 'replayed_with_different_content';
    logger.warn(
      { ...opened, phase: 'frame_protection', code, was: found.status },
      'deliver frame refused: a message id this gateway has, with another order; nothing recorded or delivered',
    );
    await answer({
      messageId: body.messageId,
      status: 'refused',
      code,
      reason: `deliver refused: this gateway took message ${body.messageId} before with another order`,
    });
    return;
  }
  if (decision.kind === 'take-again') {
    logger.info(
      { ...opened, was: found.status, recordedResend: found.resend },
      'message sent again after it was unavailable or rejected; delivering again',
    );
    await answer({ messageId: body.messageId, status: 'received' });
    runner.start(received.message);
    return;
  }

  logger.info({ ...opened, status: found.status }, 'message already taken; not delivered again');
  await answer({
    messageId: body.messageId,
    status: 'already_have',
    ...(decision.kind === 'report-outcome' ? { outcome: decision.outcome } : {}),
    ...(decision.reason ? { reason: decision.reason } : {}),
  });
  // Still in progress but not running (a delivery that could not record its outcome): resume.
  if (decision.kind === 'still-delivering') runner.start(found);
}

/** The receipt, signed by this gateway (a receipt can confirm a message: it must be its own). */
async function sendReceipt(
  { protection, logger }: DeliverHandlerOptions,
  session: RelaySession,
  frame: SessionFrame,
  receipt: Receipt,
): Promise<void> {
  let body: SignedReceipt;
  try {
    body = { messageId: receipt.messageId, signed: await protection.sign(Receipt.parse(receipt)) };
  } catch (error) {
    // No key to sign with: unanswered, the dispatcher sends it again (and the store knows it).
    logger.error(
      { phase: 'frame_protection', frameId: frame.id, err: describeError(error) },
      'could not sign a receipt',
    );
    return;
  }
  reply(session, frame, 'ack', body, logger);
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
