import { z } from 'zod';

/**
 * One environment variable: how to parse it, what it means, and its defaults.
 *
 * `default` applies everywhere. `devDefault` applies only outside production
 * (`NODE_ENV=production`), so a laptop runs with no set-up while a production pod that forgot
 * a connection string or a key fails at start-up, naming the variable, instead of quietly
 * talking to localhost.
 */
export interface Variable<T> {
  readonly schema: z.ZodType<T>;
  readonly description: string;
  readonly default?: string;
  readonly devDefault?: string;
  /** Never echo the value in errors or logs. */
  readonly secret?: boolean;
}

export type VariableSpec = Record<string, Variable<unknown>>;

/** The typed configuration a spec produces: one property per variable name. */
export type ConfigOf<S extends VariableSpec> = {
  readonly [K in keyof S]: S[K] extends Variable<infer T> ? T : never;
};

type Options = Omit<Variable<never>, 'schema'>;

export function string(options: Options): Variable<string> {
  return { ...options, schema: z.string().min(1, 'must not be empty') };
}

export function optionalString(
  options: Omit<Options, 'default' | 'devDefault'>,
): Variable<string | undefined> {
  return { ...options, schema: z.string().min(1).optional() };
}

export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  options: Options,
): Variable<T[number]> {
  return { ...options, schema: z.enum(values) };
}

export function url(options: Options & { protocols: readonly string[] }): Variable<string> {
  const { protocols, ...rest } = options;
  return {
    ...rest,
    schema: z
      .string()
      .refine((value) => URL.canParse(value), 'must be a URL')
      .refine(
        (value) =>
          !URL.canParse(value) || protocols.includes(new URL(value).protocol.replace(/:$/, '')),
        `must use ${protocols.map((p) => `${p}://`).join(' or ')}`,
      ),
  };
}

export function integer(options: Options & { min?: number; max?: number }): Variable<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER, ...rest } = options;
  return {
    ...rest,
    schema: z
      .string()
      .regex(/^-?\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`)),
  };
}

export function port(options: Options): Variable<number> {
  return integer({ ...options, min: 0, max: 65535 });
}

export function boolean(options: Options): Variable<boolean> {
  return {
    ...options,
    schema: z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
      .transform((value) => value === 'true' || value === '1' || value === 'yes'),
  };
}
