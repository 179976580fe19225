import type { StaffAudience } from '@mbs/trust';
import type { FastifyInstance } from 'fastify';
import { eventually } from './polling';
import {
  expectedStaffAccess,
  staffAccess,
  type AccessOutcome,
  type Caller,
  type TestStaffKeys,
} from './staff-access';

/** What a service's `GET /dead-letters` answered an admin: its count and entries. */
export interface DeadLetterListing {
  readonly queue: string;
  readonly total: number;
  readonly deadLetters: ReadonlyArray<Record<string, unknown>>;
}

/** How a service's `GET /dead-letters` answered each kind of caller and input. */
export interface DeadLetterRouteSeen {
  /** Every kind of caller (staffAccess). */
  readonly access: Record<Caller, AccessOutcome>;
  /** What an admin was shown, once the queue held `count`. */
  readonly listing: DeadLetterListing;
  /** The same look straight after: a look leaves the queue as it was, so this is `listing`. */
  readonly again: DeadLetterListing;
  /** `?limit=0` and `?limit=201`: each answer's status and the fields it names. */
  readonly badLimits: ReadonlyArray<{ readonly status: number; readonly fields: string[] }>;
  /** Which of the secrets (a dead letter's body: a patient's details) any answer showed. */
  readonly shown: string[];
}

/**
 * Looks at a service's dead letters through its `GET /dead-letters` as each kind of caller
 * (web's tokens for `audience`), once the admin's look counts `count`, and again at once; tries
 * two limits out of range; and says which `secrets` any answer contained. A test compares it
 * with `expectedDeadLetterRoute(seen.listing)` and what it expects of the listing.
 */
export async function lookAtDeadLetters(
  app: FastifyInstance,
  options: {
    readonly audience: StaffAudience;
    readonly staff: TestStaffKeys;
    readonly count: number;
    readonly secrets: readonly string[];
  },
): Promise<DeadLetterRouteSeen> {
  const { audience, staff, count, secrets } = options;
  const authorization = `Bearer ${await staff.token(audience, 'admin')}`;
  const bodies: string[] = [];
  const get = async (url: string) => {
    const response = await app.inject({ url, headers: { authorization } });
    bodies.push(response.body);
    return response;
  };
  const listing = await eventually(async () => {
    const response = await get('/dead-letters');
    const body = response.json() as DeadLetterListing;
    return response.statusCode === 200 && body.total === count && body;
  }, `${count} dead letters at ${audience}'s GET /dead-letters`);
  const again = (await get('/dead-letters')).json() as DeadLetterListing;
  const badLimits = [];
  for (const limit of [0, 201]) {
    const response = await get(`/dead-letters?limit=${limit}`);
    const { errors = [] } = response.json() as { errors?: Array<{ field: string }> };
    badLimits.push({ status: response.statusCode, fields: errors.map((error) => error.field) });
  }
  const access = await staffAccess(app, { method: 'GET', url: '/dead-letters' }, audience, staff);
  return {
    access,
    listing,
    again,
    badLimits,
    shown: secrets.filter((secret) => bodies.some((body) => body.includes(secret))),
  };
}

/** What `lookAtDeadLetters` must find, whatever the listing (`listing`: the one it saw). */
export function expectedDeadLetterRoute(listing: DeadLetterListing): DeadLetterRouteSeen {
  return {
    access: expectedStaffAccess('admin', 200),
    listing,
    again: listing,
    badLimits: [
      { status: 400, fields: ['limit'] },
      { status: 400, fields: ['limit'] },
    ],
    shown: [],
  };
}
