import type { DeliveryContext } from '@mbs/bus';
import { MessageFailed, type AnyContract } from '@mbs/contracts';
import { TransientError } from '@mbs/errors';
import { fixedEvent } from '../../test/fixtures';
import { quietLogger } from '../../test/support';
import { appointmentSentToModality } from './appointment-sent-to-modality';

describe('appointment sent to modality handler when the database is away', () => {
  const published: Array<{ type: string; message: unknown }> = [];
  const handler = appointmentSentToModality({
    bus: {
      publish: async (contract: AnyContract, message: unknown) =>
        void published.push({ type: contract.type, message }),
    },
    destinations: {
      enabledForSetting: async () => {
        throw new TransientError('store_unavailable', 'MongoDB at db:27017 did not answer');
      },
    },
    attempts: 3,
  });
  const context = (attempt: number): DeliveryContext => ({
    attempt,
    redelivered: false,
    logger: quietLogger(),
  });

  beforeEach(() => published.splice(0));

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
});
