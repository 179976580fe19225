import { loadConfig, type VariableSpec } from '@mbs/config';
import { systemProcesses, type ProcessName, type SystemProcess } from '@mbs/processes';
import { appointmentVariables } from '@mbs/appointment/config';
import { fhirBuilderVariables } from '@mbs/fhir-builder/config';
import { gatewayVariables } from '@mbs/gateway/config';
import { sinkVariables } from '@mbs/hospital-sink/config';
import { dispatcherVariables } from '@mbs/relay-dispatcher/config';
import { SEND_KEY_SECRET_NAME } from '@mbs/relay-dispatcher/secrets';
import { emulatorVariables, entitiesFrom } from '@mbs/relay-emulator/config';
import { webVariables } from '@mbs/web/config';

export type { ProcessName };

/** What a process reads, from its own code: what the table of processes leaves to it. */
interface ProcessConfiguration {
  /** The spec its main.ts passes to loadConfig. */
  readonly variables: VariableSpec;
  /** Variables it reads besides its spec (the dispatcher's Send keys). */
  readonly extraVariables?: RegExp;
  /** What main.ts does after loadConfig with the parsed values, when that can also refuse. */
  readonly afterLoad?: (config: Readonly<Record<string, unknown>>) => void;
}

/**
 * One process of the system as the deployment files must run it: its row of the table of
 * processes (@mbs/processes, which npm start and the end-to-end system read too), with its
 * configuration read from its own code.
 */
export interface ProcessDescription extends ProcessConfiguration {
  readonly name: ProcessName;
  /** Its workspace folder, relative to the repository root. */
  readonly workspace: string;
  /** The built file node runs, relative to the repository root. */
  readonly entry: string;
  /** The variable that sets its listening port (its default is the port the code uses). */
  readonly portVariable: string;
  /** `http`: GET /health; `tcp`: it has no /health (the relay emulator), a connect is the probe. */
  readonly health: 'http' | 'tcp';
  /** Its whole row of the table. */
  readonly declared: SystemProcess;
}

const configurations: Record<ProcessName, ProcessConfiguration> = {
  appointment: { variables: appointmentVariables },
  'fhir-builder': { variables: fhirBuilderVariables },
  'relay-dispatcher': { variables: dispatcherVariables, extraVariables: SEND_KEY_SECRET_NAME },
  web: { variables: webVariables },
  'relay-emulator': {
    variables: emulatorVariables,
    // main.ts parses the hybrid connections JSON right after loadConfig.
    afterLoad: (config) => void entitiesFrom(config.RELAY_EMULATOR_ENTITIES as string | undefined),
  },
  'hospital-sink': { variables: sinkVariables },
  gateway: { variables: gatewayVariables },
};

export const processes: readonly ProcessDescription[] = systemProcesses.map((declared) => ({
  name: declared.name,
  workspace: declared.workspace,
  entry: declared.entry,
  portVariable: declared.listen.portVariable,
  health: declared.health.kind,
  declared,
  ...configurations[declared.name],
}));

export function processNamed(name: string): ProcessDescription | undefined {
  return processes.find((process) => process.name === name);
}

/** The port the process listens on when nothing sets it: its spec's default. */
export function defaultPort(process: ProcessDescription): number {
  const fallback = process.variables[process.portVariable]?.default;
  if (fallback === undefined)
    throw new Error(`${process.name}: ${process.portVariable} has no default`);
  return Number(fallback);
}

/** The port the process listens on with this environment. */
export function listeningPort(process: ProcessDescription, env: Environment): number {
  const given = env[process.portVariable];
  return given !== undefined && given !== '' ? Number(given) : defaultPort(process);
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Starts the process's configuration exactly as its main.ts does: the real loadConfig with its
 * real spec (and what main.ts parses next). Throws the loader's ConfigError, naming every
 * missing or invalid variable.
 */
export function loadProcessConfig(
  process: ProcessDescription,
  env: Environment,
): Readonly<Record<string, unknown>> {
  const config = loadConfig(process.variables, env) as Readonly<Record<string, unknown>>;
  process.afterLoad?.(config);
  return config;
}

/** Variables every process may be given besides its own: the runtime's and OpenTelemetry's. */
const standardVariables = new Set([
  'NODE_ENV',
  'NODE_OPTIONS',
  'OTEL_SERVICE_NAME',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_SDK_DISABLED',
  'OTEL_TRACES_EXPORTER',
  'OTEL_RESOURCE_ATTRIBUTES',
]);

/** Does the process read this variable at all? (A misspelt name is silently ignored otherwise.) */
export function readsVariable(process: ProcessDescription, name: string): boolean {
  return (
    name in process.variables ||
    standardVariables.has(name) ||
    (process.extraVariables?.test(name) ?? false)
  );
}

/** Is this variable a secret for the process (its spec says so, or it is a Send key)? */
export function isSecretVariable(process: ProcessDescription, name: string): boolean {
  return process.variables[name]?.secret === true || (process.extraVariables?.test(name) ?? false);
}
