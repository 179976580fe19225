import type { Logger } from '@mbs/telemetry';
import type { GatewayPublicJwks } from '@mbs/trust';
import type { NewGateway } from '../gateways/gateway';
import type { GatewayStore } from '../gateways/gateway-store';

/**
 * The development gateway: the emulator's `gateway-local` hybrid connection (see the emulator
 * README), with the Send key read from RELAY_SEND_KEY_GATEWAY_LOCAL. The demo destinations of
 * fhir-builder route through it. Its public keys are those of the development gateway's key file,
 * given as DEMO_GATEWAY_PUBLIC_KEYS (npm start and the end-to-end system make them: ensureDevKeys).
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

export interface DemoGatewayOptions {
  /** The demo gateway's public keys (DEMO_GATEWAY_PUBLIC_KEYS); without them it opens no session. */
  readonly publicKeys?: GatewayPublicJwks | undefined;
}

/**
 * Seeds the demo gateways when there are none at all (never on top of real configuration), with
 * the demo gateway's public keys when given. A demo gateway seeded before keeps its other fields
 * but takes keys that differ (development keys made again), so it is never left with keys its
 * gateway no longer holds.
 */
export async function seedDemoGateways(
  store: GatewayStore,
  logger: Logger,
  { publicKeys }: DemoGatewayOptions = {},
): Promise<number> {
  if ((await store.count()) > 0) {
    const [demo] = demoGateways;
    const existing = demo && (await store.get(demo.gatewayId));
    if (
      existing &&
      publicKeys &&
      JSON.stringify(existing.publicKeys) !== JSON.stringify(publicKeys)
    ) {
      await store.change(demo.gatewayId, { publicKeys });
      logger.info({ gatewayId: demo.gatewayId }, "the demo gateway's public keys were updated");
    }
    return 0;
  }
  for (const gateway of demoGateways) {
    await store.create({ ...gateway, ...(publicKeys && { publicKeys }) });
  }
  logger.info(
    { gateways: demoGateways.map((g) => g.gatewayId), withKeys: publicKeys !== undefined },
    'seeded the demo gateways',
  );
  return demoGateways.length;
}
