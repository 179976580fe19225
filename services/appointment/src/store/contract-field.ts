import type { z } from 'zod';

/**
 * Mongoose options that hold a field to the contract's own zod schema, so what is stored is
 * exactly what the contracts accept (no weaker copy of a rule to drift):
 * - `set` stores the value as the contract reads it (an NHS number typed `943 476 5919` is stored
 *   as `9434765919`), and leaves a value the contract refuses as it is, for `validate` to name;
 * - `validate` refuses with the contract's words for the first problem (mongoose reports a
 *   thrown error's message).
 */
export function contractField<T>(schema: z.ZodType<T>) {
  return {
    set(value: unknown): unknown {
      const result = schema.safeParse(value);
      return result.success ? result.data : value;
    },
    validate: {
      validator(value: unknown): boolean {
        const result = schema.safeParse(value);
        if (!result.success) throw new Error(result.error.issues[0]?.message ?? 'is not valid');
        return true;
      },
    },
  };
}
