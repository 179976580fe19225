import { SendToModality, createMessage } from '@mbs/contracts';
import { decodeDelivery } from './decode-delivery';
import { on } from './handler';

const handlers = new Map([[SendToModality.type, on(SendToModality, async () => undefined)]]);
const bytes = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('decodeDelivery', () => {
  it('finds the handler and validates the message', () => {
    const message = createMessage(SendToModality, {
      appointmentId: 'a',
      requestedBy: { userId: 'u', name: 'n' },
    });
    const decoded = decodeDelivery(bytes(message), handlers);
    expect(decoded).toMatchObject({ ok: true, message });
  });

  it.each([
    ['{oops', 'malformed_json'],
    ['"a string"', 'missing_type'],
    [{ type: 42 }, 'missing_type'],
    [{ type: 'message.unknown' }, 'no_handler'],
    [{ type: SendToModality.type, version: 1 }, 'contract_violation'],
  ])('says why %p cannot be handled', (body, code) => {
    const decoded = decodeDelivery(bytes(body), handlers);
    expect(decoded).toMatchObject({ ok: false, code });
    expect(!decoded.ok && decoded.reason.length).toBeGreaterThan(10);
  });
});
