import { z } from 'zod';

/**
 * A whole number in a query string, written in plain decimal digits. `z.coerce.number()` takes
 * whatever `Number()` does: `1e2`, `0x10`, ` 5` and `` (as 0) included.
 */
export function queryInteger({ min, max }: { min: number; max: number }) {
  return z
    .string()
    .regex(/^\d{1,15}$/, 'must be a whole number in plain digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}
