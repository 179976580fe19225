import type { StaffRole } from '@mbs/contracts';
import {
  generateSigningKey,
  issueStaffToken,
  publicJwks,
  type PrivateSigningJwk,
  type PublicJwks,
  type StaffAudience,
} from '@mbs/trust';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

/** web's keys as a test plays them: the one that signs, the public set a service verifies with. */
export interface TestStaffKeys {
  readonly signingKey: PrivateSigningJwk;
  /** What the service under test is configured with (STAFF_TOKEN_KEYS). */
  readonly keys: PublicJwks;
  /** Another key under the same kid: what a forger without web's key signs with. */
  readonly forger: PrivateSigningJwk;
  /** A token for `audience`, as web issues it for a member of staff of `role`. */
  token(audience: StaffAudience, role: StaffRole, options?: TokenOptions): Promise<string>;
}

interface TokenOptions {
  readonly signingKey?: PrivateSigningJwk;
  readonly now?: Date;
  readonly ttlSeconds?: number;
}

/** New web keys for a suite (generated, never committed). */
export async function testStaffKeys(): Promise<TestStaffKeys> {
  const signingKey = await generateSigningKey('test-web-sig');
  const forger = await generateSigningKey('test-web-sig');
  return {
    signingKey,
    forger,
    keys: publicJwks({ keys: [signingKey] }) as PublicJwks,
    token: (audience, role, options = {}) =>
      issueStaffToken({
        subject: role === 'admin' ? 'test-admin' : 'test-staff',
        name: role === 'admin' ? 'Test Administrator' : 'Test Radiographer',
        role,
        audience,
        signingKey: options.signingKey ?? signingKey,
        now: options.now,
        ttlSeconds: options.ttlSeconds,
      }),
  };
}

/**
 * `app` as seen by whoever holds `token`: its `inject` sends `Authorization: Bearer <token>` on
 * every request (a test's admin or member of clinic staff).
 */
export function withBearer(app: FastifyInstance, token: string) {
  return {
    inject(request: string | InjectOptions): Promise<LightMyRequestResponse> {
      const options = typeof request === 'string' ? { url: request } : request;
      return app.inject({
        ...options,
        headers: { ...options.headers, authorization: `Bearer ${token}` },
      });
    },
  };
}

/** One request to a route, as `fastify.inject` takes it. */
export interface RouteRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly payload?: object;
}

interface Injectable {
  inject(request: {
    method: RouteRequest['method'];
    url: string;
    payload?: object;
    headers: Record<string, string>;
  }): PromiseLike<{
    statusCode: number;
    body: string;
    headers: Record<string, string | string[] | number | undefined>;
  }>;
}

/** How a route answered one kind of caller: what an access test compares. */
export interface AccessOutcome {
  readonly status: number;
  /** The JSON body's `error` on a refusal (401, 403). */
  readonly error?: string;
  /** The WWW-Authenticate header, on a 401. */
  readonly challenge?: string;
  /** Whether the answer quotes the token it was sent: it never may. */
  readonly echoesToken: boolean;
}

/** The callers every protected route is tried with. */
export type Caller =
  | 'no token'
  | 'expired'
  | 'signed by another key'
  | 'for another service'
  | 'clinic_staff'
  | 'admin';

const HOUR_AGO = () => new Date(Date.now() - 3_600_000);

/**
 * Sends `request` to a service (`audience`) as each kind of caller, and says how it answered:
 * no token, an expired one, one signed by another key under web's kid, one for another service,
 * and valid tokens for clinic staff and for an admin.
 */
export async function staffAccess(
  app: Injectable,
  request: RouteRequest,
  audience: StaffAudience,
  staff: TestStaffKeys,
): Promise<Record<Caller, AccessOutcome>> {
  const another: StaffAudience = audience === 'appointment' ? 'fhir-builder' : 'appointment';
  const tokens: Record<Caller, string | undefined> = {
    'no token': undefined,
    expired: await staff.token(audience, 'admin', { now: HOUR_AGO(), ttlSeconds: 300 }),
    'signed by another key': await staff.token(audience, 'admin', { signingKey: staff.forger }),
    'for another service': await staff.token(another, 'admin'),
    clinic_staff: await staff.token(audience, 'clinic_staff'),
    admin: await staff.token(audience, 'admin'),
  };
  const outcomes = {} as Record<Caller, AccessOutcome>;
  for (const [caller, token] of Object.entries(tokens) as Array<[Caller, string | undefined]>) {
    const response = await app.inject({
      method: request.method,
      url: request.url,
      ...(request.payload !== undefined && { payload: request.payload }),
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const refused = response.statusCode === 401 || response.statusCode === 403;
    const challenge = response.headers['www-authenticate'];
    outcomes[caller] = {
      status: response.statusCode,
      ...(refused && { error: (JSON.parse(response.body) as { error?: string }).error }),
      ...(challenge !== undefined && { challenge: String(challenge) }),
      echoesToken: token !== undefined && response.body.includes(token),
    };
  }
  return outcomes;
}

const unauthenticated = (error: string, challenge = 'Bearer error="invalid_token"') =>
  ({ status: 401, error, challenge, echoesToken: false }) as const;

/**
 * What `staffAccess` must find for a route that needs `role` and answers `allowed` (its status
 * for a caller it lets in): every bad token a 401 with its reason and a challenge, clinic staff
 * a 403 on an admin route, nothing echoed.
 */
export function expectedStaffAccess(
  role: StaffRole,
  allowed: number,
): Record<Caller, AccessOutcome> {
  const ok = { status: allowed, echoesToken: false };
  return {
    'no token': unauthenticated('token_missing', 'Bearer'),
    expired: unauthenticated('token_expired'),
    'signed by another key': unauthenticated('token_invalid'),
    'for another service': unauthenticated('token_wrong_audience'),
    clinic_staff: role === 'admin' ? { status: 403, error: 'forbidden', echoesToken: false } : ok,
    admin: ok,
  };
}
