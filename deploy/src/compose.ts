import { keyVariables, variableFileStem, type KeyVariable } from '@mbs/processes';
import { readRepositoryFile } from './repository';
import { placeholderSecret } from './secret-placeholders';
import { isRecord } from './strategic-merge';
import { parseYamlDocument } from './yaml-documents';

export interface ComposeService {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  env_file?: string | string[];
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function readComposeFile(name = 'docker-compose.yml'): ComposeFile {
  const document = parseYamlDocument(readRepositoryFile(name), name);
  if (!isRecord(document) || !isRecord(document.services)) throw new Error(`${name}: no services`);
  return document as unknown as ComposeFile;
}

/**
 * Where `npm run keys:dev` (ensureDevKeys) writes the compose env file of a key variable:
 * `.data/keys/web-signing-key.env` holds `WEB_SIGNING_KEY='…'`.
 */
export function devKeyEnvFile(variable: KeyVariable): string {
  return `.data/keys/${variableFileStem(variable)}.env`;
}

/**
 * The key variables a service's env_file entries give it. Only the development keys' env files
 * may be named: they are made on each machine, never committed, so the checks give each variable
 * a key-shaped placeholder instead of reading the file.
 */
export function envFileVariables(service: ComposeService): KeyVariable[] {
  const files = service.env_file === undefined ? [] : [service.env_file].flat();
  return files.map((file) => {
    const variable = keyVariables.find((candidate) => devKeyEnvFile(candidate) === file);
    if (!variable) throw new Error(`env_file ${file} is not a development key file`);
    return variable;
  });
}

/**
 * A compose service's environment as the container gets it: its env_file variables (key-shaped
 * placeholders for the development keys), then `environment`, which wins, with values as strings
 * (compose turns numbers and booleans into strings).
 */
export function composeEnvironment(service: ComposeService): Record<string, string> {
  const env: Record<string, string> = Object.fromEntries(
    envFileVariables(service).map((variable) => [variable, placeholderSecret(variable)]),
  );
  for (const [name, value] of Object.entries(service.environment ?? {})) {
    if (value === null) throw new Error(`${name} has no value (compose would take the host's)`);
    env[name] = String(value);
  }
  return env;
}

/** The container port of each `host:container` mapping. */
export function containerPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((mapping) => Number(String(mapping).split(':').at(-1)));
}

/**
 * The host address each `[address:]host:container` mapping publishes on: `0.0.0.0` (every
 * interface) when the mapping names none, as compose does.
 */
export function publishedAddresses(service: ComposeService): string[] {
  // The host port may be a variable with a default (`${MBS_AMQP_PORT:-5672}`), colon and all.
  const mapping = /^(?:(?<address>[^:$]+):)?(?<host>\$\{[^}]+\}|\d+):(?<container>\d+)(?:\/\w+)?$/;
  return (service.ports ?? []).map((entry) => {
    const parsed = mapping.exec(String(entry));
    if (!parsed) throw new Error(`cannot read the port mapping "${entry}"`);
    return parsed.groups?.address ?? '0.0.0.0';
  });
}
