import { createHash } from 'node:crypto';
import {
  AppointmentSentToModality,
  MessageConfirmed,
  MessageReady,
  SendToModality,
} from '@mbs/contracts';
import { brokerDefinitions, rabbitPasswordHash } from './broker-definitions';
import { brokerPermissions, NOTHING } from './broker-permissions';
import { topologyNames } from './names';
import { sharedTopology } from './topology';

const names = topologyNames('mbs');
const matches = (pattern: string, name: string) => new RegExp(pattern).test(name);

describe('a consumer’s own names', () => {
  const own = `^(?:${names.consumerResourcesPattern('fhir-builder')})$`;

  it('are its queue, every retry queue, its dead-letter queue and its direct exchange', () => {
    for (const name of [
      names.queue('fhir-builder'),
      names.retryQueue('fhir-builder', 1),
      names.retryQueue('fhir-builder', 5),
      names.retryQueue('fhir-builder', 12),
      names.deadLetterQueue('fhir-builder'),
      names.consumerExchange('fhir-builder'),
    ]) {
      expect([name, matches(own, name)]).toEqual([name, true]);
    }
  });

  it('are nothing else: not a longer consumer name, not another namespace, not a shared name', () => {
    for (const name of [
      'mbs.fhir-builder-2',
      'mbs.fhir-builderx',
      'mbs.fhir-builder.retry.0',
      'mbs.fhir-builder.retry.',
      'mbs.fhir-builder.other',
      'mbsXfhir-builder',
      'other.fhir-builder',
      'mbs.relay-dispatcher',
      names.exchangeFor('event'),
      names.unroutedQueue,
    ]) {
      expect([name, matches(own, name)]).toEqual([name, false]);
    }
  });
});

describe('brokerPermissions', () => {
  it('gives a consumer its own names, write where it publishes, read where it binds, by routing key', () => {
    const permissions = brokerPermissions(names, {
      consumer: 'fhir-builder',
      publishes: [MessageReady],
      consumes: [AppointmentSentToModality],
    });
    const own = names.consumerResourcesPattern('fhir-builder');
    expect(permissions).toEqual({
      configure: `^(?:${own})$`,
      write: `^(?:${own}|mbs\\.events)$`,
      read: `^(?:${own}|mbs\\.events)$`,
      topics: [
        { exchange: 'mbs.commands', write: NOTHING, read: NOTHING },
        {
          exchange: 'mbs.events',
          write: '^(?:message\\.ready)$',
          read: '^(?:appointment\\.sent-to-modality)$',
        },
        { exchange: 'mbs.broadcast', write: NOTHING, read: NOTHING },
      ],
    });
    expect(matches(permissions.write, 'amq.default')).toBe(false);
    expect(matches(permissions.configure, 'mbs.events')).toBe(false);
  });

  it('lets a listener make server-named queues and bind them to what it hears, a broadcaster write what it re-announces', () => {
    const permissions = brokerPermissions(names, {
      publishes: [SendToModality],
      consumes: [],
      broadcasts: [MessageConfirmed],
      hears: [MessageConfirmed],
    });
    expect(permissions.configure).toBe('^(?:amq\\.gen-.*)$');
    expect(permissions.write).toBe('^(?:amq\\.gen-.*|mbs\\.commands|mbs\\.broadcast)$');
    expect(permissions.read).toBe('^(?:amq\\.gen-.*|mbs\\.broadcast)$');
    expect(permissions.topics).toEqual([
      { exchange: 'mbs.commands', write: '^(?:appointment\\.send-to-modality)$', read: NOTHING },
      { exchange: 'mbs.events', write: NOTHING, read: NOTHING },
      {
        exchange: 'mbs.broadcast',
        write: '^(?:message\\.confirmed)$',
        read: '^(?:message\\.confirmed)$',
      },
    ]);
  });

  it('gives a role with nothing to do nothing', () => {
    const permissions = brokerPermissions(names, { publishes: [], consumes: [] });
    expect([permissions.configure, permissions.write, permissions.read]).toEqual([
      NOTHING,
      NOTHING,
      NOTHING,
    ]);
  });
});

describe('brokerDefinitions', () => {
  const definitions = brokerDefinitions({
    names,
    vhost: '/',
    users: [
      {
        name: 'mbs-fhir-builder',
        passwordHash: rabbitPasswordHash('secret'),
        role: { consumer: 'fhir-builder', publishes: [MessageReady], consumes: [] },
      },
    ],
  });

  it('holds each user with no password, only its hash, and its permissions and topic permissions', () => {
    expect(JSON.stringify(definitions)).not.toContain('secret');
    expect(definitions.users).toEqual([
      expect.objectContaining({ name: 'mbs-fhir-builder', tags: '' }),
    ]);
    expect(definitions.permissions).toHaveLength(1);
    expect(definitions.topic_permissions.map((topic) => topic.exchange)).toEqual([
      'mbs.commands',
      'mbs.events',
      'mbs.broadcast',
    ]);
  });

  it('declares the shared topology exactly as the bus does', () => {
    const topology = sharedTopology(names);
    expect(
      definitions.exchanges.map(({ name, type, arguments: a }) => ({ name, type, arguments: a })),
    ).toEqual(topology.exchanges);
    expect(definitions.queues.map(({ name, arguments: a }) => ({ name, arguments: a }))).toEqual(
      topology.queues,
    );
    expect(definitions.bindings).toEqual([
      expect.objectContaining({ source: 'mbs.unrouted', destination: 'mbs.unrouted' }),
    ]);
  });
});

describe('rabbitPasswordHash', () => {
  it('is the salt, then SHA-256 of the salt and the password, in base64', () => {
    const salt = Buffer.from([0xca, 0xd5, 0x08, 0x9b]);
    const expected = Buffer.concat([
      salt,
      createHash('sha256')
        .update(Buffer.concat([salt, Buffer.from('simon')]))
        .digest(),
    ]).toString('base64');
    expect(rabbitPasswordHash('simon', salt)).toBe(expected);
    expect(rabbitPasswordHash('simon')).not.toBe(rabbitPasswordHash('simon'));
  });
});
