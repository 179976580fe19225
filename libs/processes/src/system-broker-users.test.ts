import { Bus, DeadLettersUnavailableError, on, topologyNames, type BrokerRole } from '@mbs/bus';
import { MessageConfirmed, type AnyContract } from '@mbs/contracts';
import { deleteNamespace, rabbitmqctl, testLogger, uniqueName, useRabbitMq } from '@mbs/testing';
import amqp, { type ChannelModel } from 'amqplib';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  busProcesses,
  setUpBrokerUsers,
  setUpDevelopmentBrokerUsers,
  type BrokerUsers,
} from './broker-users';
import type { ProcessName } from './system-processes';

const roleOf = (name: ProcessName): BrokerRole =>
  busProcesses.find((process) => process.name === name)!.broker;

/** The broker's close of a channel after `act`, or `undefined` when it stayed open. */
async function refusal(
  connection: ChannelModel,
  act: (channel: amqp.ConfirmChannel) => unknown,
): Promise<(Error & { code?: number }) | undefined> {
  const channel = await connection.createConfirmChannel();
  const closed = new Promise<Error & { code?: number }>((resolve) =>
    channel.once('error', resolve),
  );
  try {
    await act(channel);
    await channel.waitForConfirms();
  } catch {
    return closed;
  }
  await channel.close();
  return undefined;
}

/**
 * The system's own users, made by the setup every runner uses, for a namespace of this file's
 * own: once for the file (a rabbitmqctl run each way), deleted after it.
 */
describe("the system's broker users (real RabbitMQ)", () => {
  const broker = useRabbitMq();
  const namespace = uniqueName('users');
  const names = topologyNames(namespace);
  let users: BrokerUsers;
  const opened: Array<{ close(): Promise<unknown> }> = [];
  const connectAs = async (name: ProcessName) => {
    const connection = await amqp.connect(users.urls[name]);
    connection.on('error', () => undefined);
    opened.push({ close: () => connection.close().catch(() => undefined) });
    return connection;
  };

  /** A dead letter on `consumer`'s queue, put there as the administrator (the bus's way: its exchange). */
  const deadLetterAt = async (consumer: string) => {
    const admin = await amqp.connect(broker.current.url);
    try {
      const channel = await admin.createConfirmChannel();
      channel.publish(
        names.consumerExchange(consumer),
        names.deadLetterQueue(consumer),
        Buffer.from('{}'),
        { persistent: true, messageId: `dead-at-${consumer}` },
      );
      await channel.waitForConfirms();
    } finally {
      await admin.close();
    }
  };

  beforeAll(async () => {
    users = await setUpBrokerUsers({ adminUrl: broker.current.url, namespace });
  }, 120_000);
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((item) => item.close()));
  });
  afterAll(async () => {
    await users?.remove();
    await deleteNamespace(broker.current, namespace);
  }, 120_000);

  it('lets each service do all of its role with its own user', async () => {
    for (const process of busProcesses) {
      const role = process.broker;
      const bus = await Bus.connect({
        url: users.urls[process.name],
        service: process.name,
        namespace,
        logger: testLogger(process.name),
        startupRetries: 0,
      });
      opened.push({ close: () => bus.close(2_000) });
      // Its queues, bound to all it handles; a listener on all it hears.
      const handlers = (contracts: readonly AnyContract[] = []) =>
        contracts.map((contract) => on(contract, async () => undefined));
      await bus.subscribe(role.consumer!, handlers(role.consumes));
      if (role.hears) await bus.listen('live', handlers(role.hears));
      // Its own dead letters, looked at (consumed unacknowledged) as itself: its admin route's.
      await deadLetterAt(role.consumer!);
      expect(await bus.deadLetters(role.consumer!).peek()).toMatchObject({
        total: 1,
        deadLetters: [{ id: `dead-at-${role.consumer}` }],
      });
      // And every routing key it publishes, confirmed (raw: the messages' content is not the point).
      const connection = await connectAs(process.name);
      for (const contract of role.publishes) {
        const refused = await refusal(connection, (channel) =>
          channel.publish(names.exchangeFor(contract.kind), contract.type, Buffer.from('{}')),
        );
        expect([process.name, contract.type, refused?.message]).toEqual([
          process.name,
          contract.type,
          undefined,
        ]);
      }
      for (const contract of role.broadcasts ?? []) {
        const refused = await refusal(connection, (channel) =>
          channel.publish(names.broadcastExchange, contract.type, Buffer.from('{}')),
        );
        expect([process.name, contract.type, refused?.message]).toEqual([
          process.name,
          contract.type,
          undefined,
        ]);
      }
      expect([process.name, bus.health().ok]).toEqual([process.name, true]);
    }
  });

  it("refuses appointment's user message.confirmed: the broker closes its channel with ACCESS_REFUSED (403)", async () => {
    expect(roleOf('appointment').consumes).toContain(MessageConfirmed);
    const connection = await connectAs('appointment');
    const refused = await refusal(connection, (channel) =>
      channel.publish(names.exchangeFor('event'), MessageConfirmed.type, Buffer.from('{}')),
    );
    expect(refused?.code).toBe(403);
    expect(refused?.message).toContain(
      `ACCESS_REFUSED - access to topic 'message.confirmed' in exchange '${names.exchangeFor('event')}' in vhost '/' refused for user '${namespace}-appointment'`,
    );
    // Nor around the topic permissions, straight to a queue.
    const direct = await refusal(connection, (channel) =>
      channel.publish('', names.queue('web'), Buffer.from('{}')),
    );
    expect(direct?.code).toBe(403);
  });

  it("refuses web's user every other service's queue", async () => {
    const connection = await connectAs('web');
    for (const other of busProcesses.filter((process) => process.name !== 'web')) {
      const queue = names.queue(other.broker.consumer!);
      for (const [what, act] of [
        ['consume', (c: amqp.ConfirmChannel) => c.consume(queue, () => undefined)],
        ['get', (c: amqp.ConfirmChannel) => c.get(queue)],
        ['dead letters', (c: amqp.ConfirmChannel) => c.get(names.deadLetterQueue(other.name))],
      ] as const) {
        const refused = await refusal(connection, act);
        expect([other.name, what, refused?.code, refused?.message]).toEqual([
          other.name,
          what,
          403,
          expect.stringContaining('ACCESS_REFUSED'),
        ]);
      }
    }
    // Nor through the bus's look at dead letters (web's admin route's), had it asked for theirs.
    const bus = await Bus.connect({
      url: users.urls.web,
      service: 'web',
      namespace,
      logger: testLogger('web'),
      startupRetries: 0,
    });
    opened.push({ close: () => bus.close(2_000) });
    for (const other of busProcesses.filter((process) => process.name !== 'web')) {
      await deadLetterAt(other.broker.consumer!);
      const refused = await bus
        .deadLetters(other.broker.consumer!)
        .peek()
        .catch((error: unknown) => error as Error);
      expect([other.name, refused instanceof DeadLettersUnavailableError, `${refused}`]).toEqual([
        other.name,
        true,
        expect.stringContaining('ACCESS_REFUSED'),
      ]);
    }
  });

  it("npm start's users keep their passwords in an owner-only file, and the setup runs again unchanged", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mbs-broker-users-'));
    const file = path.join(dir, 'broker-users.json');
    const devNamespace = uniqueName('users-dev');
    let first: BrokerUsers | undefined;
    try {
      first = await setUpDevelopmentBrokerUsers({
        adminUrl: broker.current.url,
        namespace: devNamespace,
        file,
      });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const second = await setUpDevelopmentBrokerUsers({
        adminUrl: broker.current.url,
        namespace: devNamespace,
        file,
      });
      expect(second.urls).toEqual(first.urls);
      const connection = await amqp.connect(second.urls.web);
      await connection.close();
    } finally {
      await first?.remove();
      rmSync(dir, { recursive: true, force: true });
    }
    const listed = await rabbitmqctl(['-q', 'list_users', '--no-table-headers']);
    expect(listed).not.toContain(devNamespace);
  });
});
