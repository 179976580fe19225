import { NOW } from '../../test/support';
import { generateSigningKey, publicJwk } from '../keys/generate-keys';
import type { PrivateSigningJwk } from '../keys/key-schemas';
import { StaffTokenCache } from './staff-token-cache';
import { verifyStaffToken } from './verify-staff-token';

const start = NOW.getTime();
const ada = { subject: 'ada', name: 'Ada', role: 'admin', audience: 'appointment' } as const;

let web: PrivateSigningJwk;
let clock: number;
let cache: StaffTokenCache;
beforeAll(async () => {
  web = await generateSigningKey('web-1');
});
beforeEach(() => {
  clock = start;
  cache = new StaffTokenCache({ signingKey: web, now: () => new Date(clock) });
});

describe('StaffTokenCache', () => {
  it('reuses a token for the same member of staff and service', async () => {
    const first = await cache.token(ada);
    clock = start + 200_000;
    expect(await cache.token(ada)).toBe(first);
    expect(cache.size).toBe(1);
  });

  it('issues a new one from 60 s before expiry', async () => {
    const first = await cache.token(ada);
    clock = start + 239_999;
    expect(await cache.token(ada)).toBe(first);
    clock = start + 240_000;
    const second = await cache.token(ada);
    expect(second).not.toBe(first);
    // The new one is good for its full lifetime from now.
    await expect(
      verifyStaffToken(second, {
        audience: 'appointment',
        keys: { keys: [publicJwk(web)] },
        now: new Date(start + 240_000 + 299_000),
        clockToleranceSeconds: 0,
      }),
    ).resolves.toMatchObject({ subject: 'ada' });
  });

  it('keeps one token per member of staff and per service', async () => {
    const forAppointment = await cache.token(ada);
    const forDispatcher = await cache.token({ ...ada, audience: 'relay-dispatcher' });
    const forCara = await cache.token({ ...ada, subject: 'cara', name: 'Cara' });
    expect(new Set([forAppointment, forDispatcher, forCara]).size).toBe(3);
    expect(cache.size).toBe(3);
  });

  it('issues a new token at once when the name or role changed', async () => {
    const first = await cache.token(ada);
    const demoted = await cache.token({ ...ada, role: 'clinic_staff' });
    expect(demoted).not.toBe(first);
    await expect(
      verifyStaffToken(demoted, {
        audience: 'appointment',
        keys: { keys: [publicJwk(web)] },
        now: new Date(clock),
      }),
    ).resolves.toMatchObject({ role: 'clinic_staff' });
    expect(await cache.token({ ...ada, role: 'clinic_staff', name: 'Ada L.' })).not.toBe(demoted);
  });

  it('drops stale tokens when it issues one', async () => {
    await cache.token(ada);
    await cache.token({ ...ada, subject: 'cara', name: 'Cara' });
    clock = start + 250_000;
    await cache.token({ ...ada, subject: 'bob', name: 'Bob' });
    expect(cache.size).toBe(1);
  });
});
