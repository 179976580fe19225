import { Id } from '@mbs/contracts';
import { z } from 'zod';
import type { QueryAs, QueryClient } from './query-client';

/** What web reads of fhir-builder's destinations (its README); tolerant as above. */
export const DestinationView = z.object({
  destinationId: Id,
  settingId: Id,
  name: z.string(),
  messageType: z.string(),
  gatewayId: Id,
  target: z.string(),
  enabled: z.boolean(),
});
export type DestinationView = z.infer<typeof DestinationView>;

const Destinations = z.object({ destinations: z.array(DestinationView) });

export type FhirBuilderQueries = ReturnType<typeof fhirBuilderQueries>;

export function fhirBuilderQueries(client: QueryClient) {
  return {
    /** Where a setting's orders go now: its enabled destination, or undefined when it has none. */
    async destinationOf(as: QueryAs, settingId: string): Promise<DestinationView | undefined> {
      const query = new URLSearchParams({ settingId, enabled: 'true' });
      const { destinations } = await client.get(
        `/destinations?${query.toString()}`,
        Destinations,
        as,
      );
      return destinations[0];
    },
  };
}
