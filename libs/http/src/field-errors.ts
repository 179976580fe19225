import { PermanentError } from '@mbs/errors';
import type { z } from 'zod';

export interface FieldError {
  readonly field: string;
  readonly problem: string;
}

/** A 400: every field that is wrong and why, so a form can show each next to its field. */
export class InvalidInputError extends PermanentError {
  constructor(readonly errors: readonly FieldError[]) {
    super('invalid_input', errors.map((e) => `${e.field}: ${e.problem}`).join('; '));
  }

  static fromZod(error: z.ZodError): InvalidInputError {
    return new InvalidInputError(
      error.issues.flatMap((issue) =>
        // An unknown field is named by itself, each one, not by its parent ("(body)").
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({
              field: [...issue.path, key].join('.'),
              problem: 'is not a known field',
            }))
          : [{ field: issue.path.join('.') || '(body)', problem: issue.message }],
      ),
    );
  }
}

/** Parses input with a zod schema, or throws InvalidInputError naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw InvalidInputError.fromZod(result.error);
  return result.data;
}
