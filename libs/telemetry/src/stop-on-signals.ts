import { describeError } from '@mbs/errors';
import type { Logger } from './logger';

/**
 * Stops a service when it is told to (SIGTERM from Kubernetes or compose, SIGINT from a terminal):
 * logs that it is stopping, runs `stop` once however many signals arrive (each service orders
 * its own steps; `runProcess` adds the telemetry flush last), then exits 0, or 1 when a step
 * failed, saying so.
 */
export function stopOnSignals(name: string, logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${name} stopping`);
    stop().then(
      () => {
        logger.info(`${name} stopped`);
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: describeError(error) }, `${name} did not stop cleanly`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
}
