import { connectStore, type Store } from '@mbs/store';
import { uniqueDbName, useMongoDb } from '@mbs/testing';
import type { FastifyInstance } from 'fastify';
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
      },
      health: {
        bus: () => ({ ok: true }) as never,
        store: () => store.health(),
        sessions: () => [],
      },
      logger,
    });
  });

  afterEach(async () => {
    await app.close();
    await store.connection.dropDatabase().catch(() => undefined);
    await store.close();
  });

  const register = (body: unknown) =>
    app.inject({ method: 'POST', url: '/gateways', payload: body as object });

  it('registers a gateway, lists it with its health and reopens sessions', async () => {
    const created = await register(demoGateways[0]);
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe('/gateways/gateway-local');
    const list = await app.inject({ url: '/gateways' });
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

  it('answers 404 for an unknown gateway and 409 for a second with the same id', async () => {
    expect((await app.inject({ url: '/gateways/nope' })).statusCode).toBe(404);
    expect(
      (await app.inject({ method: 'PATCH', url: '/gateways/nope', payload: { name: 'x' } }))
        .statusCode,
    ).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/gateways/nope/disable' })).statusCode).toBe(
      404,
    );
    await register(demoGateways[0]);
    expect((await register(demoGateways[0])).statusCode).toBe(409);
  });

  it('changes, disables and enables a gateway, validating the change', async () => {
    await register(demoGateways[0]);
    const bad = await app.inject({
      method: 'PATCH',
      url: '/gateways/gateway-local',
      payload: { relayEndpoint: 'ftp://x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('relayEndpoint');
    const changed = await app.inject({
      method: 'PATCH',
      url: '/gateways/gateway-local',
      payload: { relayEndpoint: 'wss://contoso.servicebus.windows.net' },
    });
    expect(changed.json().relayEndpoint).toBe('wss://contoso.servicebus.windows.net');
    const disabled = await app.inject({ method: 'POST', url: '/gateways/gateway-local/disable' });
    expect(disabled.json()).toMatchObject({ enabled: false, health: { state: 'disabled' } });
    const enabled = await app.inject({ method: 'POST', url: '/gateways/gateway-local/enable' });
    expect(enabled.json().enabled).toBe(true);
  });

  it('names unknown or invalid message query parameters, and 404s an unknown message', async () => {
    const response = await app.inject({ url: '/messages?status=lost&colour=blue' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['status', 'colour']),
    );
    expect((await app.inject({ url: '/messages/msg-unknown' })).statusCode).toBe(404);
    expect(
      (await app.inject({ method: 'POST', url: '/messages/msg-unknown/resend' })).statusCode,
    ).toBe(404);
  });
});
