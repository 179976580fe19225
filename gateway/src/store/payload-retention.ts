import { describeError } from '@mbs/errors';
import type { Logger } from '@mbs/telemetry';
import type { GatewayStore } from './gateway-store';

export interface PayloadRetentionOptions {
  readonly store: GatewayStore;
  /** How long a confirmed message keeps its payload, counted from its confirmation. */
  readonly retentionMs: number;
  /** How often to look for payloads past the retention. */
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * Removes the payload (patient data) of messages confirmed longer ago than the retention, at
 * start and then every interval, so the store does not keep it for ever. The hospital's system
 * has it; what stays is the record that proves delivery and recognises a resend. Waiting and
 * rejected messages keep theirs (see `GatewayStore.purgePayloads`).
 */
export class PayloadRetention {
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => Date;

  constructor(private readonly options: PayloadRetentionOptions) {
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    this.purge();
    this.timer = setInterval(() => this.purge(), this.options.intervalMs);
    // Never what keeps the process alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass; a failure is logged and the next pass tries again. */
  purge(): number {
    const { store, retentionMs, logger } = this.options;
    const now = this.now();
    try {
      const purged = store.purgePayloads(new Date(now.getTime() - retentionMs), now);
      if (purged > 0) {
        logger.info(
          { phase: 'store', purged, retentionMs },
          'confirmed payloads past retention removed',
        );
      }
      return purged;
    } catch (error) {
      logger.error({ phase: 'store', err: describeError(error) }, 'payload retention pass failed');
      return 0;
    }
  }
}
