import type { z } from 'zod';

/**
 * Mongoose options that hold a field to the zod schema it mirrors (a contract's, or the service's
 * own schema of what it stores), so what is stored is exactly what that schema accepts (no weaker
 * copy of a rule to drift):
 * - `set` stores the value as the schema reads it (an NHS number typed `943 476 5919` is stored
 *   as `9434765919`), and leaves a value the schema refuses as it is, for `validate` to name;
 * - `validate` refuses with the schema's words for the first problem (mongoose reports a
 *   thrown error's message).
 *
 * Spread it into a field's definition: `{ type: String, required: true, ...contractField(Id) }`.
 * Mongoose validates on create and save, not on updates. An absent (undefined) value is left to
 * `required`; null is checked like any value, so a field that may be null needs a nullable schema.
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
