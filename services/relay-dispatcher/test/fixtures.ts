import { createMessage, MessageReady, type MessageOf } from '@mbs/contracts';
import { uniqueName } from '@mbs/testing';

/** A valid message ready for the development gateway, with a unique message id. */
export function readyMessage(
  overrides: Partial<MessageOf<typeof MessageReady>['data']> = {},
): MessageOf<typeof MessageReady> {
  const messageId = overrides.messageId ?? uniqueName('msg');
  return createMessage(
    MessageReady,
    {
      messageId,
      appointmentId: 'appt-1',
      accessionNumber: 'ACC0001',
      destinationId: 'dest-leeds-ris',
      gatewayId: 'gateway-local',
      messageType: 'fhir-r4',
      target: 'ris-fhir',
      contentType: 'application/fhir+json',
      payload: '{"resourceType":"Bundle","type":"transaction","entry":[]}',
      ...overrides,
    },
    { id: messageId },
  );
}
