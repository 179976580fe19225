import { Actor, Id, StaffRole } from '@mbs/contracts';
import { z } from 'zod';

/** The services that take staff tokens: each token names one, so it is good for that one only. */
export const StaffAudience = z.enum(['appointment', 'fhir-builder', 'relay-dispatcher']);
export type StaffAudience = z.infer<typeof StaffAudience>;

/** Who a verified staff token speaks for. */
export const StaffIdentity = z.object({
  /** The user id (web's username), as commands carry it in `requestedBy.userId`. */
  subject: Id,
  name: Actor.shape.name,
  role: StaffRole,
});
export type StaffIdentity = z.infer<typeof StaffIdentity>;

/** Who issues staff tokens. */
export const STAFF_TOKEN_ISSUER = 'web';
/** An OAuth access token (RFC 9068's `typ`): not a command signature, though web signs both. */
export const STAFF_TOKEN_TYP = 'at+jwt';
