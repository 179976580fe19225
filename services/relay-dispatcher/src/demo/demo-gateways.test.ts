import { connectStore, type Store } from '@mbs/store';
import { uniqueDbName, useMongoDb } from '@mbs/testing';
import { generateGatewayKeySet } from '@mbs/trust';
import { quietLogger } from '../../test/support';
import { createGatewayStore, type GatewayStore } from '../gateways/gateway-store';
import { seedDemoGateways } from './demo-gateways';

describe('the demo gateway (MongoDB)', () => {
  const mongo = useMongoDb({ dbPrefix: 'relay-dispatcher' });
  const logger = quietLogger();
  let store: Store;
  let gateways: GatewayStore;

  beforeEach(async () => {
    store = await connectStore({ url: mongo.current.url, dbName: uniqueDbName('rd-demo'), logger });
    gateways = createGatewayStore(store.connection);
  });
  afterEach(async () => {
    await store.connection.dropDatabase().catch(() => undefined);
    await store.close();
  });

  it("is seeded with the development gateway's public keys, and takes new ones when they change", async () => {
    const first = await generateGatewayKeySet();
    expect(await seedDemoGateways(gateways, logger, { publicKeys: first.publicKeys })).toBe(1);
    expect((await gateways.get('gateway-local'))?.publicKeys).toEqual(first.publicKeys);

    // Development keys made again (their folder removed): the seeded gateway follows them.
    const again = await generateGatewayKeySet();
    expect(await seedDemoGateways(gateways, logger, { publicKeys: again.publicKeys })).toBe(0);
    expect((await gateways.get('gateway-local'))?.publicKeys).toEqual(again.publicKeys);
    // Without keys given, what is registered stays.
    await seedDemoGateways(gateways, logger);
    expect((await gateways.get('gateway-local'))?.publicKeys).toEqual(again.publicKeys);
  });

  it('is seeded without keys when none are given (it then opens no session)', async () => {
    await seedDemoGateways(gateways, logger);
    expect((await gateways.get('gateway-local'))?.publicKeys).toBeUndefined();
  });
});
