import { execFile } from 'node:child_process';
import type { BrokerDefinitions } from './broker-definitions';

/**
 * Applying broker definitions, with administrator rights, in one step: on this machine's broker
 * through `rabbitmqctl` (what `npm start` and the tests use), or on any broker through its
 * management HTTP API (compose, Kubernetes, production).
 */
export interface RabbitmqctlOptions {
  /** The executable (default `rabbitmqctl` from PATH). */
  readonly command?: string;
  /** Per run: each starts an Erlang VM, a few seconds on a busy machine. Default 60 s. */
  readonly timeoutMs?: number;
}

/**
 * Imports the definitions into this machine's broker with ONE `rabbitmqctl import_definitions`
 * run, the JSON on its standard input (never in a file: it names users). The import is
 * synchronous (an RPC into the node), whatever the tool's "asynchronous" line says.
 */
export function importDefinitionsWithRabbitmqctl(
  definitions: BrokerDefinitions,
  options: RabbitmqctlOptions = {},
): Promise<void> {
  return runRabbitmqctl(['import_definitions'], options, JSON.stringify(definitions)).then(
    () => undefined,
  );
}

/** Deletes users from this machine's broker (one `rabbitmqctl delete_user` each, at once). */
export async function deleteUsersWithRabbitmqctl(
  users: readonly string[],
  options: RabbitmqctlOptions = {},
): Promise<void> {
  await Promise.all(users.map((user) => runRabbitmqctl(['delete_user', user], options)));
}

/**
 * Imports the definitions through the management HTTP API (`POST /api/definitions`), as the
 * administrator the URL names: `http://admin:password@rabbitmq:15672` (https in production).
 */
export async function importDefinitionsOverHttp(
  managementUrl: string,
  definitions: BrokerDefinitions,
  options: { readonly timeoutMs?: number } = {},
): Promise<void> {
  const url = new URL(managementUrl);
  const authorization = `Basic ${Buffer.from(
    `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
  ).toString('base64')}`;
  const where = `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, '')}/api/definitions`;
  const response = await fetch(where, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify(definitions),
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  });
  if (!response.ok) {
    throw new Error(
      `the broker's management API (${where}) refused the definitions: ${response.status} ${(await response.text()).slice(0, 500)}`,
    );
  }
}

function runRabbitmqctl(
  args: readonly string[],
  options: RabbitmqctlOptions,
  input?: string,
): Promise<string> {
  const { command = 'rabbitmqctl', timeoutMs = 60_000 } = options;
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      [...args],
      { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const detail =
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? `${command} was not found on PATH (it reaches only a broker running on this machine)`
            : error.killed
              ? `did not finish within ${timeoutMs} ms`
              : `${stderr}`.trim() || `${stdout}`.trim() || error.message;
        reject(new Error(`${command} ${args.join(' ')}: ${detail}`, { cause: error }));
      },
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}
