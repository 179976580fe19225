import {
  ADMIN,
  STAFF,
  Visitor,
  startWeb,
  stopMongo,
  type WebUnderTest,
} from '../../test/web-harness';

describe('signing in (fastify.inject, MongoDB)', () => {
  let web: WebUnderTest;
  beforeEach(async () => {
    web = await startWeb({ perAddress: 8, perAccount: 3 });
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
});
