import type { Logger } from '@mbs/telemetry';
import type { NewGateway } from '../gateways/gateway';
import type { GatewayStore } from '../gateways/gateway-store';

/**
 * The development gateway: the emulator's `gateway-local` hybrid connection (see the emulator
 * README), with the Send key read from RELAY_SEND_KEY_GATEWAY_LOCAL. The demo destinations of
 * fhir-builder route through it.
 */
export const demoGateways: readonly NewGateway[] = [
  {
    gatewayId: 'gateway-local',
    name: 'Local development gateway',
    relayEndpoint: 'ws://127.0.0.1:9090',
    hybridConnection: 'gateway-local',
    sendKeyName: 'send',
    sendKeySecret: 'RELAY_SEND_KEY_GATEWAY_LOCAL',
    enabled: true,
  },
];

/** Seeds the demo gateways when there are none at all (never on top of real configuration). */
export async function seedDemoGateways(store: GatewayStore, logger: Logger): Promise<number> {
  if ((await store.count()) > 0) return 0;
  for (const gateway of demoGateways) await store.create(gateway);
  logger.info({ gateways: demoGateways.map((g) => g.gatewayId) }, 'seeded the demo gateways');
  return demoGateways.length;
}
