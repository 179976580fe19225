import { ForbiddenError } from './staff-auth-errors';
import type { StaffRole } from '@mbs/contracts';
import type { StaffIdentity } from './staff-identity';

/** Each role, by how much it may do: a role may do everything the roles below it may. */
const RANK: Readonly<Record<StaffRole, number>> = { clinic_staff: 1, admin: 2 };

/**
 * Refuses (ForbiddenError, 403) a member of staff whose role is below `role`: read routes need
 * `clinic_staff` (which admins also pass), changes need `admin`.
 */
export function requireRole(identity: StaffIdentity, role: StaffRole): void {
  if (RANK[identity.role] < RANK[role]) throw new ForbiddenError(role);
}
