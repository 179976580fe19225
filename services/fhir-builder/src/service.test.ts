import { Bus, Header, on } from '@mbs/bus';
import {
  AppointmentSentToModality,
  MessageFailed,
  MessageReady,
  type MessageOf,
} from '@mbs/contracts';
import { connectStore, type Store } from '@mbs/store';
import {
  deleteNamespace,
  expectedDeadLetterRoute,
  lookAtDeadLetters,
  publishRaw,
  testStaffKeys,
  type TestStaffKeys,
  uniqueDbName,
  uniqueName,
  useMongoDb,
  useRabbitMq,
} from '@mbs/testing';
import amqp from 'amqplib';
import { fixedEvent } from '../test/fixtures';
import { eventually, quietLogger, sleep } from '../test/support';
import type { Appointment } from '@medplum/fhirtypes';
import { buildBundle, fhirR4Bundle } from './builders/fhir-r4-bundle';
import type { MessageBuilder } from './builders/message-builder';
import { builderFor } from './builders/registry';
import { worklistJson } from './builders/worklist-json';
import { seedDemoDestinations } from './demo/demo-destinations';
import { CONSUMER, startFhirBuilder, type FhirBuilder } from './service';

type Ready = MessageOf<typeof MessageReady>;
type Failed = MessageOf<typeof MessageFailed>;

describe('fhir-builder service (real RabbitMQ, MongoDB)', () => {
  const broker = useRabbitMq();
  const mongo = useMongoDb({ dbPrefix: 'fhir-builder' });
  let namespace: string;
  let store: Store;
  let service: Bus;
  let observer: Bus;
  let builder: FhirBuilder;
  let ready: Ready[];
  let failed: Failed[];
  /** Builders a test puts in place of the registered ones (the service asks on every event). */
  const replacedBuilders = new Map<string, MessageBuilder>();
  let staff: TestStaffKeys;
  beforeAll(async () => {
    staff = await testStaffKeys();
  });

  beforeEach(async () => {
    namespace = uniqueName('fhir-builder');
    const logger = quietLogger();
    store = await connectStore({
      url: mongo.current.url,
      dbName: uniqueDbName('fhir-builder'),
      logger,
    });
    service = await Bus.connect({
      url: broker.current.url,
      service: 'fhir-builder',
      namespace,
      logger,
    });
    // Exactly what main.ts runs, with short retries so a test never waits minutes.
    builder = await startFhirBuilder({
      staffKeys: staff.keys,
      bus: service,
      store,
      logger,
      retry: { baseDelayMs: 50, maxDelayMs: 100 },
      builderFor: (type) => replacedBuilders.get(type) ?? builderFor(type),
    });
    await seedDemoDestinations(builder.destinations, logger);

    // Another service in the same namespace: it publishes the events and records what comes out.
    ready = [];
    failed = [];
    observer = await Bus.connect({
      url: broker.current.url,
      service: 'observer',
      namespace,
      logger,
    });
    await observer.subscribe('observer', [
      on(MessageReady, async (message) => void ready.push(message)),
      on(MessageFailed, async (message) => void failed.push(message)),
    ]);
    // The first start in a file warms the R4 validator up (seconds of CPU); on a machine running
    // every suite at once that alone has outlasted jest's 30 s default (seen in CI).
  }, 120_000);

  afterEach(async () => {
    replacedBuilders.clear();
    await observer.close(2_000);
    await builder.app.close();
    await service.close(2_000);
    await store.connection.dropDatabase().catch(() => undefined);
    await store.close();
    await deleteNamespace(broker.current.url, namespace);
  });

  const send = (event: MessageOf<typeof AppointmentSentToModality>) =>
    observer.publish(AppointmentSentToModality, event);

  it('turns an event for a FHIR destination into message ready with a valid Bundle', async () => {
    const event = fixedEvent({ id: uniqueName('evt') });
    await send(event);
    await eventually(() => ready.length === 1, 'message ready');

    const [message] = ready;
    expect(message!.data).toMatchObject({
      appointmentId: event.data.appointmentId,
      accessionNumber: event.data.appointment.accessionNumber,
      destinationId: 'dest-leeds-ris',
      gatewayId: 'gateway-local',
      messageType: 'fhir-r4',
      target: 'ris-fhir',
      contentType: 'application/fhir+json',
    });
    expect(message!.id).toBe(message!.data.messageId);
    expect(message!.causationId).toBe(event.id);
    expect(message!.correlationId).toBe(event.correlationId);
    expect(() => fhirR4Bundle.validate(message!.data.payload)).not.toThrow();
    expect(JSON.parse(message!.data.payload).entry[0].resource.identifier).toEqual([
      { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' },
    ]);
    expect(failed).toEqual([]);
  });

  it('builds NHS worklist JSON for a worklist destination', async () => {
    await send(fixedEvent({ id: uniqueName('evt'), settingId: 'setting-york' }));
    await eventually(() => ready.length === 1, 'message ready');
    expect(ready[0]!.data).toMatchObject({
      destinationId: 'dest-york-worklist',
      messageType: 'worklist-json',
      target: 'worklist-drop',
      contentType: 'application/json',
    });
    expect(() => worklistJson.validate(ready[0]!.data.payload)).not.toThrow();
  });

  it('answers a duplicate event with the identical message (same id, same payload)', async () => {
    const event = fixedEvent({ id: uniqueName('evt') });
    await send(event);
    await send(event);
    await eventually(() => ready.length === 2, 'two message ready events');
    expect(ready[1]).toEqual(ready[0]);
    expect(ready[0]!.data.messageId).toMatch(/^msg-[0-9a-f]{32}$/);
  });

  it('publishes message failed (destination_lookup) for a setting without any destination', async () => {
    const event = fixedEvent({ id: uniqueName('evt'), settingId: 'setting-harrogate' });
    await send(event);
    await eventually(() => failed.length === 1, 'message failed');
    expect(failed[0]).toMatchObject({
      id: `failed:${event.id}`,
      causationId: event.id,
      data: {
        appointmentId: event.data.appointmentId,
        phase: 'destination_lookup',
        reason: 'No destination for setting setting-harrogate',
        attempts: 0,
      },
    });
    expect(ready).toEqual([]);
  });

  it('publishes message failed for a setting whose destination is disabled, and ready once enabled again', async () => {
    await builder.destinations.setEnabled('dest-leeds-ris', false);
    const event = fixedEvent({ id: uniqueName('evt') });
    await send(event);
    await eventually(() => failed.length === 1, 'message failed');
    expect(failed[0]).toMatchObject({
      id: `failed:${event.id}`,
      causationId: event.id,
      data: {
        appointmentId: event.data.appointmentId,
        phase: 'destination_lookup',
        reason: 'Destination dest-leeds-ris for setting setting-leeds is disabled',
        attempts: 0,
      },
    });
    expect(ready).toEqual([]);

    await builder.destinations.setEnabled('dest-leeds-ris', true);
    await send(fixedEvent({ id: uniqueName('evt') }));
    await eventually(() => ready.length === 1, 'message ready after enabling');
  });

  it('publishes message failed (validate) with the validator text when the FHIR validator refuses the Bundle', async () => {
    // A builder that forgets the Appointment's status: the real validator must refuse it, and
    // staff must be told so, rather than the event being retried and dead-lettered unseen.
    replacedBuilders.set('fhir-r4', {
      ...fhirR4Bundle,
      build(event, destination) {
        const bundle = buildBundle(event, destination);
        delete (bundle.entry![2]!.resource as Partial<Appointment>).status;
        return { contentType: this.contentType, payload: JSON.stringify(bundle) };
      },
    });
    const event = fixedEvent({ id: uniqueName('evt') });
    await send(event);
    await eventually(() => failed.length === 1, 'message failed');
    expect(failed[0]).toMatchObject({
      id: `failed:${event.id}`,
      causationId: event.id,
      data: {
        appointmentId: event.data.appointmentId,
        gatewayId: 'gateway-local',
        phase: 'validate',
        reason:
          'fhir-r4 payload is invalid: Missing required property (Bundle.entry[2].resource.status)',
        attempts: 0,
      },
    });
    expect(failed[0]!.data.messageId).toBeUndefined();
    expect(ready).toEqual([]);
  });

  it('publishes message failed (validate), not a retry and a dead letter, when the validator itself throws', async () => {
    replacedBuilders.set('fhir-r4', {
      ...fhirR4Bundle,
      validate: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'elements')");
      },
    });
    const event = fixedEvent({ id: uniqueName('evt') });
    await send(event);
    await eventually(() => failed.length === 1, 'message failed');
    expect(failed[0]!.data).toMatchObject({
      phase: 'validate',
      reason:
        "Validating fhir-r4 failed: TypeError: Cannot read properties of undefined (reading 'elements')",
      attempts: 0,
    });
    // Once: it was not retried into a second failure or a dead letter.
    await sleep(300);
    expect(failed).toHaveLength(1);
    expect(ready).toEqual([]);
  });

  it('answers an event that breaks its contract with message failed, dead-letters it and a malformed one with the reason, and keeps consuming', async () => {
    const connection = await amqp.connect(broker.current.url, {
      clientProperties: { connection_name: `${namespace}:probe` },
    });
    try {
      const channel = await connection.createConfirmChannel();
      const exchange = service.names.exchangeFor('event');
      const brokenId = uniqueName('evt');
      const broken = fixedEvent({ id: brokenId }) as unknown as {
        data: { participant: { nhsNumber: string } };
      };
      broken.data.participant.nhsNumber = '9434765918'; // wrong check digit
      channel.publish(
        exchange,
        AppointmentSentToModality.type,
        Buffer.from(JSON.stringify(broken)),
        {
          persistent: true,
        },
      );
      channel.publish(exchange, AppointmentSentToModality.type, Buffer.from('{not json'), {
        persistent: true,
      });
      await channel.waitForConfirms();
      await send(fixedEvent({ id: uniqueName('evt') }));
      await eventually(() => ready.length === 1, 'the good event after the bad ones');

      const dead: amqp.GetMessage[] = [];
      const queue = service.names.deadLetterQueue(CONSUMER);
      const deadline = Date.now() + 10_000;
      while (dead.length < 2 && Date.now() < deadline) {
        const message = await channel.get(queue, { noAck: true });
        if (message) dead.push(message);
        else await sleep(25);
      }
      // In either order: the broken event is answered (a publish) before it is dead-lettered.
      expect(
        dead
          .map((m) => ({
            code: m.properties.headers?.[Header.failureCode],
            reason: String(m.properties.headers?.[Header.failureReason]),
            consumer: m.properties.headers?.[Header.failedConsumer],
          }))
          .sort((a, b) => String(a.code).localeCompare(String(b.code))),
      ).toEqual([
        {
          code: 'contract_violation',
          reason: expect.stringContaining('data.participant.nhsNumber: is not a valid NHS number'),
          consumer: CONSUMER,
        },
        { code: 'malformed_json', reason: expect.stringContaining('not JSON'), consumer: CONSUMER },
      ]);
      expect(ready).toHaveLength(1);
      // The broken event named its appointment: staff are told, and it returns to checked_in.
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({
        id: `failed:${brokenId}`,
        causationId: brokenId,
        data: {
          appointmentId: 'apt-0001',
          phase: 'build',
          reason: expect.stringContaining(
            'No order can be built: appointment.sent-to-modality does not match its contract: data.participant.nhsNumber: is not a valid NHS number',
          ),
        },
      });
    } finally {
      await connection.close();
    }
  });

  it('shows admins its dead letters at GET /dead-letters, without the patient they carry, and leaves them there', async () => {
    // An event breaking its contract (the NHS number's check digit): dead-lettered at once.
    const event = fixedEvent({ id: uniqueName('evt') });
    const participant = { ...event.data.participant, nhsNumber: '9434765918' };
    const broken = { ...event, data: { ...event.data, participant } };
    const body = Buffer.from(JSON.stringify(broken));
    await publishRaw(broker.current.url, {
      exchange: service.names.exchangeFor('event'),
      routingKey: AppointmentSentToModality.type,
      body,
      properties: {
        messageId: event.id,
        correlationId: event.correlationId,
        type: AppointmentSentToModality.type,
      },
    });

    const seen = await lookAtDeadLetters(builder.app, {
      audience: 'fhir-builder',
      staff,
      count: 1,
      secrets: [
        participant.nhsNumber,
        participant.familyName,
        participant.dateOfBirth,
        participant.participantId,
      ],
    });
    expect(seen).toEqual(expectedDeadLetterRoute(seen.listing));
    expect(seen.listing).toEqual({
      queue: service.names.deadLetterQueue(CONSUMER),
      total: 1,
      deadLetters: [
        expect.objectContaining({
          id: event.id,
          type: AppointmentSentToModality.type,
          correlationId: event.correlationId,
          failureCode: 'contract_violation',
          failureReason: expect.stringContaining('data.participant.nhsNumber'),
          attempt: 1,
          failedConsumer: CONSUMER,
          originalExchange: service.names.exchangeFor('event'),
          originalRoutingKey: AppointmentSentToModality.type,
          sizeBytes: body.length,
          expirationMs: 14 * 24 * 60 * 60 * 1000,
        }),
      ],
    });
  });
});
