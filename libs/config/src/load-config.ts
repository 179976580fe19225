import { describeIssues } from '@mbs/errors';
import { ConfigError, type VariableProblem } from './config-error';
import type { ConfigOf, VariableSpec } from './variable';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment once, at start-up, against a spec of variables.
 * Returns a frozen, typed configuration or throws a ConfigError naming every missing or invalid
 * variable (values of secrets are never echoed).
 */
export function loadConfig<S extends VariableSpec>(
  spec: S,
  env: Environment = process.env,
): ConfigOf<S> {
  const production = env.NODE_ENV === 'production';
  const config: Record<string, unknown> = {};
  const problems: VariableProblem[] = [];

  for (const [name, variable] of Object.entries(spec)) {
    const given = env[name];
    const raw =
      given !== undefined && given !== ''
        ? given
        : (variable.default ?? (production ? undefined : variable.devDefault));
    const result = variable.schema.safeParse(raw);
    if (result.success) {
      config[name] = result.data;
      continue;
    }
    if (raw === undefined) {
      problems.push({
        variable: name,
        problem: `is required but not set (${variable.description})${
          production && variable.devDefault !== undefined
            ? '; development default is not used in production'
            : ''
        }`,
      });
      continue;
    }
    const reasons = describeIssues(result.error.issues);
    const shown = variable.secret ? '' : ` (got ${JSON.stringify(raw)})`;
    problems.push({ variable: name, problem: `${reasons}${shown}` });
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config) as ConfigOf<S>;
}
