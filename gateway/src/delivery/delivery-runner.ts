import { randomUUID } from 'node:crypto';
import { DeliveryOutcome, fitReason } from '@mbs/contracts';
import { describeError, isRetryable, type BackoffOptions } from '@mbs/errors';
import type { Logger } from '@mbs/telemetry';
import type { Target } from '../config';
import type { GatewayStore, ReceivedMessage } from '../store/index';
import { deliverFile } from './deliver-file';
import { deliverHttp } from './deliver-http';
import { TargetRedirectsError, TargetRejectedError, type DeliveryPhase } from './delivery-errors';
import { delayBeforeRetry } from './retry-after';
import { TargetPacer } from './target-pacer';

export interface DeliveryRunnerOptions {
  readonly store: GatewayStore;
  readonly targets: readonly Target[];
  readonly logger: Logger;
  /** Delay between attempts at one target. Default 1 s doubling up to 30 s, with jitter. */
  readonly backoff?: Partial<BackoffOptions>;
  /** Called after an outcome is recorded and queued upstream. */
  readonly onOutcome?: (messageId: string) => void;
  /** Deliveries under way at once; the rest wait in order. Default 8. */
  readonly maxConcurrent?: number;
}

/** Deliveries under way at once unless configured otherwise. */
export const DEFAULT_MAX_CONCURRENT_DELIVERIES = 8;

/**
 * Delivers recorded messages to their targets in the background, with retries, and records each
 * outcome together with its upstream report.
 *
 * Retry policy: 5xx, 408, 429, timeouts, network and disk failures are retried `retries` times
 * (per target) with growing, jittered delays (or the target's `Retry-After`, within the same
 * bounds); another 4xx, or a 3xx (the target URL redirects: its configuration is wrong), is final
 * at once (`rejected`). When the retries run out the message is `unavailable`, with a reason that
 * names the phase, the attempts and the last error: the dispatcher schedules it again with its
 * own backoff. What a later deliver of a message does is the dedup rule's (`decideDeliver`). A
 * stop in the middle leaves the message `received`: it is resumed when the gateway starts again.
 *
 * At most `maxConcurrent` deliveries are under way at once; the others wait in arrival order, so
 * a backlog (after an outage, or resumed at start) never floods a hospital system. A target with
 * `maxPerSecond` also gets its attempts spaced out (TargetPacer).
 */
export class DeliveryRunner {
  private readonly targets: Map<string, Target>;
  private readonly backoff: BackoffOptions;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly waiting: ReceivedMessage[] = [];
  private readonly waitingIds = new Set<string>();
  private readonly pacer = new TargetPacer();
  private readonly maxConcurrent: number;
  private readonly abort = new AbortController();

  constructor(private readonly options: DeliveryRunnerOptions) {
    this.targets = new Map(options.targets.map((target) => [target.name, target]));
    this.backoff = { baseMs: 1000, maxMs: 30_000, ...options.backoff };
    this.maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_DELIVERIES;
  }

  hasTarget(name: string): boolean {
    return this.targets.has(name);
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Deliveries waiting for a turn (more than maxConcurrent were due). */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Delivers a recorded message when a turn is free (once at a time per message id). */
  start(message: ReceivedMessage): void {
    const id = message.messageId;
    if (this.abort.signal.aborted || this.inFlight.has(id) || this.waitingIds.has(id)) return;
    this.waiting.push(message);
    this.waitingIds.add(id);
    this.next();
  }

  /** Starts waiting deliveries while there is room. */
  private next(): void {
    while (!this.abort.signal.aborted && this.inFlight.size < this.maxConcurrent) {
      const message = this.waiting.shift();
      if (!message) return;
      this.waitingIds.delete(message.messageId);
      const running = this.run(message).finally(() => {
        this.inFlight.delete(message.messageId);
        this.next();
      });
      this.inFlight.set(message.messageId, running);
    }
  }

  /** Resumes every message taken but not yet delivered (after a restart). */
  resume(): number {
    const pending = this.options.store.inProgress();
    for (const message of pending) this.start(message);
    return pending.length;
  }

  /**
   * Stops: no new attempts, waits up to `graceMs` for attempts in progress. Anything not finished
   * stays `received` in the store and is resumed at the next start.
   */
  async stop(graceMs = 5000): Promise<void> {
    this.abort.abort();
    const all = Promise.allSettled([...this.inFlight.values()]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  private async run(message: ReceivedMessage): Promise<void> {
    const { logger } = this.options;
    const log = { messageId: message.messageId, target: message.target };
    const target = this.targets.get(message.target);
    if (!target) {
      this.finish(message, 'rejected', `deliver: target "${message.target}" is not configured`);
      return;
    }
    const phase: DeliveryPhase = target.kind === 'http' ? 'deliver_http' : 'deliver_file';
    const attempts = target.retries + 1;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const paced = this.pacer.take(target);
      if (paced > 0) await this.sleep(paced);
      if (this.abort.signal.aborted) return;
      try {
        if (target.kind === 'http') await deliverHttp(target, message);
        else await deliverFile(target, message);
        logger.info({ ...log, phase, attempt }, 'delivered to the hospital target');
        this.finish(message, 'confirmed', undefined);
        return;
      } catch (error) {
        const final = !isRetryable(error) || attempt === attempts;
        logger[final ? 'error' : 'warn'](
          {
            ...log,
            phase,
            attempt,
            attempts,
            err: describeError(error),
            status:
              error instanceof TargetRejectedError || error instanceof TargetRedirectsError
                ? error.status
                : undefined,
          },
          final ? 'delivery to the hospital target failed' : 'delivery attempt failed; will retry',
        );
        if (!isRetryable(error)) {
          this.finish(message, 'rejected', `${phase}: ${(error as Error).message}`);
          return;
        }
        if (final) {
          this.finish(
            message,
            'unavailable',
            `${phase}: gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${(error as Error).message}`,
          );
          return;
        }
        await this.sleep(delayBeforeRetry(attempt, error, this.backoff));
      }
    }
  }

  private finish(
    message: ReceivedMessage,
    outcome: DeliveryOutcome['outcome'],
    reason: string | undefined,
  ): void {
    const trimmed = reason === undefined ? undefined : fitReason(reason);
    const event = DeliveryOutcome.parse({
      type: 'delivery-outcome',
      eventId: randomUUID(),
      messageId: message.messageId,
      outcome,
      ...(trimmed ? { reason: trimmed } : {}),
      resend: message.resend,
      at: new Date().toISOString(),
    });
    try {
      this.options.store.recordOutcome(message.messageId, outcome, trimmed, event, new Date());
    } catch (error) {
      // The hospital has it but we could not record that: it stays `received` and is delivered
      // again at the next start (the target sees a duplicate, with the same x-message-id).
      this.options.logger.error(
        { messageId: message.messageId, phase: 'store', err: describeError(error) },
        'could not record the delivery outcome',
      );
      return;
    }
    this.options.logger.info(
      { messageId: message.messageId, outcome, reason: trimmed, eventId: event.eventId },
      'delivery outcome recorded; reporting upstream',
    );
    this.options.onOutcome?.(message.messageId);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.abort.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
