import { Bus } from '@mbs/bus';
import { connectStore, type Store } from '@mbs/store';
import type { Logger } from '@mbs/telemetry';
import { eventually, sleep, testLogger, uniqueDbName } from '@mbs/testing';
import type { NewGateway } from '../src/gateways/gateway';
import { createGatewayStore } from '../src/gateways/gateway-store';

export { eventually, sleep };

export const quietLogger = () => testLogger('relay-dispatcher-test');

/** The dispatcher's store and bus, and an observer bus in the same namespace, as suites use them. */
export async function connectTestParts({
  brokerUrl,
  mongoUrl,
  namespace,
  logger,
}: {
  readonly brokerUrl: string;
  readonly mongoUrl: string;
  readonly namespace: string;
  readonly logger: Logger;
}): Promise<{ store: Store; service: Bus; observer: Bus }> {
  const store = await connectStore({
    url: mongoUrl,
    dbName: uniqueDbName('relay-dispatcher'),
    logger,
  });
  const connect = (service: string) => Bus.connect({ url: brokerUrl, service, namespace, logger });
  return { store, service: await connect('relay-dispatcher'), observer: await connect('observer') };
}

/** Registers the test gateway `gateway-local` at `relayEndpoint`, with its public keys if given. */
export function registerTestGateway(
  store: Store,
  relayEndpoint: string,
  publicKeys?: NewGateway['publicKeys'],
) {
  return createGatewayStore(store.connection).create({
    gatewayId: 'gateway-local',
    name: 'Test gateway',
    relayEndpoint,
    hybridConnection: 'gateway-local',
    sendKeyName: 'send',
    sendKeySecret: 'RELAY_SEND_KEY_GATEWAY_LOCAL',
    enabled: true,
    ...(publicKeys && { publicKeys }),
  });
}
