import { issuePath, PermanentError } from '@mbs/errors';
import type { z } from 'zod';

export interface FieldError {
  readonly field: string;
  readonly problem: string;
}

/**
 * At most this many field errors are listed; the rest are only counted. An input with thousands
 * of unknown fields would otherwise get an answer (and a log line) bigger than itself.
 */
export const MAX_LISTED_ERRORS = 20;
/** A field name is input too (an unknown key can be 100 kB long): cut to this many characters. */
const MAX_FIELD_CHARS = 100;
/** Problems are ours, but some quote fastify's or JSON.parse's messages, which quote input. */
const MAX_PROBLEM_CHARS = 300;

/** `text` cut to `max` characters, ending with … when it was cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The 400 body: the listed errors, and how many more there were when not all are listed. */
export interface InvalidInputBody {
  readonly errors: readonly FieldError[];
  readonly moreErrors?: number;
}

/** A 400: every field that is wrong and why, so a form can show each next to its field. */
export class InvalidInputError extends PermanentError {
  /** The first MAX_LISTED_ERRORS problems, each cut to a bounded length. */
  readonly errors: readonly FieldError[];
  /** How many problems were found but not listed. */
  readonly moreErrors: number;

  constructor(errors: readonly FieldError[]) {
    const listed = errors.slice(0, MAX_LISTED_ERRORS).map(({ field, problem }) => ({
      field: clip(field, MAX_FIELD_CHARS),
      problem: clip(problem, MAX_PROBLEM_CHARS),
    }));
    const more = errors.length - listed.length;
    super(
      'invalid_input',
      listed.map((e) => `${e.field}: ${e.problem}`).join('; ') +
        (more > 0 ? `; and ${more} more` : ''),
    );
    this.errors = listed;
    this.moreErrors = more;
  }

  /** What a 400 answers with: `{ errors }`, and `moreErrors` only when some are not listed. */
  get body(): InvalidInputBody {
    return this.moreErrors > 0
      ? { errors: this.errors, moreErrors: this.moreErrors }
      : { errors: this.errors };
  }

  static fromZod(error: z.ZodError): InvalidInputError {
    return new InvalidInputError(
      error.issues.flatMap((issue) =>
        // An unknown field is named by itself, each one, not by its parent ("(body)").
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({
              field: [...issue.path, key].join('.'),
              problem: UNKNOWN_FIELD,
            }))
          : [{ field: issuePath(issue) || '(body)', problem: issue.message }],
      ),
    );
  }

  /** Fields (or query parameters) nobody asked for, each named. */
  static unknownFields(names: readonly string[]): InvalidInputError {
    return new InvalidInputError(names.map((field) => ({ field, problem: UNKNOWN_FIELD })));
  }
}

const UNKNOWN_FIELD = 'is not a known field';

/** Parses input with a zod schema, or throws InvalidInputError naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw InvalidInputError.fromZod(result.error);
  return result.data;
}
