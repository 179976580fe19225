import { execFile } from 'node:child_process';
import { RabbitmqctlError, TestEnvironmentError } from './errors';

/**
 * Fault-injection helpers for suites that share one local broker. They drive the broker with
 * `rabbitmqctl`, so they work only where the broker runs on this machine (not against a remote
 * AMQP_URL or a container).
 */
export interface RabbitmqctlOptions {
  /** The executable (default `rabbitmqctl` from PATH). */
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
  const { command = 'rabbitmqctl', timeoutMs = DEFAULT_TIMEOUT_MS } = options;
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
                'RabbitMQ running on this machine (with rabbitmqctl); it cannot act on a remote AMQP_URL.',
              { cause: error },
            ),
          );
        }
        if (error.killed) {
          return reject(
            new RabbitmqctlError(
              'rabbitmqctl_timeout',
              `${shown} did not finish within ${timeoutMs} ms`,
              {
                cause: error,
              },
            ),
          );
        }
        const detail = `${stderr}`.trim() || `${stdout}`.trim() || error.message;
        reject(
          new RabbitmqctlError(
            'rabbitmqctl_failed',
            `${shown} failed (exit ${error.code}): ${detail}`,
            {
              cause: error,
            },
          ),
        );
      },
    );
  });
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
