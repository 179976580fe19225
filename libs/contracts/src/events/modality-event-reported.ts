import { defineContract } from '../contract';
import { ModalityEvent } from '../gateway-protocol';
import { Id } from '../values/identifiers';

/**
 * A gateway reported what happened at the modality. The envelope `id` is the gateway's own
 * event id, so the gateway's resends (until acknowledged) take effect once.
 *
 * Its data is the gateway's modality event as it came over the relay (declared once there),
 * without the frame's own `type` and `eventId`, and with the gateway that reported it.
 */
export const ModalityEventReported = defineContract({
  kind: 'event',
  type: 'modality.event-reported',
  version: 1,
  description: 'The modality reported progress on an examination',
  data: ModalityEvent.omit({ type: true, eventId: true }).extend({ gatewayId: Id }),
});
