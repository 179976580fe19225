import { Bus } from '@mbs/bus';
import { MessageReady } from '@mbs/contracts';
import { connectStore, type Store } from '@mbs/store';
import {
  deleteNamespace,
  expectedDeadLetterRoute,
  lookAtDeadLetters,
  publishRaw,
  testStaffKeys,
  uniqueName,
  useMongoDb,
  useRabbitMq,
  type TestStaffKeys,
} from '@mbs/testing';
import { readyMessage } from '../../test/fixtures';
import { testKeys } from '../../test/keys';
import { quietLogger } from '../../test/support';
import { staticSecrets } from '../secrets/secret-source';
import { CONSUMER, startRelayDispatcher, type RelayDispatcher } from '../service';

describe('GET /dead-letters (real RabbitMQ, MongoDB from @mbs/testing)', () => {
  const broker = useRabbitMq();
  const mongo = useMongoDb({ dbPrefix: 'relay_dispatcher_dead_letters' });
  const namespace = uniqueName('relay-dispatcher-dl');
  let store: Store;
  let bus: Bus;
  let staff: TestStaffKeys;
  let dispatcher: RelayDispatcher;

  beforeAll(async () => {
    const logger = quietLogger();
    staff = await testStaffKeys();
    store = await connectStore({ url: mongo.current.url, dbName: mongo.current.dbName, logger });
    bus = await Bus.connect({
      url: broker.current.url,
      service: 'relay-dispatcher',
      namespace,
      logger,
    });
    // Exactly what main.ts runs (no gateway registered: nothing is sent), its app under test.
    dispatcher = await startRelayDispatcher({
      bus,
      store,
      logger,
      secrets: staticSecrets({}),
      staffKeys: staff.keys,
      signingKey: (await testKeys()).dispatcher,
    });
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await dispatcher?.app.close();
    await bus?.close(2_000);
    await store?.close();
    await deleteNamespace(broker.current.url, namespace);
  });

  it('shows admins what the dispatcher dead-lettered, without the order it carries, and leaves it there', async () => {
    // An order breaking its contract (no gateway): dead-lettered at once, its patient inside.
    const patient = '{"resourceType":"Patient","name":[{"family":"Marker-Thompson"}]}';
    const ready = readyMessage({ payload: patient });
    const body = Buffer.from(JSON.stringify({ ...ready, data: { ...ready.data, gatewayId: '' } }));
    await publishRaw(broker.current.url, {
      exchange: bus.names.exchangeFor('event'),
      routingKey: MessageReady.type,
      body,
      properties: {
        messageId: ready.id,
        correlationId: ready.correlationId,
        type: MessageReady.type,
      },
    });

    const seen = await lookAtDeadLetters(dispatcher.app, {
      audience: 'relay-dispatcher',
      staff,
      count: 1,
      secrets: ['Marker-Thompson', 'resourceType', ready.data.accessionNumber],
    });
    expect(seen).toEqual(expectedDeadLetterRoute(seen.listing));
    expect(seen.listing).toEqual({
      queue: bus.names.deadLetterQueue(CONSUMER),
      total: 1,
      deadLetters: [
        expect.objectContaining({
          id: ready.id,
          type: MessageReady.type,
          failureCode: 'contract_violation',
          failureReason: expect.stringContaining('data.gatewayId'),
          failedConsumer: CONSUMER,
          originalRoutingKey: MessageReady.type,
          sizeBytes: body.length,
        }),
      ],
    });
  });
});
