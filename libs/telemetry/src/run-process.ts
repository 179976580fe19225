import { describeError } from '@mbs/errors';
import type { DestinationStream, LevelWithSilent } from 'pino';
import { createLogger, type Logger } from './logger';
import { startTelemetry, type Telemetry } from './start-telemetry';
import { stopOnSignals } from './stop-on-signals';

/** Who a process is, as its logs and traces name it. */
export interface ProcessIdentity {
  /** In its lifecycle lines: `<name> listening`, `<name> stopping`, `<name> failed to start`. */
  readonly name: string;
  /** `service` on each log line, and its traces' `service.name` (OTEL_SERVICE_NAME overrides). */
  readonly service: string;
}

/** What a process's start is given: its configuration and a logger at its LOG_LEVEL. */
export interface ProcessContext<C> {
  readonly config: C;
  readonly logger: Logger;
}

/** A process that has started and serves. */
export interface RunningProcess {
  /** The fields of its `<name> listening` line: where it listens and what it was given. */
  readonly listening: Readonly<Record<string, unknown>>;
  /**
   * Its stop steps, in the process's own order (what takes new work first, what the rest write
   * to last). The runner flushes telemetry after them, whether they succeed or not.
   */
  stop(): Promise<void>;
}

export interface ProcessDefinition<C extends { readonly LOG_LEVEL: LevelWithSilent }> {
  /** Reads the configuration (`loadConfig(spec)`); a ConfigError is a failed start. */
  readonly config: () => C;
  /** Connects, listens and resolves once the process serves; rejecting is a failed start. */
  readonly start: (context: ProcessContext<C>) => Promise<RunningProcess>;
}

export interface BegunProcess {
  /** Starts the process; see `beginProcess`. Never rejects: a failed start exits 1. */
  run<C extends { readonly LOG_LEVEL: LevelWithSilent }>(
    definition: ProcessDefinition<C>,
  ): Promise<void>;
}

/**
 * The one lifecycle of every process's main.ts. `beginProcess` starts telemetry at once, so call
 * it first, before the imports that load http, fastify, amqplib and mongoose (its tracing patches
 * them as they load; the workspaces compile to CommonJS, which loads imports in order):
 *
 * ```ts
 * import { beginProcess } from '@mbs/telemetry';
 * const appointment = beginProcess({ name: 'appointment service', service: 'appointment' });
 *
 * import { startAppointmentService } from './service';
 * // ...
 * appointment.run({
 *   config: () => loadConfig(appointmentVariables),
 *   start: async ({ config, logger }) => ({ listening: { address }, stop: async () => ... }),
 * });
 * ```
 *
 * `run` reads the configuration, creates the logger at its LOG_LEVEL, runs `start`, logs
 * `<name> listening` with the fields `start` returns, and then stops on SIGTERM or SIGINT
 * (`stopOnSignals`): `stop`'s steps, then the telemetry flush; exit 0, or 1 saying why. A start
 * that fails (configuration included) logs `<name> failed to start` with the cause, exit 1.
 */
export function beginProcess(identity: ProcessIdentity): BegunProcess {
  const telemetry = startTelemetry({ serviceName: identity.service });
  return { run: (definition) => runProcess(identity, telemetry, definition) };
}

/** `beginProcess(...).run(...)` with its telemetry given; `destination` is for tests. */
export async function runProcess<C extends { readonly LOG_LEVEL: LevelWithSilent }>(
  identity: ProcessIdentity,
  telemetry: Telemetry,
  { config: readConfig, start }: ProcessDefinition<C>,
  destination?: DestinationStream,
): Promise<void> {
  const { name, service } = identity;
  try {
    const config = readConfig();
    const logger = createLogger({ service, level: config.LOG_LEVEL, destination });
    const running = await start({ config, logger });
    logger.info(running.listening, `${name} listening`);
    stopOnSignals(name, logger, async () => {
      try {
        await running.stop();
      } finally {
        await telemetry.shutdown();
      }
    });
  } catch (error) {
    // At the default level, whatever LOG_LEVEL says: why a process did not start is always told.
    createLogger({ service, destination }).fatal(
      { err: describeError(error) },
      `${name} failed to start`,
    );
    process.exit(1);
  }
}
