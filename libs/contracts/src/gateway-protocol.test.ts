import {
  createMessage,
  DeliverBody,
  DeliverFrameBody,
  MAX_PAYLOAD_BYTES,
  ModalityEvent,
  ModalityEventReported,
  OrderContent,
  Receipt,
  SignedUpstreamAck,
  SignedUpstreamEvent,
  UpstreamAck,
  UpstreamEvent,
} from './index';

const deliver = {
  messageId: 'msg-1',
  appointmentId: 'apt-1',
  accessionNumber: 'MBS-1',
  messageType: 'fhir-r4',
  target: 'ris-fhir',
  contentType: 'application/fhir+json',
  payload: '{"resourceType":"Bundle"}',
  attempt: 1,
};

describe('gateway protocol bodies', () => {
  it('accepts a deliver body and bounds its payload', () => {
    expect(DeliverBody.parse(deliver)).toEqual(deliver);
    const huge = DeliverBody.safeParse({ ...deliver, payload: 'x'.repeat(MAX_PAYLOAD_BYTES + 1) });
    expect(huge.success).toBe(false);
    expect(DeliverBody.safeParse({ ...deliver, attempt: 0 }).success).toBe(false);
  });

  it('knows only the documented receipt statuses', () => {
    expect(
      Receipt.safeParse({ messageId: 'm', status: 'already_have', outcome: 'confirmed' }).success,
    ).toBe(true);
    expect(Receipt.safeParse({ messageId: 'm', status: 'processed' }).success).toBe(false);
  });

  it('tells upstream events apart by type and refuses unknown ones', () => {
    const outcome = UpstreamEvent.parse({
      type: 'delivery-outcome',
      eventId: 'out-1',
      messageId: 'msg-1',
      outcome: 'rejected',
      reason: 'HTTP 422 from the RIS',
      at: '2026-11-26T09:00:00.000Z',
    });
    expect(outcome.type).toBe('delivery-outcome');
    const modality = UpstreamEvent.parse({
      type: 'modality-event',
      eventId: 'mpps-1',
      accessionNumber: 'MBS-1',
      event: 'examination_started',
      happenedAt: '2026-11-26T09:05:00.000Z',
    });
    expect(modality.type).toBe('modality-event');
    expect(UpstreamEvent.safeParse({ type: 'gossip', eventId: 'x' }).success).toBe(false);
  });

  it('reports a modality event to the cloud with the fields the gateway sent, and the gateway', () => {
    const frameFields = Object.keys(ModalityEvent.shape).filter(
      (key) => key !== 'type' && key !== 'eventId',
    );
    expect(Object.keys(ModalityEventReported.data.shape).sort()).toEqual(
      [...frameFields, 'gatewayId'].sort(),
    );
    const event = {
      gatewayId: 'gateway-leeds',
      accessionNumber: 'MBS-1',
      event: 'examination_completed' as const,
      happenedAt: '2026-11-26T09:25:00.000Z',
      detail: '',
    };
    expect(createMessage(ModalityEventReported, event).data).toEqual(event);
    expect(() =>
      createMessage(ModalityEventReported, { ...event, detail: 'x'.repeat(2001) }),
    ).toThrow(/data.detail/);
  });

  it('keeps only ids in clear on the wire: the order is a compact JWS, the rest of it sealed', () => {
    const jws = 'eyJhbGciOiJFUzI1NiJ9.eyJvcmRlciI6IngifQ.c2ln';
    expect(
      DeliverFrameBody.parse({ messageId: 'msg-1', attempt: 1, resend: 0, order: jws }),
    ).toEqual({ messageId: 'msg-1', attempt: 1, resend: 0, order: jws });
    // Nothing of the order travels beside it: a field of it is not part of the frame.
    expect(Object.keys(DeliverFrameBody.shape).sort()).toEqual([
      'attempt',
      'messageId',
      'order',
      'resend',
    ]);
    expect(
      Object.keys(DeliverBody.shape)
        .filter((key) => !(key in OrderContent.shape))
        .sort(),
    ).toEqual(['attempt', 'messageId', 'resend']);
    expect(
      DeliverFrameBody.safeParse({ messageId: 'msg-1', attempt: 1, order: 'plain' }).success,
    ).toBe(false);
    expect(SignedUpstreamEvent.safeParse({ eventId: 'e-1', signed: jws }).success).toBe(true);
    expect(SignedUpstreamEvent.safeParse({ eventId: 'e-1', signed: '{}' }).success).toBe(false);
    // The dispatcher's ack travels signed too: an ack in clear is not one.
    expect(SignedUpstreamAck.safeParse({ eventId: 'e-1', signed: jws }).success).toBe(true);
    expect(SignedUpstreamAck.safeParse({ eventId: 'e-1', status: 'accepted' }).success).toBe(false);
  });

  it('names why a protected frame was refused, in receipts and upstream acks', () => {
    expect(
      Receipt.parse({ messageId: 'm', status: 'refused', reason: 'x', code: 'bad_signature' }).code,
    ).toBe('bad_signature');
    expect(Receipt.safeParse({ messageId: 'm', status: 'refused', code: 'because' }).success).toBe(
      false,
    );
    expect(
      UpstreamAck.parse({
        eventId: 'e',
        status: 'refused',
        code: 'replayed_with_different_content',
      }).code,
    ).toBe('replayed_with_different_content');
  });
});
