import { Header, originOf } from './headers';

const delivery = { exchange: '', routingKey: 'mbs.appointment' };

describe('originOf', () => {
  it('prefers the origin a retry copy carries over the dead-letter hop it came back through', () => {
    expect(
      originOf(
        {
          [Header.originalExchange]: 'mbs.commands',
          [Header.originalRoutingKey]: 'appointment.send-to-modality',
        },
        delivery,
      ),
    ).toEqual({ exchange: 'mbs.commands', routingKey: 'appointment.send-to-modality' });
  });

  it('keeps an origin on the default exchange (an empty name is an answer, not a gap)', () => {
    expect(
      originOf(
        { [Header.originalExchange]: '', [Header.originalRoutingKey]: 'mbs.appointment' },
        { exchange: 'x', routingKey: 'y' },
      ),
    ).toEqual({ exchange: '', routingKey: 'mbs.appointment' });
  });

  it.each([
    ['no headers', undefined],
    ['no origin headers', { [Header.attempt]: 1 }],
    ['only half of the pair', { [Header.originalExchange]: 'mbs.commands' }],
    ['a non-string value', { [Header.originalExchange]: 1, [Header.originalRoutingKey]: 2 }],
  ])('falls back to the delivery on a first try (%s)', (_, headers) => {
    expect(originOf(headers, delivery)).toEqual(delivery);
  });
});
