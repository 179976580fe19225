import {
  CheckIn,
  MessageConfirmed,
  MessageDelivered,
  SendToModality,
  createMessage,
} from '@mbs/contracts';
import { PermanentError, TransientError } from '@mbs/errors';
import { deleteNamespace, uniqueName, useRabbitMq } from '@mbs/testing';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { randomBytes } from 'node:crypto';
import { eventually, openProbe, quietLogger } from '../test/support';
import { deleteUsersWithRabbitmqctl, importDefinitionsWithRabbitmqctl } from './broker-admin';
import { brokerDefinitions, rabbitPasswordHash, type BrokerUser } from './broker-definitions';
import type { BrokerRole } from './broker-permissions';
import { Header, on } from './index';
import { Bus, PublishRefusedError } from './index';
import { topologyNames } from './names';
import { declareExchanges } from './topology';

/**
 * Two services with a user each, as the broker setup makes them: `worker` handles send to
 * modality and publishes message delivered; `staff` publishes the command, handles the outcomes
 * and re-announces one to its own instances. Made once for the file, removed after it.
 */
const roles: Record<'worker' | 'staff', BrokerRole> = {
  worker: { consumer: 'worker', publishes: [MessageDelivered], consumes: [SendToModality] },
  staff: {
    consumer: 'staff',
    // Nobody handles check in here: it goes to the unrouted queue.
    publishes: [SendToModality, CheckIn],
    consumes: [MessageDelivered],
    broadcasts: [MessageConfirmed],
    hears: [MessageConfirmed],
  },
};

const delivered = (appointmentId: string) =>
  createMessage(MessageDelivered, {
    messageId: `m-${appointmentId}`,
    appointmentId,
    gatewayId: 'g-1',
    deliveredAt: new Date().toISOString(),
    attempt: 1,
  });
const confirmed = (appointmentId: string) =>
  createMessage(MessageConfirmed, {
    messageId: `m-${appointmentId}`,
    appointmentId,
    gatewayId: 'g-1',
    confirmedAt: new Date().toISOString(),
    alreadyHad: false,
  });
const sendToModality = (appointmentId: string) =>
  createMessage(SendToModality, { appointmentId, requestedBy: { userId: 'u-1', name: 'Ada' } });

describe('broker users limited to their role (real RabbitMQ)', () => {
  const broker = useRabbitMq();
  const namespace = uniqueName('access');
  const names = topologyNames(namespace);
  const password = randomBytes(18).toString('base64url');
  const users: BrokerUser[] = Object.entries(roles).map(([name, role]) => ({
    name: `${namespace}-${name}`,
    passwordHash: rabbitPasswordHash(password),
    role,
  }));
  const opened: Array<{ close(): Promise<void> }> = [];

  /** The broker URL with `service`'s user in place of the administrator. */
  const urlOf = (service: keyof typeof roles) => {
    const url = new URL(broker.current.url);
    url.username = `${namespace}-${service}`;
    url.password = password;
    return url.toString();
  };
  const connect = async (service: keyof typeof roles) => {
    const bus = await Bus.connect({
      url: urlOf(service),
      service,
      namespace,
      logger: quietLogger(),
      startupRetries: 0,
    });
    opened.push({ close: () => bus.close(2_000) });
    return bus;
  };
  /** A plain connection as `service`'s user, for what the bus never does. */
  const raw = async (service: keyof typeof roles) => {
    const connection = await amqp.connect(urlOf(service));
    connection.on('error', () => undefined);
    opened.push({ close: () => connection.close().catch(() => undefined) });
    return connection;
  };
  /** What the broker answers `attempt` on a fresh channel: the refusal that closed it, or `ok`. */
  const answer = async (
    connection: ChannelModel,
    attempt: (channel: Channel) => Promise<unknown>,
  ): Promise<string> => {
    const channel = await connection.createChannel();
    const closed = new Promise<string>((resolve) =>
      channel.on('error', (error: Error & { code?: number }) =>
        resolve(`${error.code} ${/ACCESS_REFUSED/.test(error.message) ? 'ACCESS_REFUSED' : ''}`),
      ),
    );
    channel.on('close', () => undefined);
    try {
      await attempt(channel);
    } catch {
      return closed;
    }
    await channel.close().catch(() => undefined);
    return 'ok';
  };

  beforeAll(async () => {
    await importDefinitionsWithRabbitmqctl(brokerDefinitions({ names, vhost: '/', users }));
  }, 120_000);
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((item) => item.close()));
  });
  afterAll(async () => {
    await deleteUsersWithRabbitmqctl(users.map((user) => user.name)).catch(() => undefined);
    await deleteNamespace(broker.current, namespace);
  }, 120_000);

  it('declares the shared exchanges as the bus does (an administrator declares them again unchanged)', async () => {
    const admin = await amqp.connect(broker.current.url);
    try {
      const channel = await admin.createChannel();
      await declareExchanges(channel, names);
      await channel.close();
    } finally {
      await admin.close();
    }
  });

  it('lets each service do its whole role: subscribe, publish, retry and dead-letter, broadcast and listen', async () => {
    const worker = await connect('worker');
    const staff = await connect('staff');
    const attempts = new Map<string, number>();
    await worker.subscribe(
      'worker',
      [
        on(SendToModality, async (command, { attempt }) => {
          attempts.set(command.data.appointmentId, attempt);
          if (command.data.appointmentId === 'apt-unknown')
            throw new PermanentError('unknown_appointment', 'no such appointment');
          // A retry goes through the worker's own exchange and comes back to its own queue.
          if (attempt === 1) throw new TransientError('busy', 'try again');
          await worker.publish(MessageDelivered, delivered(command.data.appointmentId));
        }),
      ],
      { retry: { attempts: 3, baseDelayMs: 50, maxDelayMs: 100 } },
    );
    const outcomes: string[] = [];
    const heard: string[] = [];
    await staff.listen('live', [
      on(MessageConfirmed, async (m) => void heard.push(m.data.appointmentId)),
    ]);
    await staff.subscribe('staff', [
      on(MessageDelivered, async (m) => void outcomes.push(m.data.appointmentId)),
    ]);

    await staff.publish(SendToModality, sendToModality('apt-1'));
    await staff.publish(SendToModality, sendToModality('apt-unknown'));
    await eventually(() => outcomes.includes('apt-1'), 'the outcome at staff');
    expect(attempts.get('apt-1')).toBe(2);

    const probe = await openProbe(broker.current.url);
    opened.push(probe);
    const [dead] = await probe.take(names.deadLetterQueue('worker'), 1);
    expect(dead!.properties.headers?.[Header.failureCode]).toBe('unknown_appointment');

    // Unrouted through the exchange's alternate exchange, which the publisher needs no right to.
    await staff.publish(
      CheckIn,
      createMessage(CheckIn, { appointmentId: 'apt-1', requestedBy: { userId: 'u', name: 'Ada' } }),
    );
    expect(await probe.depth(names.unroutedQueue)).toBe(1);

    await staff.broadcast(MessageConfirmed, confirmed('apt-1'));
    await eventually(() => heard.includes('apt-1'), 'the broadcast at the listener');
    expect(worker.health().ok && staff.health().ok).toBe(true);
  });

  it('refuses a publish outside the role: the channel closes with ACCESS_REFUSED, and the bus fails it at once', async () => {
    const connection = await raw('worker');
    const refusalOf = async (exchange: string, routingKey: string) => {
      const channel = await connection.createConfirmChannel();
      const closed = new Promise<Error & { code?: number }>((resolve) =>
        channel.once('error', resolve),
      );
      channel.publish(exchange, routingKey, Buffer.from('{}'));
      return closed;
    };
    // An event it does not publish, on the exchange where it publishes its own: topic permissions.
    const topic = await refusalOf(names.exchangeFor('event'), MessageConfirmed.type);
    expect(topic.code).toBe(403);
    expect(topic.message).toContain(
      `ACCESS_REFUSED - access to topic '${MessageConfirmed.type}' in exchange '${names.exchangeFor('event')}'`,
    );
    // The commands exchange, where it publishes nothing: no write at all.
    const exchange = await refusalOf(names.exchangeFor('command'), SendToModality.type);
    expect(exchange.code).toBe(403);
    expect(exchange.message).toContain(
      `ACCESS_REFUSED - access to exchange '${names.exchangeFor('command')}'`,
    );

    const worker = await connect('worker');
    for (const attempt of [
      () => worker.publish(MessageConfirmed, confirmed('apt-2')),
      () => worker.publish(SendToModality, sendToModality('apt-2')),
      () => worker.broadcast(MessageConfirmed, confirmed('apt-2')),
    ]) {
      const started = Date.now();
      await expect(attempt()).rejects.toBeInstanceOf(PublishRefusedError);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    // What it may publish still goes through: the bus reopened its channel.
    await worker.publish(MessageDelivered, delivered('apt-2'));
  });

  it("refuses another service's queue and exchange, and the default exchange, whatever the routing key", async () => {
    const staff = await connect('staff');
    await staff.subscribe('staff', [on(MessageDelivered, async () => undefined)]);
    const worker = await raw('worker');
    const theirs = names.queue('staff');
    const refused = '403 ACCESS_REFUSED';
    expect(await answer(worker, (c) => c.consume(theirs, () => undefined))).toBe(refused);
    expect(await answer(worker, (c) => c.get(theirs))).toBe(refused);
    expect(await answer(worker, (c) => c.purgeQueue(theirs))).toBe(refused);
    expect(await answer(worker, (c) => c.deleteQueue(theirs))).toBe(refused);
    const publishes = [
      ['', theirs],
      ['', names.queue('worker')],
      [names.consumerExchange('staff'), theirs],
    ] as const;
    for (const [exchange, routingKey] of publishes) {
      expect([
        exchange,
        routingKey,
        await answer(worker, async (c) => {
          c.publish(exchange, routingKey, Buffer.from('{}'));
          // A refused publish closes the channel; a declare-ok after it would mean it went through.
          await c.checkQueue(names.queue('staff'));
        }),
      ]).toEqual([exchange, routingKey, refused]);
    }
  });

  it('binds its queue only to what it handles, and configures none of the shared exchanges', async () => {
    const worker = await connect('worker');
    await worker.subscribe('worker', [on(SendToModality, async () => undefined)]);
    const connection = await raw('worker');
    const own = names.queue('worker');
    const refused = '403 ACCESS_REFUSED';
    expect(await answer(connection, (c) => c.bindQueue(own, names.exchangeFor('event'), '#'))).toBe(
      refused,
    );
    expect(
      await answer(connection, (c) =>
        c.bindQueue(own, names.exchangeFor('event'), MessageConfirmed.type),
      ),
    ).toBe(refused);
    expect(await answer(connection, (c) => c.bindQueue(own, names.broadcastExchange, '#'))).toBe(
      refused,
    );
    expect(await answer(connection, (c) => c.deleteExchange(names.exchangeFor('command')))).toBe(
      refused,
    );
    expect(await answer(connection, (c) => c.deleteQueue(names.unroutedQueue))).toBe(refused);
    expect(
      await answer(connection, (c) => c.assertQueue(`${namespace}.staff.mine`, { durable: false })),
    ).toBe(refused);
    // Its own: allowed.
    expect(
      await answer(connection, (c) =>
        c.bindQueue(own, names.exchangeFor('command'), SendToModality.type),
      ),
    ).toBe('ok');
  });

  it('a restricted service on a broker without the setup says to run it', async () => {
    const bare = uniqueName('access-bare');
    const bareNames = topologyNames(bare);
    const user: BrokerUser = {
      name: `${bare}-worker`,
      passwordHash: rabbitPasswordHash(password),
      role: roles.worker,
    };
    await importDefinitionsWithRabbitmqctl({
      ...brokerDefinitions({ names: bareNames, vhost: '/', users: [user] }),
      exchanges: [],
      queues: [],
      bindings: [],
    });
    try {
      const url = new URL(broker.current.url);
      url.username = user.name;
      url.password = password;
      await expect(
        Bus.connect({
          url: url.toString(),
          service: 'worker',
          namespace: bare,
          logger: quietLogger(),
          startupRetries: 0,
        }),
      ).rejects.toThrow(/may not declare them: run the broker setup first/);
    } finally {
      await deleteUsersWithRabbitmqctl([user.name]).catch(() => undefined);
      await deleteNamespace(broker.current, bare);
    }
  });
});
