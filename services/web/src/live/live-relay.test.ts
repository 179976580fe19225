import { Bus } from '@mbs/bus';
import {
  AppointmentCommandRejected,
  AppointmentStateChanged,
  MessageFailed,
  createMessage,
} from '@mbs/contracts';
import { connectStore, type Store } from '@mbs/store';
import {
  deleteNamespace,
  eventually,
  testLogger,
  uniqueName,
  useMongoDb,
  useRabbitMq,
} from '@mbs/testing';
import { createRejectionStore, type RejectionStore } from '../notifications/rejection-store';
import { LiveFeed } from './live-feed';
import { startLiveUpdates } from './live-relay';

describe('live updates across web replicas (real RabbitMQ, MongoDB)', () => {
  const broker = useRabbitMq();
  const mongo = useMongoDb({ dbPrefix: 'web-live' });
  let namespace: string;
  let store: Store;
  let rejections: RejectionStore;
  const buses: Bus[] = [];

  beforeEach(async () => {
    namespace = uniqueName('web-live');
    store = await connectStore({
      url: mongo.current.url,
      dbName: `${mongo.current.dbName}_${namespace.replace(/\W/g, '_')}`,
      logger: testLogger('web-live'),
    });
    rejections = createRejectionStore(store.connection);
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close(2_000)));
    await store.connection.dropDatabase().catch(() => undefined);
    await store.close();
    await deleteNamespace(broker.current, namespace);
  });

  const connect = async (service: string) => {
    const bus = await Bus.connect({
      url: broker.current.url,
      service,
      namespace,
      logger: testLogger('web-live'),
    });
    buses.push(bus);
    return bus;
  };

  /** A web replica: its bus, its feed, web's consumer and its own listener. */
  async function replica(name: string) {
    const bus = await connect(name);
    const feed = new LiveFeed();
    await startLiveUpdates({ bus, rejections, feed });
    const seen: string[] = [];
    feed.subscribe({ clinicId: 'clinic-a', appointmentId: 'apt-1', username: 'ada' }, (event) =>
      seen.push(event.message.id),
    );
    return { bus, feed, seen };
  }

  it('brings every event to every replica once, stores a rejection first, and leaves nothing unrouted', async () => {
    const [one, two] = [await replica('web-1'), await replica('web-2')];
    const appointment = await connect('appointment');
    const changed = createMessage(AppointmentStateChanged, {
      appointmentId: 'apt-1',
      clinicId: 'clinic-a',
      from: 'checked_in',
      to: 'sent_to_modality',
      by: { userId: 'ada', name: 'Ada' },
      at: new Date().toISOString(),
    });
    const rejected = createMessage(AppointmentCommandRejected, {
      commandId: 'cmd-refused',
      commandType: 'appointment.check-in',
      appointmentId: 'apt-2',
      requestedBy: { userId: 'ada', name: 'Ada' },
      reason: 'Cannot check in: the appointment was cancelled (appointment is cancelled)',
      code: 'transition_refused',
    });
    const failed = createMessage(MessageFailed, {
      appointmentId: 'apt-1',
      phase: 'destination_lookup',
      reason: 'No enabled destination for setting-harrogate',
      attempts: 0,
    });
    await appointment.publish(AppointmentStateChanged, changed);
    await appointment.publish(AppointmentCommandRejected, rejected);
    // Delivered twice (a redelivery upstream): taken once everywhere.
    await appointment.publish(AppointmentCommandRejected, rejected);
    await appointment.publish(MessageFailed, failed);

    for (const { seen } of [one, two])
      await eventually(() => seen.length === 3, 'three events on each replica');
    // web's consumer handles events concurrently (and two replicas share them), so they are
    // broadcast in no set order; a page re-reads itself on each, so order does not matter.
    expect([...one.seen].sort()).toEqual([changed.id, rejected.id, failed.id].sort());
    expect([...two.seen].sort()).toEqual([...one.seen].sort());
    expect(await rejections.unseen('ada')).toEqual([
      expect.objectContaining({
        commandId: 'cmd-refused',
        appointmentId: 'apt-2',
        reason: 'Cannot check in: the appointment was cancelled (appointment is cancelled)',
      }),
    ]);
    expect(await appointment.checkUnrouted()).toBe(0);
    expect(one.bus.health()).toMatchObject({
      ok: true,
      consumers: { web: true },
      listeners: { live: true },
    });
  });

  it('keeps events for web while no replica runs, and relays them when one starts', async () => {
    const first = await replica('web-1');
    await first.bus.close();
    buses.splice(buses.indexOf(first.bus), 1);
    const appointment = await connect('appointment');
    const changed = createMessage(AppointmentStateChanged, {
      appointmentId: 'apt-1',
      clinicId: 'clinic-a',
      from: 'booked',
      to: 'checked_in',
      at: new Date().toISOString(),
    });
    await appointment.publish(AppointmentStateChanged, changed);
    expect(await appointment.checkUnrouted()).toBe(0);
    const later = await replica('web-2');
    await eventually(() => later.seen.length === 1, 'the kept event, relayed');
    expect(later.seen).toEqual([changed.id]);
  });
});
