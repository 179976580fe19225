import { z } from 'zod';

/**
 * What a signed-in member of staff may do: clinic staff work clinics; admins also configure the
 * service (accounts, destinations, gateways, resends). web's accounts hold one; its staff tokens
 * carry it to the services, which allow each route to a role. Declared here, once, so web and
 * @mbs/trust cannot disagree on the names.
 */
export const StaffRole = z.enum(['clinic_staff', 'admin']);
export type StaffRole = z.infer<typeof StaffRole>;
