import { AppointmentStateChanged, createMessage, type MessageOf } from '@mbs/contracts';
import {
  closeConnectionsNamed,
  deleteNamespace,
  rabbitmqctl,
  uniqueName,
  useRabbitMq,
} from '@mbs/testing';
import { eventually, openProbe, quietLogger, recordingLogger, sleep } from '../test/support';
import { Bus, on, type BusOptions } from './index';

type Changed = MessageOf<typeof AppointmentStateChanged>;

const changed = (appointmentId = 'apt-1') =>
  createMessage(AppointmentStateChanged, {
    appointmentId,
    clinicId: 'clinic-1',
    from: 'checked_in',
    to: 'sent_to_modality',
    at: new Date().toISOString(),
  });

describe('bus broadcasts (real RabbitMQ)', () => {
  const broker = useRabbitMq();
  let namespace: string;
  const buses: Bus[] = [];

  beforeEach(() => {
    namespace = uniqueName('broadcast');
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close(2_000)));
    await deleteNamespace(broker.current, namespace);
  });

  async function connect(service: string, options: Partial<BusOptions> = {}) {
    const bus = await Bus.connect({
      url: broker.current.url,
      service,
      namespace,
      logger: quietLogger(),
      ...options,
    });
    buses.push(bus);
    return bus;
  }

  async function listening(service: string, options: Partial<BusOptions> = {}) {
    const bus = await connect(service, options);
    const heard: Changed[] = [];
    await bus.listen('live', [
      on(AppointmentStateChanged, async (message) => void heard.push(message)),
    ]);
    return { bus, heard };
  }

  it('reaches every listening instance, and no durable consumer or the unrouted queue', async () => {
    const [first, second] = [await listening('web-1'), await listening('web-2')];
    const sender = await connect('sender');
    const durable: Changed[] = [];
    await sender.subscribe('durable', [
      on(AppointmentStateChanged, async (message) => void durable.push(message)),
    ]);
    const message = changed();
    await sender.broadcast(AppointmentStateChanged, message);
    await eventually(
      () => first.heard.length === 1 && second.heard.length === 1,
      'both instances hear it',
    );
    expect(first.heard[0]).toEqual(message);
    expect(second.heard[0]).toEqual(message);
    await sleep(200);
    expect(durable).toEqual([]);
    expect(await sender.checkUnrouted()).toBe(0);
    expect(first.bus.health()).toMatchObject({ ok: true, listeners: { live: true } });
  });

  it('vanishes when nobody listens: not kept, not unrouted', async () => {
    const sender = await connect('sender');
    await sender.broadcast(AppointmentStateChanged, changed('apt-nobody'));
    const late = await listening('web-late');
    await sender.broadcast(AppointmentStateChanged, changed('apt-heard'));
    await eventually(() => late.heard.length === 1, 'the broadcast after it listens');
    await sleep(200);
    expect(late.heard.map((m) => m.data.appointmentId)).toEqual(['apt-heard']);
    expect(await sender.checkUnrouted()).toBe(0);
  });

  it('refuses to broadcast a message that breaks its contract', async () => {
    const sender = await connect('sender');
    const broken = { ...changed(), data: { appointmentId: 'apt-1' } } as unknown as Changed;
    await expect(sender.broadcast(AppointmentStateChanged, broken)).rejects.toThrow(
      /appointment.state-changed/,
    );
  });

  it('logs and drops what is not a valid message, and goes on hearing', async () => {
    const { logger, lines } = recordingLogger();
    const { bus, heard } = await listening('web-1', { logger });
    const probe = await openProbe(broker.current.url);
    try {
      await probe.publishRaw(bus.names.broadcastExchange, 'appointment.state-changed', '{oops');
      await probe.publishRaw(
        bus.names.broadcastExchange,
        'appointment.state-changed',
        JSON.stringify({ ...changed(), data: {} }),
      );
    } finally {
      await probe.close();
    }
    await bus.broadcast(AppointmentStateChanged, changed('apt-after'));
    await eventually(() => heard.length === 1, 'the valid broadcast after the bad ones');
    expect(heard[0]!.data.appointmentId).toBe('apt-after');
    const dropped = lines.filter((line) => line.msg === 'invalid broadcast dropped');
    expect(dropped.map((line) => line.code)).toEqual(['malformed_json', 'contract_violation']);
  });

  it('comes back after its connection is closed, on a fresh queue, and hears again', async () => {
    const service = uniqueName('web');
    const { bus, heard } = await listening(service, { reconnect: { baseMs: 50, maxMs: 200 } });
    const closed = await closeConnectionsNamed(`${service}:listen:live`, {
      broker: broker.current,
    });
    expect(closed).toHaveLength(1);
    await eventually(() => bus.health().listeners?.live === true, 'the listener is back');
    await bus.broadcast(AppointmentStateChanged, changed('apt-after-reconnect'));
    await eventually(() => heard.length === 1, 'a broadcast after the reconnect');
    expect(heard[0]!.data.appointmentId).toBe('apt-after-reconnect');
  });

  it('leaves no queue behind when it stops', async () => {
    const { bus } = await listening('web-1');
    const queuesBefore = await broadcastQueues();
    expect(queuesBefore).toBeGreaterThan(0);
    await bus.close();
    buses.splice(buses.indexOf(bus), 1);
    await eventually(async () => (await broadcastQueues()) < queuesBefore, 'the queue is gone');
  });

  /** How many queues are bound to this namespace's broadcast exchange (server-named, so counted). */
  async function broadcastQueues(): Promise<number> {
    const output = await rabbitmqctl(
      ['-q', 'list_bindings', 'source_name', 'destination_name', '--no-table-headers'],
      { broker: broker.current },
    );
    return output.split('\n').filter((line) => line.startsWith(`${namespace}.broadcast\t`)).length;
  }
});
