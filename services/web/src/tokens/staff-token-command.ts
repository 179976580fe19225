import { loadConfig } from '@mbs/config';
import { StaffRole } from '@mbs/contracts';
import { issueStaffToken, StaffAudience } from '@mbs/trust';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { webVariables } from '../config';

/**
 * `node services/web/dist/tokens/staff-token.js <service> [options]`: a staff token web would
 * issue, signed with WEB_SIGNING_KEY from the environment, for whoever holds web's key and has no
 * browser session: the setup jobs of docker-compose and the Kubernetes dev overlay, and an
 * operator (`kubectl exec deploy/web -- node ...`, where the key already is). `npm run token`
 * runs it with the development key.
 *
 *   <service>            appointment | fhir-builder | relay-dispatcher (the token's audience)
 *   --role <role>        admin (default) | clinic_staff
 *   --subject <id>       who it is for (default command-line), as logs and histories name it
 *   --name <name>        their name (default "Command line")
 *   --request <METHOD> <URL> [--json <body>]
 *                        make that request with the token instead of printing it: prints the
 *                        status and the answer; fails unless the answer is 2xx
 */
export const USAGE =
  'usage: staff-token <appointment|fhir-builder|relay-dispatcher> [--role admin|clinic_staff] ' +
  '[--subject <id>] [--name <name>] [--request <METHOD> <URL> [--json <body>]]';

const Method = z.enum(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);

export interface StaffTokenIo {
  readonly out: (line: string) => void;
  readonly fetch: typeof fetch;
}

/** A mistake in how the command was called: said in one line with the usage. */
export class UsageError extends Error {}

function parse(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      role: { type: 'string', default: 'admin' },
      subject: { type: 'string', default: 'command-line' },
      name: { type: 'string', default: 'Command line' },
      request: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const [service, url, ...rest] = positionals;
  const audience = StaffAudience.safeParse(service);
  const role = StaffRole.safeParse(values.role);
  const method = values.request === undefined ? undefined : Method.safeParse(values.request);
  if (!audience.success || !role.success || rest.length > 0) throw new UsageError(USAGE);
  if (method && (!method.success || url === undefined)) throw new UsageError(USAGE);
  if (!method && (url !== undefined || values.json !== undefined)) throw new UsageError(USAGE);
  return {
    audience: audience.data,
    role: role.data,
    subject: values.subject,
    name: values.name,
    request: method?.success ? { method: method.data, url: url!, json: values.json } : undefined,
  };
}

/**
 * Prints a token, or makes the request with it; resolves to the exit code. Throws UsageError, or
 * the configuration's ConfigError naming WEB_SIGNING_KEY (never its value).
 */
export async function staffTokenCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: StaffTokenIo,
): Promise<number> {
  const options = parse(argv);
  const { WEB_SIGNING_KEY } = loadConfig({ WEB_SIGNING_KEY: webVariables.WEB_SIGNING_KEY }, env);
  const token = await issueStaffToken({
    subject: options.subject,
    name: options.name,
    role: options.role,
    audience: options.audience,
    signingKey: WEB_SIGNING_KEY,
  });
  if (!options.request) {
    io.out(token);
    return 0;
  }
  const { method, url, json } = options.request;
  const response = await io.fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(json !== undefined && { 'content-type': 'application/json' }),
    },
    ...(json !== undefined && { body: json }),
    signal: AbortSignal.timeout(10_000),
  });
  io.out(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.ok ? 0 : 1;
}
