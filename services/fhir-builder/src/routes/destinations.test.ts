import { connectStore, type Store } from '@mbs/store';
import {
  expectedStaffAccess,
  staffAccess,
  testStaffKeys,
  uniqueDbName,
  useMongoDb,
  withBearer,
  type RouteRequest,
  type TestStaffKeys,
} from '@mbs/testing';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { quietLogger } from '../../test/support';
import { createDestinationStore } from '../destinations/destination-store';
import { buildHttpApi } from './http-api';

const leeds = {
  settingId: 'setting-leeds',
  name: 'Leeds RIS',
  gatewayId: 'gateway-leeds',
  target: 'ris-fhir',
};

describe('destinations HTTP API (MongoDB)', () => {
  const mongo = useMongoDb({ dbPrefix: 'fhir-builder' });
  let store: Store;
  let app: FastifyInstance;
  let staff: TestStaffKeys;
  let admin: string;

  beforeAll(async () => {
    staff = await testStaffKeys();
    admin = await staff.token('fhir-builder', 'admin');
  });

  beforeEach(async () => {
    // A database per test: each starts with no destinations.
    store = await connectStore({
      url: mongo.current.url,
      dbName: uniqueDbName('fhir-builder-api'),
      logger: quietLogger(),
    });
    app = await buildHttpApi({
      destinations: createDestinationStore(store.connection),
      logger: quietLogger(),
      staffKeys: staff.keys,
      health: {
        bus: () => ({ ok: true, publisher: true, consumers: { 'fhir-builder': true } }),
        store: () => store.health(),
      },
      // Looked at against the real broker in dead-letters.test.ts.
      deadLetters: { defaultLimit: 50, maxLimit: 200, peek: async () => ({}) },
    });
  });
  afterEach(async () => {
    await app.close();
    await store.connection.dropDatabase().catch(() => undefined);
    await store.close();
  });

  /** A request as an admin (web's token for fhir-builder): what changes destinations. */
  const inject = (request: string | InjectOptions) => withBearer(app, admin).inject(request);
  const post = (url: string, payload?: unknown) =>
    inject({ method: 'POST', url, payload: payload as object });

  describe('who may use it', () => {
    it.each<RouteRequest & { role: 'clinic_staff' | 'admin'; allowed: number }>([
      { method: 'GET', url: '/destinations', role: 'clinic_staff', allowed: 200 },
      { method: 'GET', url: '/destinations/dest-leeds', role: 'clinic_staff', allowed: 200 },
      { method: 'GET', url: '/message-types', role: 'clinic_staff', allowed: 200 },
      {
        method: 'POST',
        url: '/destinations',
        payload: { ...leeds, enabled: false },
        role: 'admin',
        allowed: 201,
      },
      {
        method: 'PATCH',
        url: '/destinations/dest-leeds',
        payload: { name: 'x' },
        role: 'admin',
        allowed: 200,
      },
      { method: 'POST', url: '/destinations/dest-leeds/disable', role: 'admin', allowed: 200 },
      { method: 'POST', url: '/destinations/dest-leeds/enable', role: 'admin', allowed: 200 },
      { method: 'GET', url: '/health/details', role: 'admin', allowed: 200 },
    ])('$method $url: $role', async ({ role, allowed, ...request }) => {
      await post('/destinations', { ...leeds, destinationId: 'dest-leeds' });
      expect(await staffAccess(app, request, 'fhir-builder', staff)).toEqual(
        expectedStaffAccess(role, allowed),
      );
    });
  });

  it('creates a destination with FHIR R4 as the default type, then reads and lists it', async () => {
    const created = await post('/destinations', { ...leeds, destinationId: 'dest-leeds' });
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe('/destinations/dest-leeds');
    expect(created.json()).toEqual({
      ...leeds,
      destinationId: 'dest-leeds',
      messageType: 'fhir-r4',
      enabled: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await inject('/destinations/dest-leeds')).json()).toEqual(created.json());
    expect((await inject('/destinations')).json()).toEqual({ destinations: [created.json()] });
  });

  it('makes an id when none is given', async () => {
    const created = await post('/destinations', leeds);
    expect(created.statusCode).toBe(201);
    expect(created.json().destinationId).toMatch(/^dest-[0-9a-f-]{36}$/);
  });

  it('filters the list by setting and by enabled', async () => {
    await post('/destinations', { ...leeds, destinationId: 'dest-leeds' });
    await post('/destinations', { ...leeds, destinationId: 'dest-leeds-old', enabled: false });
    await post('/destinations', {
      ...leeds,
      destinationId: 'dest-york',
      settingId: 'setting-york',
      messageType: 'worklist-json',
    });
    const ids = async (query: string) =>
      (
        (await inject(`/destinations${query}`)).json().destinations as Array<{
          destinationId: string;
        }>
      ).map((d) => d.destinationId);
    expect(await ids('')).toEqual(['dest-leeds', 'dest-leeds-old', 'dest-york']);
    expect(await ids('?settingId=setting-leeds')).toEqual(['dest-leeds', 'dest-leeds-old']);
    expect(await ids('?settingId=setting-leeds&enabled=true')).toEqual(['dest-leeds']);
    expect(await ids('?enabled=false')).toEqual(['dest-leeds-old']);
    const bad = await inject('/destinations?enabled=maybe&colour=red');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([
      { field: 'enabled', problem: 'must be true or false' },
      { field: 'colour', problem: 'is not a known field' },
    ]);
  });

  it('answers 400 naming every wrong field and why', async () => {
    const response = await post('/destinations', {
      settingId: 'has spaces',
      name: '',
      messageType: 'hl7v2',
      target: 'ris fhir',
      enabled: 'yes',
      colour: 'blue',
    });
    expect(response.statusCode).toBe(400);
    const fields = (response.json().errors as Array<{ field: string; problem: string }>).reduce<
      Record<string, string>
    >((all, { field, problem }) => ({ ...all, [field]: problem }), {});
    expect(fields).toEqual({
      settingId: 'may contain only letters, digits and . _ : -',
      name: 'must not be empty',
      messageType: 'must be one of the registered message types: fhir-r4, worklist-json',
      gatewayId: expect.stringContaining('expected string'),
      target: 'may contain only letters, digits and . _ -',
      enabled: expect.stringContaining('expected boolean'),
      colour: 'is not a known field',
    });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await inject({
      method: 'POST',
      url: '/destinations',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ field: '(body)', problem: expect.any(String) }]);
  });

  it('answers 400 naming the field for an id no destination can have, on every route that takes one', async () => {
    for (const [method, url, payload] of [
      ['GET', '/destinations/has%20space'],
      ['PATCH', '/destinations/has%20space', { name: 'x' }],
      ['POST', '/destinations/has%20space/disable'],
      ['POST', '/destinations/has%20space/enable'],
      ['GET', '/destinations/d%C3%A9st'],
      ['GET', '/destinations/'],
      ['PATCH', '/destinations/', { name: 'x' }],
      ['POST', '/destinations//disable'],
      ['POST', '/destinations//enable'],
      ['GET', `/destinations/${'d'.repeat(129)}`],
    ] as const) {
      const response = await inject({ method, url, payload });
      expect({ url, method, status: response.statusCode }).toEqual({ url, method, status: 400 });
      expect(response.json()).toEqual({
        errors: [{ field: 'destinationId', problem: expect.any(String) }],
      });
    }
    expect((await inject('/destinations/has%20space')).json().errors[0].problem).toBe(
      'may contain only letters, digits and . _ : -',
    );
  });

  it('takes ids as long as the contracts allow (128 characters)', async () => {
    const destinationId = `dest-${'x'.repeat(123)}`;
    expect(destinationId).toHaveLength(128);
    expect((await post('/destinations', { ...leeds, destinationId })).statusCode).toBe(201);
    expect((await inject(`/destinations/${destinationId}`)).statusCode).toBe(200);
    expect((await post(`/destinations/${destinationId}/disable`)).statusCode).toBe(200);
  });

  it('refuses unknown query parameters on every route, naming each, and changes nothing', async () => {
    await post('/destinations', { ...leeds, destinationId: 'dest-leeds' });
    for (const [method, url, payload] of [
      ['GET', '/message-types?colour=blue'],
      ['GET', '/destinations/dest-leeds?colour=blue'],
      ['POST', '/destinations?colour=blue', { ...leeds, destinationId: 'dest-2', enabled: false }],
      ['PATCH', '/destinations/dest-leeds?colour=blue', { name: 'x' }],
      ['POST', '/destinations/dest-leeds/disable?colour=blue'],
    ] as const) {
      const response = await inject({ method, url, payload });
      expect({ url, method, status: response.statusCode }).toEqual({ url, method, status: 400 });
      expect(response.json()).toEqual({
        errors: [{ field: 'colour', problem: 'is not a known field' }],
      });
    }
    expect((await inject('/destinations')).json().destinations).toEqual([
      expect.objectContaining({ destinationId: 'dest-leeds', name: leeds.name, enabled: true }),
    ]);
  });

  it('answers a body with thousands of unknown fields with one bounded answer', async () => {
    const unknown = Object.fromEntries(
      Array.from({ length: 20_000 }, (_, i) => [`field-${i}`, 'value']),
    );
    const response = await post('/destinations', { ...leeds, ...unknown });
    expect(response.statusCode).toBe(400);
    expect(response.body.length).toBeLessThan(4_000);
    expect(response.json().errors).toHaveLength(20);
    expect(response.json().moreErrors).toBe(19_980);
  });

  it('answers 404 for an unknown id, on every route that takes one', async () => {
    for (const [method, url, payload] of [
      ['GET', '/destinations/nope'],
      ['PATCH', '/destinations/nope', { name: 'x' }],
      ['POST', '/destinations/nope/disable'],
      ['POST', '/destinations/nope/enable'],
    ] as const) {
      const response = await inject({ method, url, payload });
      expect({ url, method, status: response.statusCode }).toEqual({ url, method, status: 404 });
      expect(response.json()).toEqual({
        error: 'destination_not_found',
        message: 'No destination nope',
      });
    }
  });

  it('refuses a second enabled destination for a setting with 409, and allows it once the first is disabled', async () => {
    await post('/destinations', { ...leeds, destinationId: 'dest-leeds' });
    const second = await post('/destinations', { ...leeds, destinationId: 'dest-leeds-2' });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toEqual({
      error: 'destination_conflict',
      message:
        'Setting setting-leeds already has an enabled destination (dest-leeds): disable it first, or change it instead',
    });
    // A disabled one may wait beside it, but not be enabled while the first is.
    expect(
      (await post('/destinations', { ...leeds, destinationId: 'dest-leeds-2', enabled: false }))
        .statusCode,
    ).toBe(201);
    expect((await post('/destinations/dest-leeds-2/enable')).statusCode).toBe(409);

    const disabled = await post('/destinations/dest-leeds/disable');
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json().enabled).toBe(false);
    const enabled = await post('/destinations/dest-leeds-2/enable');
    expect(enabled.statusCode).toBe(200);
    expect(enabled.json().enabled).toBe(true);
  });

  it('refuses moving an enabled destination to a setting that has one', async () => {
    await post('/destinations', { ...leeds, destinationId: 'dest-leeds' });
    await post('/destinations', {
      ...leeds,
      destinationId: 'dest-york',
      settingId: 'setting-york',
    });
    const moved = await inject({
      method: 'PATCH',
      url: '/destinations/dest-york',
      payload: { settingId: 'setting-leeds' },
    });
    expect(moved.statusCode).toBe(409);
  });

  describe('one enabled destination per setting, under concurrent requests', () => {
    const enabledOfLeeds = async () =>
      (
        (await inject('/destinations?settingId=setting-leeds&enabled=true')).json()
          .destinations as Array<{ destinationId: string }>
      ).map((d) => d.destinationId);

    it('of concurrent creates of enabled destinations, exactly one succeeds; the others get 409', async () => {
      const answers = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => post('/destinations', { ...leeds, destinationId: `dest-${n}` })),
      );
      const codes = answers.map((a) => a.statusCode).sort();
      expect(codes).toEqual([201, 409, 409, 409, 409]);
      const winner = answers.find((a) => a.statusCode === 201)!.json().destinationId;
      for (const refused of answers.filter((a) => a.statusCode === 409)) {
        expect(refused.json()).toEqual({
          error: 'destination_conflict',
          message: expect.stringMatching(
            /^Setting setting-leeds already has an enabled destination/,
          ),
        });
      }
      expect(await enabledOfLeeds()).toEqual([winner]);
      // The refused ones were not stored at all.
      expect((await inject('/destinations')).json().destinations).toHaveLength(1);
    });

    it('of concurrent enables of disabled destinations, exactly one succeeds', async () => {
      for (const n of [1, 2, 3, 4])
        await post('/destinations', { ...leeds, destinationId: `dest-${n}`, enabled: false });
      const answers = await Promise.all(
        [1, 2, 3, 4].map((n) => post(`/destinations/dest-${n}/enable`)),
      );
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409, 409]);
      const winner = answers.find((a) => a.statusCode === 200)!.json().destinationId;
      expect(await enabledOfLeeds()).toEqual([winner]);
    });

    it('of a concurrent create and enable, exactly one succeeds', async () => {
      await post('/destinations', { ...leeds, destinationId: 'dest-old', enabled: false });
      const answers = await Promise.all([
        post('/destinations/dest-old/enable'),
        post('/destinations', { ...leeds, destinationId: 'dest-new' }),
        inject({
          method: 'PATCH',
          url: '/destinations/dest-old',
          payload: { enabled: true },
        }),
      ]);
      expect(answers.filter((a) => a.statusCode < 300)).not.toHaveLength(0);
      expect((await enabledOfLeeds()).length).toBe(1);
    });

    it('gives the setting back when the enabled destination is disabled, moved away or changed to disabled', async () => {
      await post('/destinations', { ...leeds, destinationId: 'dest-a' });
      await post('/destinations', { ...leeds, destinationId: 'dest-b', enabled: false });
      await post('/destinations', { ...leeds, destinationId: 'dest-c', enabled: false });
      // Moved to another setting while enabled: Leeds is free, York is now held.
      const moved = await inject({
        method: 'PATCH',
        url: '/destinations/dest-a',
        payload: { settingId: 'setting-york' },
      });
      expect(moved.statusCode).toBe(200);
      expect((await post('/destinations/dest-b/enable')).statusCode).toBe(200);
      expect(
        (
          await post('/destinations', {
            ...leeds,
            destinationId: 'dest-y',
            settingId: 'setting-york',
          })
        ).statusCode,
      ).toBe(409);
      // Changed to disabled through PATCH: free again.
      const off = await inject({
        method: 'PATCH',
        url: '/destinations/dest-b',
        payload: { enabled: false },
      });
      expect(off.statusCode).toBe(200);
      expect((await post('/destinations/dest-c/enable')).statusCode).toBe(200);
      expect(await enabledOfLeeds()).toEqual(['dest-c']);
    });

    it('does not hold the setting for a destination refused because its id exists', async () => {
      await post('/destinations', { ...leeds, destinationId: 'dest-x', settingId: 'setting-york' });
      const again = await post('/destinations', { ...leeds, destinationId: 'dest-x' });
      expect(again.json().error).toBe('destination_exists');
      expect((await post('/destinations', { ...leeds, destinationId: 'dest-l' })).statusCode).toBe(
        201,
      );
    });
  });

  it('refuses a second destination with the same id with 409', async () => {
    await post('/destinations', { ...leeds, destinationId: 'dest-leeds' });
    const again = await post('/destinations', {
      ...leeds,
      destinationId: 'dest-leeds',
      settingId: 'setting-york',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('destination_exists');
  });

  it('changes the fields given, keeps the others, and moves updatedAt', async () => {
    const created = (await post('/destinations', { ...leeds, destinationId: 'dest-leeds' })).json();
    const changed = await inject({
      method: 'PATCH',
      url: '/destinations/dest-leeds',
      payload: { messageType: 'worklist-json', target: 'worklist-drop' },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({
      ...created,
      messageType: 'worklist-json',
      target: 'worklist-drop',
      updatedAt: expect.any(String),
    });
    expect(Date.parse(changed.json().updatedAt)).toBeGreaterThanOrEqual(
      Date.parse(created.updatedAt),
    );
    expect((await inject('/destinations/dest-leeds')).json()).toEqual(changed.json());
  });

  it('refuses an empty change, a change of the id and an invalid value', async () => {
    await post('/destinations', { ...leeds, destinationId: 'dest-leeds' });
    const patch = (payload: unknown) =>
      inject({ method: 'PATCH', url: '/destinations/dest-leeds', payload: payload as object });
    expect((await patch({})).json().errors).toEqual([
      { field: '(body)', problem: 'must change at least one field' },
    ]);
    expect((await patch({ destinationId: 'other' })).json().errors).toEqual([
      { field: 'destinationId', problem: 'is not a known field' },
    ]);
    expect((await patch({ gatewayId: '' })).statusCode).toBe(400);
  });

  it('lists the registered message types', async () => {
    expect((await inject('/message-types')).json()).toEqual({
      messageTypes: [
        {
          type: 'fhir-r4',
          description: expect.any(String),
          contentType: 'application/fhir+json',
          default: true,
        },
        {
          type: 'worklist-json',
          description: expect.any(String),
          contentType: 'application/json',
          default: false,
        },
      ],
    });
  });

  it('reports health to anyone, status only, from the bus and a real database round trip', async () => {
    const response = await app.inject('/health');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, bus: { ok: true }, store: { ok: true } });
    const details = await inject('/health/details');
    expect(details.json()).toMatchObject({
      ok: true,
      store: { ok: true, latencyMs: expect.any(Number) },
      bus: { consumers: { 'fhir-builder': true } },
    });
  });
});
