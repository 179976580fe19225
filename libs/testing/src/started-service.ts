/** A running dependency a suite uses, and how to let go of it. */
export interface StartedService {
  readonly url: string;
  /** Releases what was started for the suite; safe to call more than once. */
  stop(): Promise<void>;
}

/** The environment as a plain map (`process.env` by default; tests inject their own). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A variable's value, with unset and blank treated alike (`AMQP_URL=` in a shell means unset). */
export function variable(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
