import {
  NOW as now,
  NOW_SECONDS,
  decodeSegment,
  encodeSegment,
  headerAndPayload,
  rejection,
  secondsAfterNow as seconds,
} from '../../test/support';
import { generateSigningKey, publicJwk } from '../keys/generate-keys';
import type { PrivateSigningJwk } from '../keys/key-schemas';
import { signJwt } from '../jwt/sign-jwt';
import { signCommand } from './command-signature';
import { issueStaffToken, type IssueStaffTokenOptions } from './issue-staff-token';
import { StaffTokenError } from './staff-auth-errors';
import { bearerToken, verifyStaffToken, type VerifyStaffTokenOptions } from './verify-staff-token';

const ada = { subject: 'ada', name: 'Ada Lovelace', role: 'admin' } as const;

let web: PrivateSigningJwk;
beforeAll(async () => {
  web = await generateSigningKey('web-1');
});

const issue = (overrides: Partial<IssueStaffTokenOptions> = {}) =>
  issueStaffToken({ ...ada, audience: 'relay-dispatcher', signingKey: web, now, ...overrides });

const verify = (token: string | undefined, overrides: Partial<VerifyStaffTokenOptions> = {}) =>
  verifyStaffToken(token, {
    audience: 'relay-dispatcher',
    keys: { keys: [publicJwk(web)] },
    now,
    ...overrides,
  });

async function problem(
  token: string | undefined,
  overrides: Partial<VerifyStaffTokenOptions> = {},
) {
  const error = await rejection(verify(token, overrides), StaffTokenError);
  expect(error.statusCode).toBe(401);
  expect(error.retryable).toBe(false);
  return error.code;
}

describe('staff tokens', () => {
  it('verify to the member of staff they were issued for', async () => {
    const token = await issue();
    await expect(verify(token)).resolves.toEqual(ada);
    const { header, payload } = headerAndPayload(token);
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'web-1' });
    expect(payload).toEqual({
      iss: 'web',
      sub: 'ada',
      aud: 'relay-dispatcher',
      iat: NOW_SECONDS,
      exp: NOW_SECONDS + 300,
      jti: expect.any(String),
      name: 'Ada Lovelace',
      role: 'admin',
    });
  });

  it("verify with any of web's published keys (rotation)", async () => {
    const next = await generateSigningKey('web-2');
    const keys = { keys: [publicJwk(next), publicJwk(web)] };
    await expect(verify(await issue(), { keys })).resolves.toEqual(ada);
    await expect(verify(await issue({ signingKey: next }), { keys })).resolves.toEqual(ada);
  });

  it('are token_missing when there is none', async () => {
    expect(await problem(undefined)).toBe('token_missing');
    expect(await problem('')).toBe('token_missing');
  });

  it('are token_invalid when forged, unknown, tampered, malformed or of another kind', async () => {
    const forger = await generateSigningKey('web-1');
    expect(await problem(await issue({ signingKey: forger }))).toBe('token_invalid');
    const stranger = await generateSigningKey('web-9');
    expect(await problem(await issue({ signingKey: stranger }))).toBe('token_invalid');

    const [header, payload, signature] = (await issue({ role: 'clinic_staff' })).split('.');
    const promoted = encodeSegment({ ...decodeSegment(payload!), role: 'admin' });
    expect(await problem(`${header}.${promoted}.${signature}`)).toBe('token_invalid');

    expect(await problem('Bearer nonsense')).toBe('token_invalid');
    // web signs command signatures with the same key: one is not a token.
    const command = await signCommand(
      {
        commandId: 'c-1',
        type: 'appointment.check-in',
        appointmentId: 'a-1',
        userId: 'ada',
        name: 'Ada',
      },
      web,
    );
    expect(await problem(command)).toBe('token_invalid');
  });

  it('are token_invalid when issued by anyone but web, or naming no valid role', async () => {
    const options = {
      typ: 'at+jwt',
      audience: 'relay-dispatcher',
      subject: 'ada',
      signingKey: web,
      now,
    };
    const fromElsewhere = await signJwt(
      { name: 'Ada', role: 'admin' },
      { ...options, issuer: 'gateway' },
    );
    expect(await problem(fromElsewhere)).toBe('token_invalid');
    const superuser = await signJwt({ name: 'Ada', role: 'root' }, { ...options, issuer: 'web' });
    expect(await problem(superuser)).toBe('token_invalid');
  });

  it('are token_expired past their expiry and tolerance, or issued in the future', async () => {
    expect(await problem(await issue({ ttlSeconds: 60 }), { now: seconds(120) })).toBe(
      'token_expired',
    );
    expect(await problem(await issue({ now: seconds(120) }))).toBe('token_expired');
    await expect(verify(await issue({ ttlSeconds: 60 }), { now: seconds(119) })).resolves.toEqual(
      ada,
    );
  });

  it('are token_wrong_audience at any service but the one they name', async () => {
    expect(await problem(await issue({ audience: 'appointment' }))).toBe('token_wrong_audience');
  });

  it('name nothing of the token in their message', async () => {
    const token = await issue({ audience: 'appointment' });
    const error = await verify(token).catch((thrown: Error) => thrown);
    expect((error as Error).message).toBe('The bearer token is addressed to someone else');
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer authorization header, and nothing else', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
  });
});
