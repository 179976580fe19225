import { MessageReady, MessageFailed, createMessage } from '@mbs/contracts';
import { fixedEvent } from '../../test/fixtures';
import { fhirR4Bundle } from '../builders/fhir-r4-bundle';
import type { MessageBuilder } from '../builders/message-builder';
import type { Destination } from '../destinations/destination';
import { failedEventId } from './derived-ids';
import { prepareMessage } from './prepare-message';

const leeds: Destination = {
  destinationId: 'dest-leeds-ris',
  settingId: 'setting-leeds',
  name: 'Leeds RIS (FHIR R4)',
  messageType: 'fhir-r4',
  gatewayId: 'gateway-local',
  target: 'ris-fhir',
  enabled: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('preparing a message from an event and the destination', () => {
  it('builds a ready message that passes the MessageReady contract', () => {
    const prepared = prepareMessage(fixedEvent(), [leeds]);
    expect(prepared.outcome).toBe('ready');
    if (prepared.outcome !== 'ready') return;
    expect(prepared.data).toMatchObject({
      appointmentId: 'apt-0001',
      accessionNumber: 'ACC20260615A1B2',
      destinationId: 'dest-leeds-ris',
      gatewayId: 'gateway-local',
      messageType: 'fhir-r4',
      target: 'ris-fhir',
      contentType: 'application/fhir+json',
    });
    expect(prepared.data.messageId).toMatch(/^msg-[0-9a-f]{32}$/);
    expect(() => createMessage(MessageReady, prepared.data)).not.toThrow();
  });

  it('derives the same message id from the same event, and another when anything sent changes', () => {
    const id = (event = fixedEvent(), destination = leeds) => {
      const prepared = prepareMessage(event, [destination]);
      return prepared.outcome === 'ready' ? prepared.data.messageId : prepared.outcome;
    };
    expect(id()).toBe(id());
    expect(id(fixedEvent({ id: 'evt-0002' }))).not.toBe(id());
    expect(id(fixedEvent(), { ...leeds, gatewayId: 'gateway-2' })).not.toBe(id());
    expect(id(fixedEvent(), { ...leeds, target: 'ris-2' })).not.toBe(id());
    expect(id(fixedEvent(), { ...leeds, messageType: 'worklist-json' })).not.toBe(id());
  });

  it('fails with destination_lookup when the setting has no destination', () => {
    const prepared = prepareMessage(fixedEvent({ settingId: 'setting-harrogate' }), []);
    expect(prepared).toEqual({
      outcome: 'failed',
      data: {
        appointmentId: 'apt-0001',
        phase: 'destination_lookup',
        reason: 'No destination for setting setting-harrogate',
        attempts: 0,
      },
    });
    if (prepared.outcome === 'failed') {
      expect(() => createMessage(MessageFailed, prepared.data)).not.toThrow();
    }
  });

  it('says the destination is disabled, rather than missing, when it is', () => {
    const disabled = { ...leeds, enabled: false };
    expect(prepareMessage(fixedEvent(), [disabled]).data).toEqual({
      appointmentId: 'apt-0001',
      phase: 'destination_lookup',
      reason: 'Destination dest-leeds-ris for setting setting-leeds is disabled',
      attempts: 0,
    });
    expect(
      prepareMessage(fixedEvent(), [disabled, { ...disabled, destinationId: 'dest-old' }]).data,
    ).toMatchObject({
      reason: 'Destinations dest-leeds-ris, dest-old for setting setting-leeds are disabled',
    });
  });

  it('uses the enabled destination when disabled ones wait beside it', () => {
    const prepared = prepareMessage(fixedEvent(), [
      { ...leeds, destinationId: 'dest-old', enabled: false },
      leeds,
    ]);
    expect(prepared).toMatchObject({ outcome: 'ready', data: { destinationId: 'dest-leeds-ris' } });
  });

  it('refuses to choose between two enabled destinations', () => {
    const prepared = prepareMessage(fixedEvent(), [leeds, { ...leeds, destinationId: 'dest-2' }]);
    expect(prepared.outcome).toBe('failed');
    expect(prepared.data).toMatchObject({
      phase: 'destination_lookup',
      reason: expect.stringContaining('2 enabled destinations (dest-leeds-ris, dest-2)'),
    });
  });

  it('fails with build when the destination names a type this service cannot build', () => {
    const prepared = prepareMessage(fixedEvent(), [{ ...leeds, messageType: 'hl7v2' as never }]);
    expect(prepared.data).toMatchObject({ phase: 'build', gatewayId: 'gateway-local' });
  });

  it('fails with validate, carrying the validator message, when the payload breaks its schema', () => {
    // A given name made only of DICOM PN delimiters passes the event contract, but nothing of it
    // is left for the worklist's FAMILY^GIVEN.
    const event = fixedEvent();
    event.data.participant.givenName = '^\\^';
    const prepared = prepareMessage(event, [{ ...leeds, messageType: 'worklist-json' }]);
    expect(prepared.data).toMatchObject({
      phase: 'validate',
      reason:
        'worklist-json payload is invalid: parameters.worklist_item.participant.name: must be FAMILY^GIVEN (DICOM PN)',
    });
  });

  it('makes a worklist message for a family name too long for DICOM PN, cut to fit', () => {
    const event = fixedEvent();
    event.data.participant.familyName = 'X'.repeat(90);
    const prepared = prepareMessage(event, [{ ...leeds, messageType: 'worklist-json' }]);
    expect(prepared.outcome).toBe('ready');
  });
});

describe('preparing a message when a builder or validator throws something unexpected', () => {
  const only =
    (builder: MessageBuilder) =>
    (type: string): MessageBuilder | undefined =>
      type === builder.type ? builder : undefined;

  it('fails with build, naming the error, when the builder throws', () => {
    const throwing: MessageBuilder = {
      ...fhirR4Bundle,
      build: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'odsCode')");
      },
    };
    expect(prepareMessage(fixedEvent(), [leeds], only(throwing)).data).toEqual({
      appointmentId: 'apt-0001',
      gatewayId: 'gateway-local',
      phase: 'build',
      reason:
        "Building fhir-r4 failed: TypeError: Cannot read properties of undefined (reading 'odsCode')",
      attempts: 0,
    });
  });

  it('fails with validate, naming the error, when the validator itself breaks', () => {
    const breaking: MessageBuilder = {
      ...fhirR4Bundle,
      validate: () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
    };
    expect(prepareMessage(fixedEvent(), [leeds], only(breaking)).data).toMatchObject({
      phase: 'validate',
      reason: 'Validating fhir-r4 failed: RangeError: Maximum call stack size exceeded',
    });
  });
});

describe('derived event ids', () => {
  it('prefix the event id, or hash it when it would not fit an Id', () => {
    expect(failedEventId('evt-1')).toBe('failed:evt-1');
    const long = failedEventId('e'.repeat(128));
    expect(long).toMatch(/^failed:[0-9a-f]{32}$/);
    expect(failedEventId('e'.repeat(128))).toBe(long);
  });
});
