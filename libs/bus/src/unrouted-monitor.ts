import type { Logger } from '@mbs/telemetry';

export interface UnroutedMonitorOptions {
  /** `<ns>.unrouted`: what the exchanges' alternate exchange keeps. */
  readonly queue: string;
  /** Messages waiting in a queue; `undefined` when that cannot be known right now. */
  readonly depth: (queue: string) => Promise<number | undefined>;
  readonly logger: Logger;
  readonly intervalMs: number;
}

/**
 * Watches the unrouted queue, where a message goes when no queue was bound for its type (a
 * command published before its consumer ever declared its queue, a misspelt type). Those
 * messages are kept, not dropped, but no consumer reads them: the count shows in
 * `bus.health()` and a warning is logged whenever it grows, so someone looks. The queue has no
 * length limit on purpose: a limit would drop or refuse exactly the messages worth seeing.
 */
export class UnroutedMonitor {
  private last: number | undefined;
  private running: Promise<number | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: UnroutedMonitorOptions) {}

  /** The count at the last successful check; `undefined` before the first. */
  get count(): number | undefined {
    return this.last;
  }

  /** Checks every `intervalMs` until `stop()`; the timer never keeps the process alive. */
  start(): void {
    this.timer ??= setInterval(() => void this.check(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Checks now (joining a check already running) and returns the count, or the last known. */
  check(): Promise<number | undefined> {
    this.running ??= this.measure().finally(() => (this.running = undefined));
    return this.running;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async measure(): Promise<number | undefined> {
    const { queue, depth, logger } = this.options;
    const now = await depth(queue);
    if (now === undefined) return this.last;
    const before = this.last ?? 0;
    if (now > before) {
      logger.warn(
        { queue, unrouted: now, before },
        `messages no queue was bound for are waiting in ${queue}; inspect and replay them (see @mbs/bus README)`,
      );
    }
    this.last = now;
    return now;
  }
}
