import type { DeliveryContext } from '@mbs/bus';
import {
  AppointmentSentToModality,
  ContractViolation,
  MessageFailed,
  MessageReady,
  parseMessage,
  type AnyContract,
  type MessageOf,
} from '@mbs/contracts';
import { PermanentError, TransientError } from '@mbs/errors';
import { fixedEvent, leedsDestination } from '../../test/fixtures';
import { quietLogger } from '../../test/support';
import type { Destination } from '../destinations/destination';
import { appointmentSentToModality } from './appointment-sent-to-modality';

const enabledLeeds: Destination = {
  ...leedsDestination,
  messageType: 'fhir-r4',
  enabled: true,
  createdAt: '2026-06-01T00:00:00.000Z',
  updatedAt: '2026-06-01T00:00:00.000Z',
};

/** The consumer's policy allows three tries in these tests. */
const context = (attempt: number): DeliveryContext => ({
  attempt,
  lastAttempt: attempt >= 3,
  redelivered: false,
  logger: quietLogger(),
});

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

/** The event as loose JSON, so a test can break any field the way another sender might. */
interface LooseEvent {
  id: unknown;
  version: unknown;
  occurredAt: unknown;
  correlationId: unknown;
  data: { appointmentId?: unknown; participant: Record<string, unknown> } | null;
}

describe('appointment sent to modality handler with an event that breaks its contract', () => {
  const published: Array<{ type: string; message: MessageOf<typeof MessageFailed> }> = [];
  const handler = appointmentSentToModality({
    bus: {
      publish: async (contract: AnyContract, message: unknown) =>
        void published.push({
          type: contract.type,
          message: message as MessageOf<typeof MessageFailed>,
        }),
    },
    destinations: { list: async () => [enabledLeeds] },
  });
  const firstTry = context(1);
  /** The fixed event with one field broken, as another version of appointment might send it. */
  const broken = (change: (raw: LooseEvent) => void) => {
    const raw = structuredClone(fixedEvent()) as unknown as LooseEvent;
    change(raw);
    return raw as unknown as MessageOf<typeof AppointmentSentToModality>;
  };

  beforeEach(() => published.splice(0));

  it('is accepted by the bus: only the envelope id and type are checked before the handler', () => {
    const raw = broken((e) => (e.data!.participant.nhsNumber = '9434765918'));
    expect(parseMessage(handler.contract, raw).ok).toBe(true);
    expect(parseMessage(handler.contract, { ...raw, id: 'has space' }).ok).toBe(false);
    expect(handler.contract.type).toBe(AppointmentSentToModality.type);
    expect(handler.contract.kind).toBe(AppointmentSentToModality.kind);
  });

  it('publishes message failed (build) naming the violations, then refuses it for the dead-letter queue', async () => {
    const raw = broken((e) => {
      e.data!.participant.nhsNumber = '9434765918';
      e.data!.participant.dateOfBirth = '1970-02-30';
    });
    const refusal = handler.handle(raw, firstTry);
    await expect(refusal).rejects.toBeInstanceOf(ContractViolation);
    await expect(refusal).rejects.toMatchObject({ code: 'contract_violation' });
    expect(published).toEqual([{ type: MessageFailed.type, message: expect.anything() }]);
    const failed = published[0]!.message;
    expect(failed).toMatchObject({
      id: 'failed:evt-0001',
      causationId: 'evt-0001',
      correlationId: 'cmd-0001',
      occurredAt: '2026-06-15T08:25:00.000Z',
      data: { appointmentId: 'apt-0001', phase: 'build', attempts: 0 },
    });
    expect(failed.data.reason).toBe(
      'No order can be built: appointment.sent-to-modality does not match its contract: ' +
        'data.participant.nhsNumber: is not a valid NHS number (ten digits with a correct check digit); ' +
        'data.participant.dateOfBirth: Invalid ISO date',
    );
    expect(failed.data.messageId).toBeUndefined();
  });

  it('answers a wrong version and an unreadable envelope time too, deriving the flow from the event id', async () => {
    const raw = broken((e) => {
      e.version = 2;
      e.occurredAt = 'yesterday';
      e.correlationId = 'not an id';
    });
    await expect(handler.handle(raw, firstTry)).rejects.toBeInstanceOf(ContractViolation);
    expect(published).toHaveLength(1);
    expect(published[0]!.message).toMatchObject({
      id: 'failed:evt-0001',
      correlationId: 'evt-0001',
      data: { appointmentId: 'apt-0001', phase: 'build' },
    });
    expect(published[0]!.message.data.reason).toContain('version must be 1');
  });

  it.each([
    ['no appointment id', (e: LooseEvent) => delete e.data!.appointmentId],
    ['an appointment id that is not an Id', (e: LooseEvent) => (e.data!.appointmentId = 'a b')],
    ['no data at all', (e: LooseEvent) => (e.data = null)],
  ])('only refuses an event with %s: nobody can be told', async (_, change) => {
    await expect(handler.handle(broken(change), firstTry)).rejects.toBeInstanceOf(
      ContractViolation,
    );
    expect(published).toEqual([]);
  });

  it('is retried, not dead-lettered, when message failed cannot be published yet', async () => {
    const down = appointmentSentToModality({
      bus: {
        publish: async () => {
          throw new TransientError('broker_unavailable', 'RabbitMQ did not answer');
        },
      },
      destinations: { list: async () => [enabledLeeds] },
    });
    const raw = broken((e) => (e.data!.participant.nhsNumber = '9434765918'));
    await expect(down.handle(raw, firstTry)).rejects.toBeInstanceOf(TransientError);
  });
});

describe('appointment sent to modality handler when message ready cannot be published', () => {
  const published: Array<{ type: string; message: unknown }> = [];
  let failing: Set<string>;
  const readyError = new TransientError('broker_unavailable', 'publish timed out after 30000 ms');
  const handler = appointmentSentToModality({
    bus: {
      publish: async (contract: AnyContract, message: unknown) => {
        if (failing.has(contract.type)) throw readyError;
        published.push({ type: contract.type, message });
      },
    },
    destinations: { list: async () => [enabledLeeds] },
  });

  beforeEach(() => {
    published.splice(0);
    failing = new Set([MessageReady.type]);
  });

  it('lets the bus retry while tries remain', async () => {
    await expect(handler.handle(fixedEvent(), context(2))).rejects.toBe(readyError);
    expect(published).toEqual([]);
  });

  it('publishes message failed (retry_limit) on the last try, so the appointment does not stick', async () => {
    await handler.handle(fixedEvent(), context(3));
    expect(published).toEqual([
      {
        type: MessageFailed.type,
        message: expect.objectContaining({
          id: 'failed:evt-0001',
          data: {
            messageId: expect.stringMatching(/^msg-[0-9a-f]{32}$/),
            appointmentId: 'apt-0001',
            gatewayId: 'gateway-local',
            phase: 'retry_limit',
            reason: expect.stringMatching(
              /^Message msg-[0-9a-f]{32} was built but could not be handed on for delivery after 3 attempts: TransientError: publish timed out after 30000 ms$/,
            ),
            attempts: 3,
          },
        }),
      },
    ]);
  });

  it('gives up with the original error (dead letter) when message failed cannot be published either', async () => {
    failing.add(MessageFailed.type);
    await expect(handler.handle(fixedEvent(), context(3))).rejects.toBe(readyError);
    expect(published).toEqual([]);
  });
});
