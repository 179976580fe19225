import { SESSION_COOKIE } from '../http/sessions';
import {
  ADMIN,
  STAFF,
  Visitor,
  fieldOf,
  startWeb,
  stopMongo,
  type WebUnderTest,
} from '../../test/web-harness';

describe('signing in and sessions (fastify.inject, MongoDB)', () => {
  let web: WebUnderTest;
  beforeEach(async () => {
    web = await startWeb({ perAddress: 8, perAccount: 3, idleMinutes: 30 });
  });
  afterEach(() => web.stop());
  afterAll(() => stopMongo());

  it('sends a visitor to sign in, then back where they were going', async () => {
    const visitor = new Visitor(web);
    const page = await visitor.get('/clinics/clinic-leeds-am');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/sign-in?returnTo=%2Fclinics%2Fclinic-leeds-am');
    const form = await visitor.get(page.headers.location as string);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Sign in to Manage breast screening');
    expect(fieldOf(form.body, 'returnTo')).toBe('/clinics/clinic-leeds-am');
    const signedIn = await visitor.post('/sign-in', {
      username: STAFF.username,
      password: STAFF.password,
      returnTo: '/clinics/clinic-leeds-am',
    });
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/clinics/clinic-leeds-am');
    const clinic = await visitor.get('/clinics/clinic-leeds-am');
    expect(clinic.statusCode).toBe(200);
    expect(clinic.body).toContain('Ada Radiographer');
  });

  it('never sends anyone to another site after signing in', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const visitor = new Visitor(web);
      await visitor.get('/sign-in');
      const response = await visitor.post('/sign-in', { ...STAFF, returnTo });
      expect(response.headers.location).toBe('/clinics');
    }
  });

  it('answers a wrong password and an unknown username alike, naming no field as the wrong one', async () => {
    const wrongPassword = new Visitor(web);
    await wrongPassword.get('/sign-in');
    const a = await wrongPassword.post('/sign-in', {
      username: STAFF.username,
      password: 'not it at all',
    });
    const unknown = new Visitor(web);
    await unknown.get('/sign-in');
    const b = await unknown.post('/sign-in', { username: 'nobody', password: 'not it at all' });
    for (const response of [a, b]) {
      expect(response.statusCode).toBe(401);
      expect(response.body).toContain('There is a problem');
      expect(response.body).toContain('Enter a correct username and password');
      expect(
        response.cookies.find((c) => c.name === SESSION_COOKIE && c.value === ''),
      ).toBeUndefined();
    }
    // The username typed is kept; the password never comes back.
    expect(a.body).toContain(`value="${STAFF.username}"`);
    expect(a.body).not.toContain('not it at all');
  });

  it('asks for each missing field in the error summary and beside the field', async () => {
    const visitor = new Visitor(web);
    await visitor.get('/sign-in');
    const response = await visitor.post('/sign-in', { username: '', password: '' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('<title>Error: Sign in');
    expect(response.body).toMatch(/href="#username"[^>]*>\s*Enter your username/);
    expect(response.body).toMatch(/href="#password"[^>]*>\s*Enter your password/);
    expect(response.body).toMatch(/id="username-error"[\s\S]*Enter your username/);
    expect(response.body).toMatch(/id="password-error"[\s\S]*Enter your password/);
  });

  it('locks a username after too many failures, whether or not it exists, saying the same', async () => {
    for (const username of [STAFF.username, 'no-such-person']) {
      const visitor = new Visitor(web);
      await visitor.get('/sign-in');
      for (let i = 0; i < 3; i++) {
        const wrong = await visitor.post('/sign-in', { username, password: `wrong guess ${i}` });
        expect(wrong.statusCode).toBe(401);
      }
      // Even the right password is refused while locked: guessing gains nothing.
      const locked = await visitor.post('/sign-in', {
        username,
        password: username === STAFF.username ? STAFF.password : 'anything at all',
      });
      expect(locked.statusCode).toBe(429);
      expect(locked.body).toContain('Too many attempts to sign in');
      expect(locked.body).toContain('Wait 15 minutes');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Another account is not locked by it (from another address: this one used its allowance).
    await new Visitor(web, '10.0.0.2').signIn(ADMIN);
  });

  it('limits attempts from one address, shared by every account tried', async () => {
    const visitor = new Visitor(web);
    await visitor.get('/sign-in');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await visitor.post('/sign-in', {
        username: `user${i}`,
        password: 'wrong guess',
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(statuses.slice(8)).toEqual([429, 429]);
    expect(visitor.lastPage).toContain('Too many attempts to sign in');
  });

  it('refuses a form without its CSRF token, or with another session’s', async () => {
    const visitor = new Visitor(web);
    await visitor.get('/sign-in');
    const without = await visitor.post('/sign-in', { ...STAFF, _csrf: '' });
    expect(without.statusCode).toBe(403);
    expect(without.body).toContain('Your form could not be sent');

    const other = new Visitor(web);
    await other.get('/sign-in');
    const stolen = fieldOf(other.lastPage, '_csrf') as string;
    const forged = await visitor.post('/sign-in', { ...STAFF, _csrf: stolen });
    expect(forged.statusCode).toBe(403);

    // Signed in, a staff form without the token changes nothing either.
    await visitor.signIn(STAFF);
    const checkIn = await web.app.inject({
      method: 'POST',
      url: '/appointments/apt-leeds-am-03/check-in',
      headers: {
        cookie: visitor.cookieHeader,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'commandId=cmd-forged-1',
    });
    expect(checkIn.statusCode).toBe(403);
    expect(web.published).toEqual([]);
  });

  it('starts a new session at sign-in, so a session id planted before it is worthless', async () => {
    const visitor = new Visitor(web);
    await visitor.get('/sign-in');
    const before = visitor.cookieHeader;
    await visitor.post('/sign-in', STAFF);
    expect(visitor.cookieHeader).not.toBe(before);
    const planted = await web.app.inject({ url: '/clinics', headers: { cookie: before } });
    expect(planted.statusCode).toBe(303);
  });

  it('ends a session after the idle time, and use keeps it alive', async () => {
    const visitor = new Visitor(web);
    await visitor.signIn(STAFF);
    web.advance(20 * 60_000);
    expect((await visitor.get('/clinics')).statusCode).toBe(200);
    web.advance(20 * 60_000);
    // 40 minutes since sign-in, but 20 since last use: still signed in.
    expect((await visitor.get('/clinics')).statusCode).toBe(200);
    web.advance(31 * 60_000);
    const expired = await visitor.get('/clinics');
    expect(expired.statusCode).toBe(303);
    expect(expired.headers.location).toBe('/sign-in?returnTo=%2Fclinics&signedOut=expired');
    const signIn = await visitor.get(expired.headers.location as string);
    expect(signIn.body).toContain('You were signed out');
  });

  it('signs out: the old cookie no longer opens anything', async () => {
    const visitor = new Visitor(web);
    await visitor.signIn(STAFF);
    await visitor.get('/clinics');
    const cookie = visitor.cookieHeader;
    // The header's sign-out form carries its token in its action (the design system's header
    // has no hidden field); without it, nothing happens.
    const action = visitor.signOutAction;
    expect(action).toMatch(/^\/sign-out\?_csrf=.+/);
    const forged = await web.app.inject({ method: 'POST', url: '/sign-out', headers: { cookie } });
    expect(forged.statusCode).toBe(403);
    const out = await web.app.inject({ method: 'POST', url: action, headers: { cookie } });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/sign-in?signedOut=1');
    const again = await web.app.inject({ url: '/clinics', headers: { cookie } });
    expect(again.statusCode).toBe(303);
  });

  it('ends every session of an account the moment it is disabled', async () => {
    const phone = new Visitor(web);
    const desk = new Visitor(web);
    await phone.signIn(STAFF);
    await desk.signIn(STAFF);
    expect(await web.context.sessions.countAlive()).toBeGreaterThanOrEqual(2);
    await web.context.accounts.setEnabled(STAFF.username, false);
    // Even before its sessions are deleted, a disabled account opens nothing.
    expect((await phone.get('/clinics')).statusCode).toBe(303);
    await web.context.sessions.destroyAllOf(STAFF.username);
    expect((await desk.get('/clinics')).statusCode).toBe(303);
    const retry = new Visitor(web);
    await retry.get('/sign-in');
    expect((await retry.post('/sign-in', STAFF)).statusCode).toBe(401);
  });

  it('keeps the cookie HttpOnly, SameSite=Lax and scoped to the idle time', async () => {
    const visitor = new Visitor(web);
    const response = await visitor.get('/sign-in');
    const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const lifetime = (cookie?.expires as Date).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(29 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(30 * 60_000);
  });
});
