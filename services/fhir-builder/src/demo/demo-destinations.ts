import type { Logger } from '@mbs/telemetry';
import type { NewDestination } from '../destinations/destination';
import type { DestinationStore } from '../destinations/destination-store';

/**
 * Destinations a fresh development system starts with, so the whole flow runs without set-up:
 * Leeds gets FHIR R4, York NHS's worklist JSON, both through the development gateway
 * `gateway-local`. Harrogate deliberately has none: sending one of its appointments shows the
 * "no enabled destination" failure staff would see.
 */
export const demoDestinations: readonly NewDestination[] = [
  {
    destinationId: 'dest-leeds-ris',
    settingId: 'setting-leeds',
    name: 'Leeds RIS (FHIR R4)',
    messageType: 'fhir-r4',
    gatewayId: 'gateway-local',
    target: 'ris-fhir',
    enabled: true,
  },
  {
    destinationId: 'dest-york-worklist',
    settingId: 'setting-york',
    name: 'York modality worklist (NHS worklist JSON)',
    messageType: 'worklist-json',
    gatewayId: 'gateway-local',
    target: 'worklist-drop',
    enabled: true,
  },
];

/** Seeds the demo destinations when there are none at all (never on top of real configuration). */
export async function seedDemoDestinations(
  store: DestinationStore,
  logger: Logger,
): Promise<number> {
  if ((await store.count()) > 0) return 0;
  for (const destination of demoDestinations) await store.create(destination);
  logger.info(
    { destinations: demoDestinations.map((d) => `${d.settingId} -> ${d.destinationId}`) },
    'seeded the demo destinations (setting-harrogate deliberately has none)',
  );
  return demoDestinations.length;
}
