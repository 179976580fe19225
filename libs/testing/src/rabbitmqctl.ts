import { execFile } from 'node:child_process';
import { RabbitmqctlError, TestEnvironmentError } from './errors';
import type { ContainerExec, RabbitMq } from './rabbitmq';

/**
 * Fault-injection helpers for suites that share one broker. They drive the broker with
 * `rabbitmqctl`: inside its container when `broker` (what getRabbitMq returned) is a
 * Testcontainers broker, else the one on this machine, which reaches only a broker running
 * here (not a remote AMQP_URL).
 */
export interface RabbitmqctlOptions {
  /** The broker to act on. A container's is reached inside it; default: this machine's. */
  readonly broker?: RabbitMq;
  /** The executable on this machine (default `rabbitmqctl` from PATH); unused for a container. */
  readonly command?: string;
  /** Per invocation; a stuck `rabbitmqctl` must not hang a suite. */
  readonly timeoutMs?: number;
}

export interface BrokerConnection {
  /** What `rabbitmqctl close_connection` takes, e.g. `<rabbit@host.1795658177.793.0>`. */
  readonly pid: string;
  /** The `connection_name` client property, when the client set one. */
  readonly connectionName: string | undefined;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** Runs `rabbitmqctl` with the given arguments and returns its standard output. */
export function rabbitmqctl(
  args: readonly string[],
  options: RabbitmqctlOptions = {},
): Promise<string> {
  const { broker, command = 'rabbitmqctl', timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  return broker?.kind === 'container'
    ? inContainer(broker.exec, args, timeoutMs)
    : onThisMachine(command, args, timeoutMs);
}

function onThisMachine(
  command: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const shown = `${command} ${args.join(' ')}`;
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(
            new TestEnvironmentError(
              'rabbitmqctl_unavailable',
              `"${command}" was not found on PATH. Closing connections or restarting the broker needs ` +
                'RabbitMQ running on this machine (with rabbitmqctl) or a Testcontainers broker ' +
                'passed as `broker`; it cannot act on a remote AMQP_URL.',
              { cause: error },
            ),
          );
        }
        if (error.killed) {
          return reject(
            new RabbitmqctlError(
              'rabbitmqctl_timeout',
              `${shown} did not finish within ${timeoutMs} ms`,
              { cause: error },
            ),
          );
        }
        const detail = `${stderr}`.trim() || `${stdout}`.trim() || error.message;
        reject(
          new RabbitmqctlError(
            'rabbitmqctl_failed',
            `${shown} failed (exit ${error.code}): ${detail}`,
            { cause: error },
          ),
        );
      },
    );
  });
}

/**
 * `rabbitmqctl` inside the broker's container. An exec cannot be killed from here, so the
 * timeout only stops waiting for it; the same errors as on this machine come out.
 */
async function inContainer(
  exec: ContainerExec,
  args: readonly string[],
  timeoutMs: number,
): Promise<string> {
  const shown = `rabbitmqctl ${args.join(' ')} (in the broker's container)`;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const result = await Promise.race([exec(['rabbitmqctl', ...args]), timedOut]);
    if (result === 'timeout') {
      throw new RabbitmqctlError(
        'rabbitmqctl_timeout',
        `${shown} did not finish within ${timeoutMs} ms`,
      );
    }
    if (result.exitCode === 0) return result.stdout;
    const detail = result.stderr.trim() || result.stdout.trim();
    throw new RabbitmqctlError(
      'rabbitmqctl_failed',
      `${shown} failed (exit ${result.exitCode}): ${detail}`,
    );
  } catch (error) {
    if (error instanceof RabbitmqctlError) throw error;
    throw new RabbitmqctlError('rabbitmqctl_failed', `${shown} could not run: ${String(error)}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

// In `list_connections pid client_properties` output the properties print as an Erlang-style
// list: [{"connection_name","probe \"x\""},{"product","amqplib"},...].
const CONNECTION_NAME = /\{"connection_name","((?:[^"\\]|\\.)*)"\}/;

/** Parses `rabbitmqctl -q list_connections pid client_properties --no-table-headers`. */
export function parseConnections(output: string): BrokerConnection[] {
  return output
    .split('\n')
    .filter((line) => line.trim().startsWith('<'))
    .map((line) => {
      const tab = line.indexOf('\t');
      const pid = (tab < 0 ? line : line.slice(0, tab)).trim();
      const match = tab < 0 ? null : CONNECTION_NAME.exec(line.slice(tab + 1));
      const connectionName = match?.[1]?.replace(/\\(.)/g, '$1');
      return { pid, connectionName };
    });
}

/** The broker's client connections with their pids and `connection_name`s. */
export async function listConnections(
  options: RabbitmqctlOptions = {},
): Promise<BrokerConnection[]> {
  const output = await rabbitmqctl(
    ['-q', 'list_connections', 'pid', 'client_properties', '--no-table-headers'],
    options,
  );
  return parseConnections(output);
}

/**
 * Closes only the connections whose `connection_name` client property equals `name` (give a
 * fault test's connections their own name), never anyone else's: other suites share the broker.
 * Returns the pids it closed. A connection that vanished meanwhile is not an error.
 */
export async function closeConnectionsNamed(
  name: string,
  options: RabbitmqctlOptions & { readonly reason?: string } = {},
): Promise<string[]> {
  if (!name) throw new TypeError('closeConnectionsNamed needs a non-empty connection name');
  const { reason = 'closed by a test (closeConnectionsNamed)', ...rest } = options;
  const targets = (await listConnections(rest)).filter((c) => c.connectionName === name);
  for (const { pid } of targets) {
    await rabbitmqctl(['close_connection', pid, reason], rest);
  }
  return targets.map((c) => c.pid);
}

/**
 * Stops and starts the RabbitMQ application, then waits until it accepts work again. It cuts
 * every connection on the broker, so only suites that run alone (`test:serial`) may call it.
 *
 * For a container broker this runs inside the container, not as a container restart: the
 * Erlang node and the container stay up, so the mapped port, and with it the URL the suite
 * holds, stays the same (a restarted container may be given another host port).
 */
export async function restartBroker(
  options: RabbitmqctlOptions & {
    readonly readyTimeoutMs?: number;
    readonly pollIntervalMs?: number;
  } = {},
): Promise<void> {
  const { readyTimeoutMs = 60_000, pollIntervalMs = 500, ...rest } = options;
  if (!(readyTimeoutMs > 0) || !(pollIntervalMs > 0)) {
    throw new RangeError('restartBroker: readyTimeoutMs and pollIntervalMs must be positive');
  }
  await rabbitmqctl(['stop_app'], rest);
  await rabbitmqctl(['start_app'], rest);
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    try {
      await rabbitmqctl(['await_startup'], rest);
      return;
    } catch (error) {
      // Right after start_app, await_startup may exit 69 (not up yet): poll until the deadline.
      if (error instanceof TestEnvironmentError || Date.now() + pollIntervalMs > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
  }
}
