import type { StaffRole } from '@mbs/contracts';

/**
 * Who may use a route: `open` to anyone (health and probe routes, which reveal nothing but
 * status), or a member of staff with a verified token of at least this role (`clinic_staff`
 * reads; `admin` also changes configuration).
 */
export type RouteAccess = 'open' | StaffRole;

/**
 * What a route may say about itself in its `config`. createHttpApi refuses every query parameter
 * on a route that does not say it takes a query: a parameter nobody reads is a caller's mistake
 * (a typo in a filter quietly returns everything), and it should hear so. With staff access
 * (createHttpApi's `staff`), every route must say who may use it: one that does not is refused
 * when it is registered, so none is open by being forgotten.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads `request.query` itself, with a strict schema that names unknown ones. */
    readonly takesQuery?: boolean;
    /** Who may use it (required when the API has staff access). */
    readonly access?: RouteAccess;
  }
}
