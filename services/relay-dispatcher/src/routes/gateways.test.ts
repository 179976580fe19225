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
import { generateGatewayKeySet } from '@mbs/trust';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { quietLogger } from '../../test/support';
import { demoGateways } from '../demo/demo-gateways';
import { createGatewayStore } from '../gateways/gateway-store';
import { createMessageStore } from '../messages/message-store';
import { buildHttpApi } from './http-api';

describe('gateways and messages HTTP API (MongoDB)', () => {
  const mongo = useMongoDb({ dbPrefix: 'relay-dispatcher' });
  let store: Store;
  let app: FastifyInstance;
  let syncs: number;
  let staff: TestStaffKeys;
  let admin: string;

  beforeAll(async () => {
    staff = await testStaffKeys();
    admin = await staff.token('relay-dispatcher', 'admin');
  });

  beforeEach(async () => {
    const logger = quietLogger();
    store = await connectStore({ url: mongo.current.url, dbName: uniqueDbName('rd-api'), logger });
    syncs = 0;
    app = await buildHttpApi({
      messages: createMessageStore(store.connection),
      wake: () => undefined,
      gateways: {
        gateways: createGatewayStore(store.connection),
        sessionStatus: () => undefined,
        changed: async () => void syncs++,
        // Azure's namespaces, and the emulator the demo gateway uses.
        relayEndpoints: ['wss://*.servicebus.windows.net', 'ws://127.0.0.1:9090'],
      },
      health: {
        bus: () => ({ ok: true }) as never,
        store: () => store.health(),
        sessions: () => [],
      },
      logger,
      staffKeys: staff.keys,
      // Looked at against the real broker in dead-letters.test.ts.
      deadLetters: { defaultLimit: 50, maxLimit: 200, peek: async () => ({}) },
    });
  });

  afterEach(async () => {
    await app.close();
    await store.connection.dropDatabase().catch(() => undefined);
    await store.close();
  });

  /** A request as an admin (web's token for relay-dispatcher): what changes gateways. */
  const inject = (request: string | InjectOptions) => withBearer(app, admin).inject(request);
  const register = (body: unknown) =>
    inject({ method: 'POST', url: '/gateways', payload: body as object });

  describe('who may use it', () => {
    it.each<RouteRequest & { role: 'clinic_staff' | 'admin'; allowed: number }>([
      { method: 'GET', url: '/gateways', role: 'clinic_staff', allowed: 200 },
      { method: 'GET', url: '/gateways/gateway-local', role: 'clinic_staff', allowed: 200 },
      { method: 'GET', url: '/messages', role: 'clinic_staff', allowed: 200 },
      { method: 'GET', url: '/messages/msg-unknown', role: 'clinic_staff', allowed: 404 },
      {
        method: 'POST',
        url: '/gateways',
        payload: { ...demoGateways[0]!, gatewayId: 'gateway-other', enabled: false },
        role: 'admin',
        allowed: 201,
      },
      {
        method: 'PATCH',
        url: '/gateways/gateway-local',
        payload: { name: 'x' },
        role: 'admin',
        allowed: 200,
      },
      { method: 'POST', url: '/gateways/gateway-local/disable', role: 'admin', allowed: 200 },
      { method: 'POST', url: '/gateways/gateway-local/enable', role: 'admin', allowed: 200 },
      { method: 'POST', url: '/messages/msg-unknown/resend', role: 'admin', allowed: 404 },
      { method: 'GET', url: '/health/details', role: 'admin', allowed: 200 },
    ])('$method $url: $role', async ({ role, allowed, ...request }) => {
      await register(demoGateways[0]);
      expect(await staffAccess(app, request, 'relay-dispatcher', staff)).toEqual(
        expectedStaffAccess(role, allowed),
      );
    });

    it('answers /health to anyone with status only: sessions are in the details, for admins', async () => {
      const open = await app.inject('/health');
      expect([open.statusCode, open.json()]).toEqual([
        200,
        { ok: true, bus: { ok: true }, store: { ok: true } },
      ]);
      expect((await inject('/health/details')).json()).toEqual(
        expect.objectContaining({
          ok: true,
          sessions: [],
          store: expect.objectContaining({ ok: true }),
        }),
      );
    });
  });

  it('registers a gateway, lists it with its health and reopens sessions', async () => {
    const created = await register(demoGateways[0]);
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe('/gateways/gateway-local');
    const list = await inject({ url: '/gateways' });
    expect(list.json().gateways).toEqual([
      expect.objectContaining({
        gatewayId: 'gateway-local',
        sendKeySecret: 'RELAY_SEND_KEY_GATEWAY_LOCAL',
        health: expect.objectContaining({ state: 'unknown', consecutiveFailures: 0 }),
      }),
    ]);
    expect(syncs).toBe(1);
  });

  it('refuses invalid input with a 400 naming each field', async () => {
    const response = await register({
      ...demoGateways[0],
      relayEndpoint: 'https://relay.example',
      sendKeySecret: 'dev-send-key-not-secret',
      colour: 'blue',
    });
    expect(response.statusCode).toBe(400);
    const fields = response.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['relayEndpoint', 'sendKeySecret', 'colour']));
    expect(JSON.stringify(response.json())).toContain('never the key itself');
  });

  it('accepts only relay endpoints on the allow-list, with no credentials, path or query', async () => {
    const refused = {
      'ws://10.0.0.5:8080': 'is not on the allowed list (DISPATCHER_RELAY_ENDPOINTS)',
      'ws://mbs-relay.servicebus.windows.net':
        'is not on the allowed list (DISPATCHER_RELAY_ENDPOINTS)',
      'wss://servicebus.windows.net': 'is not on the allowed list (DISPATCHER_RELAY_ENDPOINTS)',
      'wss://mbs-relay.servicebus.windows.net.evil.example':
        'is not on the allowed list (DISPATCHER_RELAY_ENDPOINTS)',
      'wss://mbs-relay.servicebus.windows.net:8443':
        'is not on the allowed list (DISPATCHER_RELAY_ENDPOINTS)',
      'wss://user:pw@mbs-relay.servicebus.windows.net': 'must not contain credentials',
      'wss://mbs-relay.servicebus.windows.net/$hc/x': 'must not have a path',
      'wss://mbs-relay.servicebus.windows.net?sb-hc-action=listen':
        'must not have a query or fragment',
    };
    for (const [relayEndpoint, problem] of Object.entries(refused)) {
      const response = await register({
        ...demoGateways[0],
        gatewayId: 'gateway-x',
        relayEndpoint,
      });
      expect({
        relayEndpoint,
        status: response.statusCode,
        errors: response.json().errors,
      }).toEqual({
        relayEndpoint,
        status: 400,
        errors: [{ field: 'relayEndpoint', problem }],
      });
    }
    const azure = await register({
      ...demoGateways[0],
      gatewayId: 'gateway-leeds',
      relayEndpoint: 'wss://mbs-relay.servicebus.windows.net',
    });
    expect(azure.statusCode).toBe(201);
    expect((await register(demoGateways[0])).statusCode).toBe(201);
    const moved = await inject({
      method: 'PATCH',
      url: '/gateways/gateway-leeds',
      payload: { relayEndpoint: 'ws://169.254.169.254:80' },
    });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().errors).toEqual([
      {
        field: 'relayEndpoint',
        problem: 'is not on the allowed list (DISPATCHER_RELAY_ENDPOINTS)',
      },
    ]);
  });

  it("registers a gateway's public keys (POST or PATCH), shows them, and refuses a private key or an incomplete set", async () => {
    const gatewayKeys = await generateGatewayKeySet();
    const created = await register({ ...demoGateways[0], publicKeys: gatewayKeys.publicKeys });
    expect(created.statusCode).toBe(201);
    expect(created.json().publicKeys).toEqual(gatewayKeys.publicKeys);
    expect((await inject({ url: '/gateways/gateway-local' })).json().publicKeys).toEqual(
      gatewayKeys.publicKeys,
    );

    const rotated = await generateGatewayKeySet();
    const both = { keys: [...rotated.publicKeys.keys, ...gatewayKeys.publicKeys.keys] };
    const patched = await inject({
      method: 'PATCH',
      url: '/gateways/gateway-local',
      payload: { publicKeys: both },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().publicKeys).toEqual(both);
    expect(syncs).toBe(2);

    const refusals = {
      // The private set pasted in place of the public one: refused, never echoed.
      private: rotated.privateKeys,
      'no encryption key': { keys: [rotated.publicKeys.keys[0]] },
      'a kid twice': { keys: [...rotated.publicKeys.keys, rotated.publicKeys.keys[0]] },
    };
    for (const [what, publicKeys] of Object.entries(refusals)) {
      const response = await inject({
        method: 'PATCH',
        url: '/gateways/gateway-local',
        payload: { publicKeys },
      });
      expect({ what, status: response.statusCode }).toEqual({ what, status: 400 });
      expect(response.json().errors[0].field).toMatch(/^publicKeys/);
      expect(response.body).not.toContain(rotated.privateKeys.keys[0].d);
    }
    expect((await inject({ url: '/gateways/gateway-local' })).json().publicKeys).toEqual(both);
  });

  it('answers 404 for an unknown gateway and 409 for a second with the same id', async () => {
    expect((await inject({ url: '/gateways/nope' })).statusCode).toBe(404);
    expect(
      (await inject({ method: 'PATCH', url: '/gateways/nope', payload: { name: 'x' } })).statusCode,
    ).toBe(404);
    expect((await inject({ method: 'POST', url: '/gateways/nope/disable' })).statusCode).toBe(404);
    await register(demoGateways[0]);
    expect((await register(demoGateways[0])).statusCode).toBe(409);
  });

  it('refuses a sendKeySecret that names any variable but RELAY_SEND_KEY_*, naming the field', async () => {
    for (const sendKeySecret of [
      'AMQP_URL',
      'MONGODB_URL',
      'RELAY_SEND_KEY_',
      'relay_send_key_x',
    ]) {
      const response = await register({ ...demoGateways[0], sendKeySecret });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors).toEqual([
        { field: 'sendKeySecret', problem: expect.stringContaining('RELAY_SEND_KEY_') },
      ]);
    }
    expect((await inject({ url: '/gateways' })).json().gateways).toEqual([]);

    await register(demoGateways[0]);
    const patched = await inject({
      method: 'PATCH',
      url: '/gateways/gateway-local',
      payload: { sendKeySecret: 'AMQP_URL' },
    });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().errors[0].field).toBe('sendKeySecret');
    const ok = await register({
      ...demoGateways[0],
      gatewayId: 'gateway-leeds',
      sendKeySecret: 'RELAY_SEND_KEY_GATEWAY_LEEDS_2',
    });
    expect(ok.statusCode).toBe(201);
  });

  it('registers one of several concurrent registrations of the same id; the others get 409', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => register({ ...demoGateways[0], name: `Racer ${i}` })),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const winner = responses.find((r) => r.statusCode === 201)!.json();
    for (const loser of responses.filter((r) => r.statusCode === 409)) {
      expect(loser.json()).toMatchObject({ message: expect.stringContaining('already exists') });
    }
    const stored = (await inject({ url: '/gateways' })).json().gateways;
    expect(stored).toEqual([expect.objectContaining({ name: winner.name })]);
  });

  it('never lets concurrent changes overwrite each other: each one answered 200 is kept, the others get 409', async () => {
    await register(demoGateways[0]);
    const changes = [
      { name: 'Leeds Teaching Hospitals' },
      { relayEndpoint: 'wss://contoso.servicebus.windows.net' },
      { hybridConnection: 'gateway-leeds' },
      { sendKeyName: 'dispatcher' },
      { sendKeySecret: 'RELAY_SEND_KEY_GATEWAY_LEEDS' },
      { enabled: false },
    ];
    const responses = await Promise.all([
      ...changes.map((payload) =>
        inject({ method: 'PATCH', url: '/gateways/gateway-local', payload }),
      ),
      // An action among the changes. It agrees with `{ enabled: false }`: two requests that both
      // succeed one after the other (not a lost update) must not make the check below depend on
      // which came last, as enable did.
      inject({ method: 'POST', url: '/gateways/gateway-local/disable' }),
    ]);
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
    expect(statuses).toContain(200);
    const final = (await inject({ url: '/gateways/gateway-local' })).json();
    changes.forEach((change, i) => {
      if (statuses[i] === 200) expect(final).toMatchObject(change);
      else expect(responses[i]!.json().message).toContain('changed by another request');
    });

    // The loser retries on what it reads now and succeeds.
    const retried = await inject({
      method: 'PATCH',
      url: '/gateways/gateway-local',
      payload: { name: 'Retried' },
    });
    expect(retried.statusCode).toBe(200);
    const { updatedAt: _updatedAt, ...unchanged } = final;
    expect(retried.json()).toMatchObject({ ...unchanged, name: 'Retried' });
  });

  it('changes, disables and enables a gateway, validating the change', async () => {
    await register(demoGateways[0]);
    const bad = await inject({
      method: 'PATCH',
      url: '/gateways/gateway-local',
      payload: { relayEndpoint: 'ftp://x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('relayEndpoint');
    const changed = await inject({
      method: 'PATCH',
      url: '/gateways/gateway-local',
      payload: { relayEndpoint: 'wss://contoso.servicebus.windows.net' },
    });
    expect(changed.json().relayEndpoint).toBe('wss://contoso.servicebus.windows.net');
    const disabled = await inject({ method: 'POST', url: '/gateways/gateway-local/disable' });
    expect(disabled.json()).toMatchObject({ enabled: false, health: { state: 'disabled' } });
    const enabled = await inject({ method: 'POST', url: '/gateways/gateway-local/enable' });
    expect(enabled.json().enabled).toBe(true);
  });

  it('names unknown or invalid message query parameters, and 404s an unknown message', async () => {
    const response = await inject({ url: '/messages?status=lost&colour=blue' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['status', 'colour']),
    );
    expect((await inject({ url: '/messages/msg-unknown' })).statusCode).toBe(404);
    expect((await inject({ method: 'POST', url: '/messages/msg-unknown/resend' })).statusCode).toBe(
      404,
    );
  });

  it('answers 400 naming the id, not 500, for an empty or impossible id on every route that takes one', async () => {
    for (const [method, url, field] of [
      ['GET', '/messages/', 'messageId'],
      ['POST', '/messages//resend', 'messageId'],
      ['GET', '/messages/has%20space', 'messageId'],
      ['GET', '/gateways/', 'gatewayId'],
      ['PATCH', '/gateways/', 'gatewayId'],
      ['POST', '/gateways//enable', 'gatewayId'],
      ['POST', '/gateways//disable', 'gatewayId'],
      ['GET', `/gateways/${'g'.repeat(129)}`, 'gatewayId'],
    ] as const) {
      const response = await inject({
        method,
        url,
        ...(method === 'PATCH' && { payload: { name: 'x' } }),
      });
      expect({ method, url, status: response.statusCode }).toEqual({ method, url, status: 400 });
      expect(response.json()).toEqual({ errors: [{ field, problem: expect.any(String) }] });
    }
  });

  it('takes ids as long as the contracts allow (128 characters)', async () => {
    const gatewayId = `gateway-${'l'.repeat(120)}`;
    expect(gatewayId).toHaveLength(128);
    expect((await register({ ...demoGateways[0], gatewayId })).statusCode).toBe(201);
    expect((await inject({ url: `/gateways/${gatewayId}` })).json().gatewayId).toBe(gatewayId);
    const disabled = await inject({ method: 'POST', url: `/gateways/${gatewayId}/disable` });
    expect(disabled.statusCode).toBe(200);
    const message = await inject({ url: `/messages/${'m'.repeat(128)}` });
    expect(message.statusCode).toBe(404);
    expect(message.json().error).toBe('message_not_found');
  });

  it('refuses unknown query parameters on every route, and a limit that is not plain digits', async () => {
    await register(demoGateways[0]);
    for (const [method, url] of [
      ['GET', '/gateways?colour=blue'],
      ['GET', '/gateways/gateway-local?colour=blue'],
      ['POST', '/gateways?colour=blue'],
      ['PATCH', '/gateways/gateway-local?colour=blue'],
      ['POST', '/gateways/gateway-local/disable?colour=blue'],
      ['GET', '/messages/msg-1?colour=blue'],
      ['POST', '/messages/msg-1/resend?colour=blue'],
    ] as const) {
      const response = await inject({
        method,
        url,
        ...(method !== 'GET' && { payload: { name: 'x' } }),
      });
      expect({ method, url, status: response.statusCode }).toEqual({ method, url, status: 400 });
      expect(response.json()).toEqual({
        errors: [{ field: 'colour', problem: 'is not a known field' }],
      });
    }
    // Nothing was changed by the refused requests.
    expect((await inject({ url: '/gateways/gateway-local' })).json()).toMatchObject({
      name: demoGateways[0]!.name,
      enabled: true,
    });

    for (const limit of ['1e2', '0x10', '1.5', '+5', ' 5', '', '0', '501']) {
      const response = await inject({ url: `/messages?limit=${encodeURIComponent(limit)}` });
      expect({ limit, status: response.statusCode }).toEqual({ limit, status: 400 });
      expect(response.json().errors).toEqual([{ field: 'limit', problem: expect.any(String) }]);
    }
    expect((await inject({ url: '/messages?limit=100' })).statusCode).toBe(200);
  });

  it('answers a body with thousands of unknown fields with one bounded answer', async () => {
    const unknown = Object.fromEntries(
      Array.from({ length: 20_000 }, (_, i) => [`field-${i}`, 'value']),
    );
    const response = await register({ ...demoGateways[0], ...unknown });
    expect(response.statusCode).toBe(400);
    expect(response.body.length).toBeLessThan(4_000);
    expect(response.json().errors).toHaveLength(20);
    expect(response.json().moreErrors).toBe(19_980);
    expect((await inject({ url: '/gateways' })).json().gateways).toEqual([]);
  });
});
