import {
  AppointmentSentToModality,
  ContractViolation,
  MAX_PAYLOAD_BYTES,
  MessageFailed,
  MessageReady,
  SendToModality,
  allContracts,
  createMessage,
  parseMessage,
  type MessageOf,
} from './index';

const sentEvent = {
  appointmentId: 'apt-1',
  commandId: 'cmd-1',
  sentBy: { userId: 'u-1', name: 'Ada Radiographer' },
  participant: {
    participantId: 'p-1',
    nhsNumber: '9434765919',
    givenName: 'Jane',
    familyName: 'Smith',
    dateOfBirth: '1970-01-31',
    sex: 'female' as const,
  },
  appointment: {
    clinicId: 'c-1',
    settingId: 's-1',
    startsAt: '2026-11-26T09:30:00.000Z',
    endsAt: '2026-11-26T09:50:00.000Z',
    accessionNumber: 'MBS-000001',
  },
  setting: { name: "Leeds St James's Breast Screening Unit", odsCode: 'RR8' },
};

describe('contracts', () => {
  it('builds a message with the shared envelope', () => {
    const command = createMessage(SendToModality, {
      appointmentId: 'apt-1',
      requestedBy: { userId: 'u-1', name: 'Ada' },
    });
    expect(command).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'appointment.send-to-modality',
      version: 1,
      occurredAt: expect.any(String),
      correlationId: command.id,
      data: { appointmentId: 'apt-1', requestedBy: { userId: 'u-1', name: 'Ada' } },
    });
  });

  it('keeps the flow: an event caused by a command carries its correlation and causation', () => {
    const command = createMessage(SendToModality, {
      appointmentId: 'apt-1',
      requestedBy: { userId: 'u-1', name: 'Ada' },
    });
    const event = createMessage(AppointmentSentToModality, sentEvent, {
      id: `sent:${command.id}`,
      causedBy: command,
      occurredAt: new Date('2026-11-26T09:31:00Z'),
    });
    expect(event.id).toBe(`sent:${command.id}`);
    expect(event.correlationId).toBe(command.id);
    expect(event.causationId).toBe(command.id);
    expect(event.occurredAt).toBe('2026-11-26T09:31:00.000Z');
  });

  it('gives the TypeScript type from the schema', () => {
    const event: MessageOf<typeof AppointmentSentToModality> = createMessage(
      AppointmentSentToModality,
      sentEvent,
    );
    // A compile-time check as much as a run-time one: this property exists and is typed.
    const nhs: string = event.data.participant.nhsNumber;
    expect(nhs).toBe('9434765919');
  });

  it('refuses to create an invalid message, naming every field and why', () => {
    const broken = {
      ...sentEvent,
      participant: { ...sentEvent.participant, nhsNumber: '1234567890' },
    };
    expect(() => createMessage(AppointmentSentToModality, broken)).toThrow(ContractViolation);
    try {
      createMessage(AppointmentSentToModality, {
        ...broken,
        appointment: { ...sentEvent.appointment, accessionNumber: 'WAY-TOO-LONG-ACCESSION' },
      });
    } catch (error) {
      const violation = error as ContractViolation;
      expect(violation.retryable).toBe(false);
      expect(violation.code).toBe('contract_violation');
      expect(violation.violations).toEqual([
        {
          path: 'data.participant.nhsNumber',
          problem: expect.stringContaining('not a valid NHS number'),
        },
        {
          path: 'data.appointment.accessionNumber',
          problem: 'must be at most 16 characters (DICOM SH)',
        },
      ]);
      expect(violation.message).toMatch(
        /^appointment.sent-to-modality does not match its contract: /,
      );
    }
  });

  it('refuses a slot that ends before it starts, and a setting without an ODS code', () => {
    const result = parseMessage(AppointmentSentToModality, {
      ...createMessage(AppointmentSentToModality, sentEvent),
      data: {
        ...sentEvent,
        appointment: { ...sentEvent.appointment, endsAt: sentEvent.appointment.startsAt },
        setting: { name: 'Leeds', odsCode: 'rr8 ' },
      },
    });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.violations.map((v) => v.path).sort()).toEqual([
        'data.appointment.endsAt',
        'data.setting.odsCode',
      ]);
  });

  it('parses incoming messages without throwing', () => {
    const good = createMessage(SendToModality, {
      appointmentId: 'a',
      requestedBy: { userId: 'u', name: 'n' },
    });
    expect(parseMessage(SendToModality, JSON.parse(JSON.stringify(good)))).toEqual({
      ok: true,
      message: good,
    });

    const cases: Array<[unknown, string]> = [
      [null, '(message)'],
      ['text', '(message)'],
      [{ ...good, type: 'something.else' }, 'type'],
      [{ ...good, version: 2 }, 'version'],
      [{ ...good, id: 'has spaces' }, 'id'],
      [{ ...good, occurredAt: 'yesterday' }, 'occurredAt'],
      [{ ...good, data: {} }, 'data.appointmentId'],
    ];
    for (const [raw, path] of cases) {
      const result = parseMessage(SendToModality, raw);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.violations.map((v) => v.path)).toContain(path);
    }
  });

  it('names the supported version when another arrives', () => {
    const good = createMessage(SendToModality, {
      appointmentId: 'a',
      requestedBy: { userId: 'u', name: 'n' },
    });
    const result = parseMessage(SendToModality, { ...good, version: 2 });
    expect(!result.ok && result.error.message).toContain(
      'version must be 1 for appointment.send-to-modality',
    );
  });

  it('bounds payload size so no frame or bus message grows without limit', () => {
    const data = {
      messageId: 'm-1',
      appointmentId: 'a-1',
      accessionNumber: 'A1',
      destinationId: 'd-1',
      gatewayId: 'g-1',
      messageType: 'fhir-r4',
      target: 'ris',
      contentType: 'application/fhir+json',
      payload: 'x'.repeat(MAX_PAYLOAD_BYTES),
    };
    expect(() => createMessage(MessageReady, data)).not.toThrow();
    expect(() =>
      createMessage(MessageReady, { ...data, payload: 'x'.repeat(MAX_PAYLOAD_BYTES + 1) }),
    ).toThrow(/payload: must be at most/);
  });

  it('only accepts known failure phases', () => {
    const base = { appointmentId: 'a', phase: 'connect', reason: 'gateway offline', attempts: 3 };
    expect(() => createMessage(MessageFailed, base as never)).not.toThrow();
    expect(() => createMessage(MessageFailed, { ...base, phase: 'somewhere' } as never)).toThrow(
      /phase/,
    );
  });

  it('declares every contract once, with a unique type', () => {
    const types = allContracts.map((c) => c.type);
    expect(new Set(types).size).toBe(types.length);
    expect(types).toEqual(
      expect.arrayContaining([
        'appointment.send-to-modality',
        'appointment.sent-to-modality',
        'message.ready',
        'message.delivered',
        'message.confirmed',
        'message.failed',
        'modality.event-reported',
      ]),
    );
  });
});
