import { z } from 'zod';
import { Actor, Id } from '../values/identifiers';

/** What every staff action on one appointment carries: which appointment, who, and why. */
export const StaffAction = z.object({
  appointmentId: Id,
  requestedBy: Actor,
  reason: z.string().trim().min(1).max(500).optional(),
});
