import { brokerPermissions, topologyNames } from '@mbs/bus';
import { allContracts, type AnyContract } from '@mbs/contracts';
import { brokerSetupFrom } from './broker-setup';
import {
  brokerUrlAs,
  brokerUrlVariable,
  brokerUserName,
  busProcesses,
  systemBrokerDefinitions,
  vhostOf,
} from './broker-users';
import { processEnvironment, systemProcesses, type ProcessName } from './system-processes';

const types = (contracts: readonly AnyContract[] = []) => contracts.map((c) => c.type).sort();
/** Who may publish each contract type, from the one declaration. */
const publishersOf = (type: string) =>
  busProcesses.filter((p) => p.broker.publishes.some((c) => c.type === type)).map((p) => p.name);

describe('the bus roles in the table of processes', () => {
  it('gives a role to exactly the processes on the bus, each consuming under its own name', () => {
    expect(busProcesses.map((p) => p.name)).toEqual([
      'appointment',
      'fhir-builder',
      'relay-dispatcher',
      'web',
    ]);
    for (const process of busProcesses) expect(process.broker.consumer).toBe(process.name);
  });

  it('lets only web publish staff commands, only appointment appointment events, only the dispatcher what the gateway reports', () => {
    const table = Object.fromEntries(allContracts.map((c) => [c.type, publishersOf(c.type)]));
    expect(table).toEqual({
      'appointment.send-to-modality': ['web'],
      'appointment.check-in': ['web'],
      'appointment.cancel': ['web'],
      'appointment.mark-did-not-attend': ['web'],
      'appointment.withdraw-send': ['web'],
      'appointment.sent-to-modality': ['appointment'],
      'appointment.state-changed': ['appointment'],
      'appointment.command-rejected': ['appointment'],
      'message.ready': ['fhir-builder'],
      'message.delivered': ['relay-dispatcher'],
      'message.confirmed': ['relay-dispatcher'],
      // A send fhir-builder cannot build (no destination, an invalid payload) fails there.
      'message.failed': ['fhir-builder', 'relay-dispatcher'],
      'modality.event-reported': ['relay-dispatcher'],
    });
  });

  it('has every contract someone publishes handled by someone, and nothing handled that nobody publishes', () => {
    const published = new Set(busProcesses.flatMap((p) => types(p.broker.publishes)));
    const handled = new Set(busProcesses.flatMap((p) => types(p.broker.consumes)));
    expect([...handled].filter((type) => !published.has(type))).toEqual([]);
    expect([...published].filter((type) => !handled.has(type))).toEqual([]);
  });

  it('broadcasts only from web, which hears exactly what it re-announces', () => {
    for (const process of busProcesses) {
      if (process.name === 'web') continue;
      expect([process.name, process.broker.broadcasts, process.broker.hears]).toEqual([
        process.name,
        undefined,
        undefined,
      ]);
    }
    const web = busProcesses.find((p) => p.name === 'web')!.broker;
    expect(types(web.broadcasts)).toEqual(types(web.hears));
    expect(types(web.broadcasts)).toEqual(types(web.consumes));
  });
});

describe('systemBrokerDefinitions', () => {
  const credentials = Object.fromEntries(
    busProcesses.map((p) => [
      p.name,
      { username: brokerUserName('mbs', p.name), password: `${p.name}-password` },
    ]),
  );
  const definitions = systemBrokerDefinitions({ namespace: 'mbs', vhost: '/', credentials });

  it("are each process's role in the table, as brokerPermissions gives it, and nothing else", () => {
    expect(definitions.users.map((u) => u.name)).toEqual([
      'mbs-appointment',
      'mbs-fhir-builder',
      'mbs-relay-dispatcher',
      'mbs-web',
    ]);
    for (const process of busProcesses) {
      const expected = brokerPermissions(topologyNames('mbs'), process.broker);
      const user = brokerUserName('mbs', process.name);
      expect(definitions.permissions.filter((p) => p.user === user)).toEqual([
        {
          user,
          vhost: '/',
          configure: expected.configure,
          write: expected.write,
          read: expected.read,
        },
      ]);
      expect(definitions.topic_permissions.filter((p) => p.user === user)).toEqual(
        expected.topics.map((topic) => ({ user, vhost: '/', ...topic })),
      );
    }
    expect(JSON.stringify(definitions)).not.toContain('-password');
  });

  it("lets no user write to the default exchange or read another's queue", () => {
    const queues = busProcesses.map((p) => topologyNames('mbs').queue(p.broker.consumer!));
    for (const { user, write, read, configure } of definitions.permissions) {
      expect([user, new RegExp(write).test('amq.default')]).toEqual([user, false]);
      const own = `mbs.${user.slice('mbs-'.length)}`;
      for (const queue of queues.filter((queue) => queue !== own)) {
        expect([
          user,
          queue,
          new RegExp(read).test(queue),
          new RegExp(configure).test(queue),
        ]).toEqual([user, queue, false, false]);
      }
    }
  });
});

describe('the broker URLs', () => {
  it("puts a process's user in the administrator's URL, keeping host, port and vhost", () => {
    const url = brokerUrlAs('amqp://guest:guest@127.0.0.1:5672/mbs', {
      username: 'mbs-web',
      password: 'pw',
    });
    expect(url).toBe('amqp://mbs-web:pw@127.0.0.1:5672/mbs');
    expect(vhostOf(url)).toBe('mbs');
    expect(vhostOf('amqp://u:p@host:5672')).toBe('/');
    expect(vhostOf('amqp://u:p@host:5672/%2F')).toBe('/');
  });

  it('gives a bus process its own AMQP_URL, and no other process any', () => {
    const ports = Object.fromEntries(systemProcesses.map((p, i) => [p.name, 20_000 + i])) as Record<
      ProcessName,
      number
    >;
    const brokerUrls = Object.fromEntries(
      systemProcesses.map((p) => [p.name, `amqp://${p.name}:pw@127.0.0.1:5672`]),
    );
    for (const process of systemProcesses) {
      const amqpUrl = processEnvironment(process, ports, brokerUrls).AMQP_URL;
      expect([process.name, amqpUrl]).toEqual([
        process.name,
        process.broker ? `amqp://${process.name}:pw@127.0.0.1:5672` : undefined,
      ]);
    }
  });
});

describe('the broker setup (broker-setup.js)', () => {
  const env = Object.fromEntries(
    busProcesses.map((p) => [
      brokerUrlVariable(p.name),
      `amqps://mbs-${p.name}:${p.name}-pw@rabbitmq.example:5671/mbs`,
    ]),
  );

  it("reads each process's user from its own AMQP_URL, and the vhost they share", () => {
    expect(Object.keys(env)).toEqual([
      'APPOINTMENT_AMQP_URL',
      'FHIR_BUILDER_AMQP_URL',
      'RELAY_DISPATCHER_AMQP_URL',
      'WEB_AMQP_URL',
    ]);
    const { definitions, management } = brokerSetupFrom({
      ...env,
      BROKER_MANAGEMENT_URL: 'https://admin:secret@rabbitmq.example:15671',
    });
    expect(management).toBe('https://admin:secret@rabbitmq.example:15671');
    expect(definitions.users.map((u) => u.name)).toEqual([
      'mbs-appointment',
      'mbs-fhir-builder',
      'mbs-relay-dispatcher',
      'mbs-web',
    ]);
    expect(new Set(definitions.permissions.map((p) => p.vhost))).toEqual(new Set(['mbs']));
    expect(definitions.exchanges.map((e) => e.name)).toContain('mbs.commands');
  });

  it('names every problem at once', () => {
    expect(() =>
      brokerSetupFrom({
        APPOINTMENT_AMQP_URL: 'amqp://127.0.0.1:5672',
        FHIR_BUILDER_AMQP_URL: 'amqp://same:pw@h/a',
        RELAY_DISPATCHER_AMQP_URL: 'amqp://same:pw@h/b',
        BROKER_MANAGEMENT_URL: 'http://rabbitmq:15672',
      }),
    ).toThrow(
      'broker setup: APPOINTMENT_AMQP_URL is not an amqp(s)://user:password@host URL; ' +
        "WEB_AMQP_URL is not set (web's AMQP_URL, its user and password); " +
        'the AMQP URLs name different vhosts: a, b; ' +
        'two processes are given the same broker user: each needs its own; ' +
        'BROKER_MANAGEMENT_URL is not an http(s)://user:password@host:port URL',
    );
  });
});
