import { PermanentError } from '@mbs/errors';

export interface VariableProblem {
  readonly variable: string;
  readonly problem: string;
}

/** Start-up configuration is wrong. Lists every problem at once, so one restart fixes them all. */
export class ConfigError extends PermanentError {
  constructor(readonly problems: readonly VariableProblem[]) {
    super(
      'invalid_configuration',
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map(({ variable, problem }) => `  - ${variable}: ${problem}`).join('\n'),
    );
  }
}
