import { MAX_PAYLOAD_BYTES, type DeliverBody } from '@mbs/contracts';
import { DEFAULT_MAX_FRAME_BYTES } from '@mbs/relay';
import { openOrder } from '@mbs/trust';
import { testKeys } from '../../test/keys';
import { GatewayKeysMissingError } from '../gateways/gateway-errors';
import { FrameProtection } from './frame-protection';

const body = (payload: string): DeliverBody => ({
  messageId: 'msg-1',
  appointmentId: 'appt-1',
  accessionNumber: 'ACC0001',
  messageType: 'fhir-r4',
  target: 'ris-fhir',
  contentType: 'application/fhir+json',
  payload,
  attempt: 3,
  resend: 1,
});

describe('sealing orders for a gateway', () => {
  it('seals the order for the gateway and keeps only the ids in clear', async () => {
    const keys = await testKeys();
    const protection = new FrameProtection({
      signingKey: () => keys.dispatcher,
      gatewayKeys: () => keys.gateway.publicKeys,
    });
    const sealed = await protection.seal('gateway-local', body('{"resourceType":"Bundle"}'));
    expect(sealed).toEqual({
      messageId: 'msg-1',
      attempt: 3,
      resend: 1,
      order: expect.any(String),
    });
    const opened = await openOrder(sealed.order, {
      gatewayId: 'gateway-local',
      expected: { messageId: 'msg-1', resend: 1, attempt: 3 },
      dispatcherKeys: keys.dispatcherPublic,
      privateKeys: keys.gateway.privateKeys,
    });
    expect(opened.secret).toEqual({
      appointmentId: 'appt-1',
      accessionNumber: 'ACC0001',
      messageType: 'fhir-r4',
      target: 'ris-fhir',
      contentType: 'application/fhir+json',
      payload: '{"resourceType":"Bundle"}',
    });
  });

  it('fits the largest payload, sealed, in one relay frame, even one that grows most when escaped', async () => {
    const keys = await testKeys();
    const protection = new FrameProtection({
      signingKey: () => keys.dispatcher,
      gatewayKeys: () => keys.gateway.publicKeys,
    });
    // Every character a quote: JSON doubles it before it is encrypted and encoded twice.
    const sealed = await protection.seal('gateway-local', body('"'.repeat(MAX_PAYLOAD_BYTES)));
    const frame = JSON.stringify({
      kind: 'deliver',
      id: '00000000-0000-0000-0000-000000000000',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      body: sealed,
    });
    expect(Buffer.byteLength(frame)).toBeLessThan(DEFAULT_MAX_FRAME_BYTES);
  });

  it('seals nothing for a gateway without registered keys', async () => {
    const keys = await testKeys();
    const protection = new FrameProtection({
      signingKey: () => keys.dispatcher,
      gatewayKeys: () => undefined,
    });
    await expect(protection.seal('gateway-x', body('{}'))).rejects.toThrow(GatewayKeysMissingError);
  });
});
