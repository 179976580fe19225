import { StaffRole } from '@mbs/contracts';
import { z } from 'zod';

/**
 * What a signed-in person may do: clinic staff work clinics; admins also configure the service.
 * Declared once, in @mbs/contracts: web's staff tokens carry it to the services, which allow each
 * route to a role.
 */
export const Role = StaffRole;
export type Role = StaffRole;

/**
 * How a person signs in. Lower-case, and also their `userId` on every command they send (so it
 * meets the contracts' `Id`: letters, digits, `.`, `_`, `-`), so it never changes.
 */
export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'must be at least 2 characters')
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'may contain only letters, digits and . _ -');
export type Username = z.infer<typeof Username>;

/** A new password: long rather than complicated (NCSC's advice), and never longer than hashing copes with. */
export const NewPassword = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(256, 'must be at most 256 characters');

export const PersonName = z.string().trim().min(1, 'must not be empty').max(200);

export const NewAccount = z.strictObject({
  username: Username,
  name: PersonName,
  role: Role,
  password: NewPassword,
});
export type NewAccount = z.input<typeof NewAccount>;

/** An account as web uses it: never the password hash. */
export interface Account {
  readonly username: Username;
  readonly name: string;
  readonly role: Role;
  readonly enabled: boolean;
  readonly createdAt: Date;
}
