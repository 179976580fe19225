import {
  DeliverBody,
  type DeliverFrameBody,
  type FailurePhase,
  fitReason,
  type Receipt,
} from '@mbs/contracts';
import { describeError, errorCode } from '@mbs/errors';
import { newTraceparent, type RelaySession } from '@mbs/relay';
import { currentTraceparent, extractTraceContext, type Logger, withSpan } from '@mbs/telemetry';
import { FrameRefusedError } from '@mbs/trust';
import type { DispatcherOptions } from '../config';
import { statuses } from '../domain/message-lifecycle';
import { decideReceipt } from '../domain/receipt-decision';
import { afterUnsuccessfulAttempt, type RetrySchedule } from '../domain/retry-decision';
import type { MessageDocument } from '../messages/message-model';
import type { MessageStore } from '../messages/message-store';
import type { FrameProtection } from '../protection/frame-protection';
import { announceMissed } from './announcer';
import type { OutcomePublisher } from './outcome-publisher';

export interface DeliveryLoopOptions {
  readonly messages: MessageStore;
  readonly outcomes: OutcomePublisher;
  /** The open session to a gateway, or undefined while it is offline. */
  readonly sessionFor: (gatewayId: string) => RelaySession | undefined;
  /** Why a gateway has no open session (its last connect error, or not registered/enabled). */
  readonly whyOffline?: (gatewayId: string) => string | undefined;
  readonly logger: Logger;
  readonly options: DispatcherOptions;
  /** The retry limit and backoff, shared with the upstream outcomes (an unavailable destination). */
  readonly schedule: RetrySchedule;
  /** Seals each send's order, and opens the gateway's signed receipt. */
  readonly protection: FrameProtection;
  readonly now?: () => Date;
}

/** Why one try did not get a receipt, naming the phase; its message is the whole reason. */
class SendProblem extends Error {
  constructor(
    readonly phase: FailurePhase,
    message: string,
  ) {
    super(message);
    this.name = 'SendProblem';
  }
}

/**
 * The scheduler and sender: every poll interval, or at once when woken (a new message, a session
 * that opened, a resend), it takes the due messages and sends each over its gateway's session.
 * What follows each answer is decided by the pure functions in domain/; every write is a
 * conditional update, so only one loop sends a message at a time and late answers change nothing.
 */
export class DeliveryLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private turns = 0;
  private stopped = true;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => Date;

  constructor(private readonly deps: DeliveryLoopOptions) {
    this.now = deps.now ?? (() => new Date());
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.deps.options.pollIntervalMs);
    this.wake();
  }

  /** Looks for due messages now (or right after the current turn). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.turn()
      .catch((error: unknown) =>
        this.deps.logger.error({ err: describeError(error) }, 'delivery loop turn failed'),
      )
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Stops taking messages and waits for the sends in hand (each bounded by the ack timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await Promise.allSettled([...this.inFlight]);
  }

  private async turn(): Promise<void> {
    // Every so often, publish outcome events whose publish failed after their state change.
    if (++this.turns % 10 === 0) {
      await announceMissed({
        messages: this.deps.messages,
        outcomes: this.deps.outcomes,
        logger: this.deps.logger,
        settleMs: this.deps.options.ackTimeoutMs,
        now: this.now(),
      });
    }
    // Sends run side by side, at most maxInFlight at once: after an outage the backlog goes at
    // that pace instead of all together. Each send that ends wakes the loop for the next.
    const room = this.deps.options.maxInFlight - this.inFlight.size;
    if (room <= 0) return;
    const due = await this.deps.messages.due(
      this.now(),
      Math.min(this.deps.options.batchSize, room),
    );
    for (const message of due) {
      if (this.stopped) return;
      // The claim in attempt() keeps each message to one send at a time.
      const work = this.attempt(message).catch((error: unknown) =>
        this.deps.logger.error(
          { messageId: message.messageId, err: describeError(error) },
          'delivery attempt failed unexpectedly; it will be retried when due',
        ),
      );
      this.inFlight.add(work);
      void work.finally(() => {
        this.inFlight.delete(work);
        this.wake();
      });
    }
  }

  private async attempt(message: MessageDocument): Promise<void> {
    const { messages, options, schedule } = this.deps;
    if (statuses[message.status].withGateway && message.attempts >= schedule.limit) {
      // The gateway has it but no outcome came, and the sends are used up: stop waiting.
      await this.unsuccessful(
        message,
        new SendProblem(
          'confirm_timeout',
          `no outcome from gateway ${message.gatewayId} within ${options.confirmTimeoutMs} ms of its last receipt`,
        ),
      );
      return;
    }
    const session = this.deps.sessionFor(message.gatewayId);
    if (!session) {
      // Offline gateway: the message waits (counted, not failed) until the limit.
      const counted = await messages.countUnsentAttempt(message, this.now());
      if (!counted) return;
      await this.unsuccessful(
        counted,
        new SendProblem(
          'connect',
          `gateway ${message.gatewayId} has no open relay session: ${
            this.deps.whyOffline?.(message.gatewayId) ?? 'offline'
          }`,
        ),
      );
      return;
    }
    const claimed = await messages.claim(message, this.now(), options.ackTimeoutMs + 1000);
    if (!claimed) return;

    const parent = claimed.traceparent
      ? extractTraceContext({ traceparent: claimed.traceparent })
      : undefined;
    await withSpan(
      'relay deliver',
      {
        ...(parent && { parent }),
        attributes: {
          'message.id': claimed.messageId,
          'gateway.id': claimed.gatewayId,
          'message.attempt': claimed.attempts,
        },
      },
      async () => {
        let receipt: Receipt;
        try {
          receipt = await this.send(session, claimed);
        } catch (error) {
          await this.unsuccessful(claimed, error);
          return;
        }
        await this.onReceipt(claimed, receipt);
      },
    );
  }

  private async send(session: RelaySession, m: MessageDocument): Promise<Receipt> {
    const { protection, options } = this.deps;
    const body = DeliverBody.parse({
      messageId: m.messageId,
      appointmentId: m.appointmentId,
      accessionNumber: m.accessionNumber,
      messageType: m.messageType,
      target: m.target,
      contentType: m.contentType,
      payload: m.payload,
      attempt: m.attempts,
      // A higher count than the gateway recorded has it deliver a rejected message again.
      resend: m.resends ?? 0,
    });
    // Sealed now, for this send: every retry is signed afresh (a new expiry and jti).
    let sealed: DeliverFrameBody;
    try {
      sealed = await protection.seal(m.gatewayId, body);
    } catch (error) {
      throw new SendProblem('send', `the order could not be sealed: ${describeError(error)}`);
    }
    let reply;
    try {
      reply = await session.request(
        {
          kind: 'deliver',
          // The click's trace, so it runs on into the hospital.
          traceparent: currentTraceparent() ?? m.traceparent ?? newTraceparent(),
          body: sealed,
        },
        { timeoutMs: options.ackTimeoutMs },
      );
    } catch (error) {
      const code = errorCode(error);
      if (code === 'relay_timeout') {
        throw new SendProblem(
          'ack_timeout',
          `no receipt from gateway ${m.gatewayId} within ${options.ackTimeoutMs} ms`,
        );
      }
      throw new SendProblem('send', describeError(error));
    }
    if (reply.kind !== 'ack') {
      throw new SendProblem(
        'send',
        `gateway answered deliver with ${reply.kind}: ${JSON.stringify(reply.body ?? null).slice(0, 500)}`,
      );
    }
    try {
      // Acted on only once it verifies: a receipt can confirm a message.
      return await protection.openReceipt(m.gatewayId, reply.body, m.messageId);
    } catch (error) {
      if (error instanceof FrameRefusedError) {
        throw new SendProblem(
          'send',
          `the gateway's receipt was refused: ${error.code} (${error.message})`,
        );
      }
      throw new SendProblem(
        'send',
        `gateway answered with an invalid receipt: ${describeError(error)}`,
      );
    }
  }

  private async onReceipt(m: MessageDocument, receipt: Receipt): Promise<void> {
    const { messages, outcomes, logger, options } = this.deps;
    const now = this.now();
    const decision = decideReceipt(receipt);
    switch (decision.kind) {
      case 'delivered': {
        // The send this receipt answers: a late one of an earlier staff resend changes nothing.
        const delivered = await messages.markDelivered(
          m.messageId,
          { attempt: m.attempts, resend: m.resends ?? 0 },
          now,
          new Date(now.getTime() + options.confirmTimeoutMs),
        );
        const current = delivered ?? (await messages.get(m.messageId));
        if (current?.deliveredAt) await outcomes.delivered(current);
        logger.info(
          {
            messageId: m.messageId,
            gatewayId: m.gatewayId,
            attempt: m.attempts,
            receipt: receipt.status,
          },
          'message delivered',
        );
        return;
      }
      case 'confirmed': {
        const confirmed = await messages.markConfirmed(
          m.messageId,
          now,
          true,
          'already_have: confirmed',
        );
        if (confirmed) {
          await outcomes.delivered(confirmed);
          await outcomes.confirmed(confirmed);
        }
        logger.info(
          { messageId: m.messageId, gatewayId: m.gatewayId },
          'message confirmed (gateway already had it)',
        );
        return;
      }
      case 'failed': {
        const failed = await messages.markFailed(m.messageId, decision, now, {
          attempts: m.attempts,
        });
        if (failed) await outcomes.failed(failed);
        logger.warn(
          {
            messageId: m.messageId,
            gatewayId: m.gatewayId,
            phase: decision.phase,
            reason: decision.reason,
          },
          'message failed',
        );
        return;
      }
    }
  }

  private async unsuccessful(m: MessageDocument, error: unknown): Promise<void> {
    const { messages, outcomes, logger, schedule } = this.deps;
    const now = this.now();
    const phase: FailurePhase = error instanceof SendProblem ? error.phase : 'send';
    const reason = fitReason(error instanceof SendProblem ? error.message : describeError(error));
    const decision = afterUnsuccessfulAttempt({
      attempts: m.attempts,
      delivered: statuses[m.status].withGateway,
      lastReason: `${phase}: ${reason}`,
      schedule,
      now,
    });
    if (decision.kind === 'retry') {
      await messages.scheduleRetry(
        m.messageId,
        m.attempts,
        { phase, reason },
        decision.nextAttemptAt,
        now,
      );
      // Quiet while it merely waits: debug for an offline gateway, warn for a real send problem.
      logger[phase === 'connect' ? 'debug' : 'warn'](
        {
          messageId: m.messageId,
          gatewayId: m.gatewayId,
          attempt: m.attempts,
          phase,
          reason,
          nextAttemptAt: decision.nextAttemptAt,
        },
        'message not delivered yet; will retry',
      );
      return;
    }
    const failure = { phase: decision.phase, reason: fitReason(decision.reason) };
    const failed = await messages.markFailed(m.messageId, failure, now, { attempts: m.attempts });
    if (failed) await outcomes.failed(failed);
    logger.error({ messageId: m.messageId, gatewayId: m.gatewayId, ...failure }, 'message failed');
  }
}
