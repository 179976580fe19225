import { ConfigError } from '@mbs/config';
import {
  loadProcessConfig,
  readsVariable,
  type Environment,
  type ProcessDescription,
} from './processes';

/**
 * What is wrong with the environment a deployment file gives a process: whatever its real
 * configuration loader refuses (a variable the code requires but the file forgot, an invalid
 * value), and any variable the process never reads (a misspelt name the loader would ignore).
 * Empty when the process would start.
 */
export function environmentProblems(
  process: ProcessDescription,
  env: Environment,
  /** Variables from a ConfigMap several processes share: some of them are for the others. */
  shared: ReadonlySet<string> = new Set(),
): string[] {
  const problems: string[] = [];
  try {
    loadProcessConfig(process, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems.map(({ variable, problem }) => `${variable} ${problem}`));
  }
  for (const name of Object.keys(env)) {
    if (!shared.has(name) && !readsVariable(process, name))
      problems.push(`${name} is not read by ${process.name}`);
  }
  return problems;
}
