import {
  ADMIN,
  STAFF,
  Visitor,
  startWeb,
  stopMongo,
  type WebUnderTest,
  textOf,
} from '../../test/web-harness';

describe('accounts, for administrators (fastify.inject, MongoDB)', () => {
  let web: WebUnderTest;
  let admin: Visitor;
  beforeEach(async () => {
    web = await startWeb();
    admin = new Visitor(web);
    await admin.signIn(ADMIN);
  });
  afterEach(() => web.stop());
  afterAll(() => stopMongo());

  it('lists who can sign in, with their role and status', async () => {
    const page = await admin.get('/admin/accounts');
    const shown = textOf(page.body);
    expect(shown).toContain('Ada Radiographer');
    expect(shown).toContain('Clinic staff');
    expect(shown).toContain('Rose Admin (you)');
    expect(shown).toContain('Administrator');
    // No one can disable themselves from here.
    expect(page.body).not.toContain('/admin/accounts/root/disable');
    expect(page.body).toContain('/admin/accounts/ada/disable');
  });

  it('adds an account that can then sign in with its role', async () => {
    await admin.get('/admin/accounts/new');
    const added = await admin.post('/admin/accounts', {
      name: 'Grace Mammographer',
      username: 'Grace.H',
      role: 'clinic_staff',
      password: 'a long enough password',
    });
    expect(added.statusCode).toBe(303);
    expect(textOf((await admin.get('/admin/accounts')).body)).toContain(
      'Account added Grace Mammographer can now sign in as grace.h.',
    );
    const grace = new Visitor(web);
    await grace.signIn({ username: 'grace.h', password: 'a long enough password' });
    expect((await grace.get('/admin/accounts')).statusCode).toBe(403);
  });

  it('shows every invalid field in the error summary and by the field, keeping what was typed but the password', async () => {
    await admin.get('/admin/accounts/new');
    const page = await admin.post('/admin/accounts', {
      name: '',
      username: 'not ok!',
      role: 'superuser',
      password: 'short',
    });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('<title>Error: Add an account');
    for (const [field, words] of [
      ['name', 'Enter the person&#39;s full name'],
      ['username', 'Username must contain only letters, digits, dots, dashes or underscores'],
      ['role', 'Select a role'],
      ['password', 'Enter a password of at least 12 characters'],
    ] as const) {
      expect(page.body).toMatch(new RegExp(`href="#${field}"[^>]*>\\s*${words}`));
      expect(page.body).toMatch(new RegExp(`id="${field}-error"[\\s\\S]*?${words}`));
    }
    expect(page.body).toContain('value="not ok!"');
    expect(page.body).not.toContain('short');
  });

  it('refuses a username that is taken, naming the field', async () => {
    await admin.get('/admin/accounts/new');
    const page = await admin.post('/admin/accounts', {
      name: 'Another Ada',
      username: 'ada',
      role: 'clinic_staff',
      password: 'a long enough password',
    });
    expect(page.statusCode).toBe(400);
    expect(textOf(page.body)).toContain('Username is already taken: choose another');
  });

  it('disables an account, signing that person out everywhere at once, and enables it again', async () => {
    const ada = new Visitor(web);
    await ada.signIn(STAFF);
    expect((await ada.get('/clinics')).statusCode).toBe(200);
    await admin.get('/admin/accounts');
    const disabled = await admin.post('/admin/accounts/ada/disable');
    expect(disabled.statusCode).toBe(303);
    expect(textOf((await admin.get('/admin/accounts')).body)).toContain(
      'Ada Radiographer can no longer sign in, and has been signed out everywhere.',
    );
    const out = await ada.get('/clinics');
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toContain('signedOut=expired');

    await admin.get('/admin/accounts');
    expect((await admin.post('/admin/accounts/ada/enable')).statusCode).toBe(303);
    await new Visitor(web).signIn(STAFF);
  });

  it('will not let an administrator disable their own account, and knows no stranger', async () => {
    await admin.get('/admin/accounts');
    await admin.post('/admin/accounts/root/disable');
    expect(textOf((await admin.get('/admin/accounts')).body)).toContain(
      'You cannot disable your own account',
    );
    expect(await web.context.accounts.active('root')).toBeDefined();
    await admin.get('/admin/accounts');
    expect((await admin.post('/admin/accounts/nobody/disable')).statusCode).toBe(404);
  });

  it('resets a password: the old one stops working and the person is signed out everywhere', async () => {
    const ada = new Visitor(web);
    await ada.signIn(STAFF);
    await admin.get('/admin/accounts/ada/password');
    const short = await admin.post('/admin/accounts/ada/password', { password: 'too short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toMatch(
      /href="#password"[^>]*>\s*Enter a password of at least 12 characters/,
    );
    const reset = await admin.post('/admin/accounts/ada/password', {
      password: 'a brand new passphrase',
    });
    expect(reset.statusCode).toBe(303);
    expect(textOf((await admin.get('/admin/accounts')).body)).toContain('Password reset');
    expect((await ada.get('/clinics')).statusCode).toBe(303);
    const old = new Visitor(web);
    await old.get('/sign-in');
    expect((await old.post('/sign-in', STAFF)).statusCode).toBe(401);
    await new Visitor(web).signIn({ username: 'ada', password: 'a brand new passphrase' });
    expect((await admin.get('/admin/accounts/nobody/password')).statusCode).toBe(404);
  });
});
