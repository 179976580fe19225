import { createLogger } from '@mbs/telemetry';
import { expectedStaffAccess, staffAccess, testStaffKeys, type TestStaffKeys } from '@mbs/testing';
import type { FastifyInstance } from 'fastify';
import { createHttpApi, healthRoutes } from './index';

let staff: TestStaffKeys;
let app: FastifyInstance;
const seen: Array<string | undefined> = [];

beforeAll(async () => {
  staff = await testStaffKeys();
  app = await createHttpApi({
    logger: createLogger({ service: 'http-test', level: 'silent' }),
    staff: { audience: 'appointment', keys: staff.keys },
  });
  app.get('/things', { config: { access: 'clinic_staff', takesQuery: false } }, async (request) => {
    seen.push(request.staff?.subject);
    return { things: [] };
  });
  app.post('/things', { config: { access: 'admin' } }, async (_request, reply) =>
    reply.code(201).send({ made: true }),
  );
  healthRoutes(
    app,
    {
      store: async () => ({ ok: true, latencyMs: 3, error: 'connect ECONNREFUSED mongo.internal' }),
      bus: () => ({ ok: true, consumers: { appointment: true } }),
    },
    () => ({ sessions: [{ gatewayId: 'gateway-leeds' }] }),
  );
  await app.ready();
});
afterAll(() => app.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('staff access (createHttpApi with staff)', () => {
  it('lets clinic staff and admins read, and refuses every bad token with a 401 naming the reason', async () => {
    expect(await staffAccess(app, { method: 'GET', url: '/things' }, 'appointment', staff)).toEqual(
      expectedStaffAccess('clinic_staff', 200),
    );
  });

  it('lets only admins change: clinic staff get a 403', async () => {
    expect(
      await staffAccess(app, { method: 'POST', url: '/things', payload: {} }, 'appointment', staff),
    ).toEqual(expectedStaffAccess('admin', 201));
  });

  it('answers a refusal as a JSON error that names no token, with a Bearer challenge', async () => {
    const forged = await staff.token('appointment', 'admin', { signingKey: staff.forger });
    const response = await app.inject({ url: '/things', headers: bearer(forged) });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(response.json()).toEqual({
      error: 'token_invalid',
      message: 'The bearer token has a signature that does not verify',
    });
    const other = await app.inject({ url: '/things', headers: { authorization: 'Basic YTpi' } });
    expect([other.statusCode, other.headers['www-authenticate']]).toEqual([401, 'Bearer']);
  });

  it('gives the route the verified member of staff', async () => {
    await app.inject({
      url: '/things',
      headers: bearer(await staff.token('appointment', 'admin')),
    });
    expect(seen.at(-1)).toBe('test-admin');
  });

  it('checks the token before anything else about the request (a query, an unknown route)', async () => {
    const query = await app.inject({ url: '/things?colour=red' });
    expect([query.statusCode, query.json().error]).toEqual([401, 'token_missing']);
    const nowhere = await app.inject({ url: '/no-such-route' });
    expect([nowhere.statusCode, nowhere.json().error]).toEqual([401, 'token_missing']);
    const found = await app.inject({
      url: '/no-such-route',
      headers: bearer(await staff.token('appointment', 'clinic_staff')),
    });
    expect(found.statusCode).toBe(404);
  });

  it('refuses to register a route that does not say who may use it', async () => {
    const api = await createHttpApi({
      logger: createLogger({ service: 'http-test', level: 'silent' }),
      staff: { audience: 'appointment', keys: staff.keys },
    });
    expect(() => api.get('/forgotten', async () => ({}))).toThrow(
      "GET /forgotten declares no access (config.access: 'open', 'clinic_staff' or 'admin')",
    );
    await api.close();
  });

  it('leaves an API without staff access as it was (the gateway, the hospital stand-in)', async () => {
    const api = await createHttpApi({
      logger: createLogger({ service: 'http-test', level: 'silent' }),
    });
    api.get('/anything', async () => ({ ok: true }));
    expect((await api.inject('/anything')).statusCode).toBe(200);
    await api.close();
  });
});

describe('healthRoutes', () => {
  it('answers /health to anyone with nothing but status', async () => {
    const response = await app.inject('/health');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, store: { ok: true }, bus: { ok: true } });
  });

  it('gives the details to admins only', async () => {
    expect(
      await staffAccess(app, { method: 'GET', url: '/health/details' }, 'appointment', staff),
    ).toEqual(expectedStaffAccess('admin', 200));
    const details = await app.inject({
      url: '/health/details',
      headers: bearer(await staff.token('appointment', 'admin')),
    });
    expect(details.json()).toEqual({
      ok: true,
      store: { ok: true, latencyMs: 3, error: 'connect ECONNREFUSED mongo.internal' },
      bus: { ok: true, consumers: { appointment: true } },
      sessions: [{ gatewayId: 'gateway-leeds' }],
    });
  });

  it('answers 503 when a check is not ok', async () => {
    const api = await createHttpApi({
      logger: createLogger({ service: 'http-test', level: 'silent' }),
    });
    healthRoutes(api, { store: async () => ({ ok: false }), bus: () => ({ ok: true }) });
    const response = await api.inject('/health');
    expect([response.statusCode, response.json()]).toEqual([
      503,
      { ok: false, store: { ok: false }, bus: { ok: true } },
    ]);
    await api.close();
  });
});
