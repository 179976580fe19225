import { z } from 'zod';
import { Id } from '../values/identifiers';
import { StaffRequest } from '../values/staff-request';

/** What every staff action on one appointment carries: which appointment, who, and why. */
export const StaffAction = z.object({
  appointmentId: Id,
  requestedBy: StaffRequest,
  reason: z.string().trim().min(1).max(500).optional(),
});
