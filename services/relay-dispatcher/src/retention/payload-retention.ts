import { describeError } from '@mbs/errors';
import type { Logger } from '@mbs/telemetry';
import type { MessageStore } from '../messages/message-store';

export interface PayloadRetentionOptions {
  readonly messages: MessageStore;
  /** How long a confirmed message keeps its payload, counted from its confirmation. */
  readonly retentionMs: number;
  /** How often to look for payloads past the retention. */
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * Removes the payload (patient data) of messages confirmed longer ago than the retention, at
 * start and then every interval: the hospital has it, and the dispatcher needs it only to send
 * it. Status, timestamps, errors and history stay. See `MessageStore.purgePayloads` for which
 * messages are never touched.
 */
export class PayloadRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly now: () => Date;

  constructor(private readonly options: PayloadRetentionOptions) {
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    this.pass();
    this.timer = setInterval(() => this.pass(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass at a time; a failure is logged and the next interval tries again. */
  private pass(): void {
    if (this.running) return;
    this.running = this.purge().finally(() => (this.running = undefined));
  }

  private async purge(): Promise<void> {
    const { messages, retentionMs, logger } = this.options;
    const now = this.now();
    try {
      const purged = await messages.purgePayloads(new Date(now.getTime() - retentionMs), now);
      if (purged > 0)
        logger.info({ purged, retentionMs }, 'confirmed payloads past retention removed');
    } catch (error) {
      logger.error({ err: describeError(error) }, 'payload retention pass failed; will try again');
    }
  }
}
