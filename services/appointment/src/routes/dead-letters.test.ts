import { Bus } from '@mbs/bus';
import { createMessage, SendToModality } from '@mbs/contracts';
import { connectStore, type Store } from '@mbs/store';
import {
  deleteNamespace,
  expectedDeadLetterRoute,
  lookAtDeadLetters,
  testStaffKeys,
  uniqueName,
  useMongoDb,
  useRabbitMq,
  type TestStaffKeys,
} from '@mbs/testing';
import type { FastifyInstance } from 'fastify';
import { givenAppointment, quietLogger } from '../../test/support';
import { CONSUMER, startAppointmentService } from '../service';
import type { Models } from '../store/models';
import { buildHttpApi } from './http-api';

describe('GET /dead-letters (real RabbitMQ, MongoDB from @mbs/testing)', () => {
  const broker = useRabbitMq();
  const mongo = useMongoDb({ dbPrefix: 'appointment_dead_letters' });
  const namespace = uniqueName('appointment-dl');
  let store: Store;
  let bus: Bus;
  let models: Models;
  let staff: TestStaffKeys;
  let app: FastifyInstance;

  beforeAll(async () => {
    const logger = quietLogger();
    staff = await testStaffKeys();
    store = await connectStore({ url: mongo.current.url, dbName: mongo.current.dbName, logger });
    bus = await Bus.connect({ url: broker.current.url, service: 'appointment', namespace, logger });
    ({ models } = await startAppointmentService({ bus, store, logger, staffKeys: staff.keys }));
    // As main.ts builds it.
    app = await buildHttpApi({
      models,
      logger,
      staffKeys: staff.keys,
      health: { store: () => store.health(), bus: () => bus.health() },
      deadLetters: bus.deadLetters(CONSUMER),
    });
  });
  afterAll(async () => {
    await app?.close();
    await bus?.close(2_000);
    await store?.close();
    await deleteNamespace(broker.current.url, namespace);
  });

  it('shows admins what appointment dead-lettered, without its body, and leaves it there', async () => {
    const { appointmentId } = await givenAppointment(models, 'checked_in');
    const requestedBy = { userId: 'u-ada-dl', name: 'Ada Deadletter' };
    // Unsigned: appointment dead-letters it as bad_command_signature.
    const command = createMessage(SendToModality, { appointmentId, requestedBy });
    await bus.publish(SendToModality, command);

    const seen = await lookAtDeadLetters(app, {
      audience: 'appointment',
      staff,
      count: 1,
      secrets: [appointmentId, requestedBy.userId, requestedBy.name],
    });
    expect(seen).toEqual(expectedDeadLetterRoute(seen.listing));
    expect(seen.listing).toEqual({
      queue: bus.names.deadLetterQueue(CONSUMER),
      total: 1,
      deadLetters: [
        expect.objectContaining({
          id: command.id,
          type: SendToModality.type,
          correlationId: command.correlationId,
          failureCode: 'bad_command_signature',
          failureReason: 'CommandSignatureError: The command is not signed',
          attempt: 1,
          failedConsumer: CONSUMER,
          originalRoutingKey: SendToModality.type,
          sizeBytes: Buffer.byteLength(JSON.stringify(command)),
        }),
      ],
    });
  });
});
