/**
 * The broker setup that compose, Kubernetes and production run (docs/adr/0005): gives each
 * process on the bus its own broker user, with exactly its role from the table of processes, and
 * declares the namespace's shared exchanges. Idempotent: run it on every deployment, with the
 * release that is being deployed, so the permissions always match the code that runs.
 *
 *   node libs/processes/dist/broker-setup.js           # import
 *   node libs/processes/dist/broker-setup.js --print   # print the definitions instead
 *
 * It reads:
 * - each process's own `AMQP_URL` (the one its Deployment or compose service gets), as
 *   `APPOINTMENT_AMQP_URL`, `FHIR_BUILDER_AMQP_URL`, `RELAY_DISPATCHER_AMQP_URL`, `WEB_AMQP_URL`:
 *   the user and password to create, and the vhost (the same in all four);
 * - `BUS_NAMESPACE` (`mbs` by default);
 * - `BROKER_MANAGEMENT_URL`, the management API as an administrator
 *   (`https://admin:password@rabbitmq.example:15671`); without it, this machine's `rabbitmqctl`.
 *
 * Nothing is printed that holds a password: the definitions carry password hashes only.
 */
import { importDefinitionsOverHttp, importDefinitionsWithRabbitmqctl } from '@mbs/bus';
import {
  brokerUrlVariable,
  busProcesses,
  systemBrokerDefinitions,
  vhostOf,
  type BrokerCredentials,
} from './broker-users';
import type { ProcessName } from './system-processes';

/** What the setup will do, from its environment; every problem named at once. */
export function brokerSetupFrom(env: Readonly<Record<string, string | undefined>>) {
  const problems: string[] = [];
  const credentials: Partial<Record<ProcessName, BrokerCredentials>> = {};
  const vhosts = new Set<string>();
  for (const process of busProcesses) {
    const variable = brokerUrlVariable(process.name);
    const value = env[variable];
    if (!value) {
      problems.push(`${variable} is not set (${process.name}'s AMQP_URL, its user and password)`);
      continue;
    }
    try {
      const url = new URL(value);
      if (!/^amqps?:$/.test(url.protocol) || !url.username || !url.password) throw new Error();
      credentials[process.name] = {
        username: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
      };
      vhosts.add(vhostOf(value));
    } catch {
      problems.push(`${variable} is not an amqp(s)://user:password@host URL`);
    }
  }
  if (vhosts.size > 1)
    problems.push(`the AMQP URLs name different vhosts: ${[...vhosts].join(', ')}`);
  const usernames = Object.values(credentials).map((given) => given.username);
  if (new Set(usernames).size !== usernames.length) {
    problems.push('two processes are given the same broker user: each needs its own');
  }
  const management = env.BROKER_MANAGEMENT_URL;
  if (management !== undefined && !/^https?:\/\/[^/@\s:]+:[^/@\s]+@/.test(management)) {
    problems.push('BROKER_MANAGEMENT_URL is not an http(s)://user:password@host:port URL');
  }
  if (problems.length > 0) throw new Error(`broker setup: ${problems.join('; ')}`);
  return {
    management,
    definitions: systemBrokerDefinitions({
      namespace: env.BUS_NAMESPACE || 'mbs',
      vhost: [...vhosts][0] ?? '/',
      credentials,
    }),
  };
}

async function main(): Promise<void> {
  const { management, definitions } = brokerSetupFrom(process.env);
  if (process.argv.includes('--print')) {
    process.stdout.write(`${JSON.stringify(definitions, null, 2)}\n`);
    return;
  }
  if (management) await importDefinitionsOverHttp(management, definitions);
  else await importDefinitionsWithRabbitmqctl(definitions);
  process.stdout.write(
    `broker users ready: ${definitions.users.map((user) => user.name).join(', ')}\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
