import type { DeliveryContext } from '@mbs/bus';
import { MessageFailed, type AnyContract } from '@mbs/contracts';
import { PermanentError, TransientError } from '@mbs/errors';
import { fixedEvent } from '../../test/fixtures';
import { quietLogger } from '../../test/support';
import { appointmentSentToModality } from './appointment-sent-to-modality';

describe('appointment sent to modality handler when the destination lookup fails', () => {
  const published: Array<{ type: string; message: unknown }> = [];
  let lookupError: Error;
  const handler = appointmentSentToModality({
    bus: {
      publish: async (contract: AnyContract, message: unknown) =>
        void published.push({ type: contract.type, message }),
    },
    destinations: {
      list: async () => {
        throw lookupError;
      },
    },
  });
  // The consumer's policy allows three tries in these tests.
  const context = (attempt: number): DeliveryContext => ({
    attempt,
    lastAttempt: attempt >= 3,
    redelivered: false,
    logger: quietLogger(),
  });

  beforeEach(() => {
    published.splice(0);
    lookupError = new TransientError('store_unavailable', 'MongoDB at db:27017 did not answer');
  });

  it('lets the bus retry while tries remain', async () => {
    await expect(handler.handle(fixedEvent(), context(2))).rejects.toThrow('did not answer');
    expect(published).toEqual([]);
  });

  it('publishes message failed on the last try, so the appointment does not stick', async () => {
    await handler.handle(fixedEvent(), context(3));
    expect(published).toEqual([
      {
        type: MessageFailed.type,
        message: expect.objectContaining({
          id: 'failed:evt-0001',
          causationId: 'evt-0001',
          data: {
            appointmentId: 'apt-0001',
            phase: 'destination_lookup',
            reason:
              'Could not look up the destination of setting setting-leeds after 3 attempts: TransientError: MongoDB at db:27017 did not answer',
            attempts: 3,
          },
        }),
      },
    ]);
  });

  it('publishes message failed at once when the error says no retry can help', async () => {
    lookupError = new PermanentError('destination_unreadable', 'stored destination is corrupt');
    await handler.handle(fixedEvent(), context(1));
    expect(published).toEqual([
      {
        type: MessageFailed.type,
        message: expect.objectContaining({
          data: {
            appointmentId: 'apt-0001',
            phase: 'destination_lookup',
            reason:
              'Could not look up the destination of setting setting-leeds: PermanentError: stored destination is corrupt',
            attempts: 1,
          },
        }),
      },
    ]);
  });
});
