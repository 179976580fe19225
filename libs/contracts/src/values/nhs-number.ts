import { z } from 'zod';

/**
 * Whether a string is a valid NHS number: ten digits whose last is the modulus 11 check digit
 * of the first nine (weights 10 down to 2; a remainder giving 10 means the number is never
 * issued; 11 becomes 0). Ten identical digits (`0000000000`, `1111111111`) pass that check
 * arithmetically but are placeholders systems type when the number is unknown, never issued.
 */
export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  if (/^(\d)\1{9}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(value[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(value[9]);
}

/** An NHS number as ten digits. Spaces people type (`943 476 5919`) are removed first. */
export const NhsNumber = z
  .string()
  .transform((value) => value.replace(/\s+/g, ''))
  .refine(isValidNhsNumber, 'is not a valid NHS number (ten digits with a correct check digit)');
export type NhsNumber = z.infer<typeof NhsNumber>;
