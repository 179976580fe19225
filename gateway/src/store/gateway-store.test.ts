import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { DeliveryOutcome } from '@mbs/contracts';
import { removeDir, tempDir } from '../../test/temp-dir';
import { GatewayStore } from './gateway-store';

const body = {
  messageId: 'msg-1',
  appointmentId: 'appt-1',
  accessionNumber: 'ACC1',
  messageType: 'fhir-r4',
  target: 'ris-fhir',
  contentType: 'application/fhir+json',
  payload: '{}',
  attempt: 1,
};
const outcome = (eventId: string): DeliveryOutcome => ({
  type: 'delivery-outcome',
  eventId,
  messageId: 'msg-1',
  outcome: 'confirmed',
  at: new Date().toISOString(),
});

describe('gateway store (SQLite file)', () => {
  let dir: string;
  let store: GatewayStore;
  beforeEach(() => {
    dir = tempDir('gateway-store');
    store = GatewayStore.open(join(dir, 'nested', 'gateway.sqlite'));
  });
  afterEach(() => {
    store.close();
    removeDir(dir);
  });

  it('uses WAL and creates its directory', () => {
    expect(store.journalMode).toBe('wal');
  });

  it('records a message once; a second record returns the first', () => {
    expect(store.recordReceived(body, undefined)).toEqual({ recorded: true });
    const again = store.recordReceived({ ...body, payload: '{"changed":true}' }, undefined);
    expect(again).toMatchObject({
      recorded: false,
      existing: { payload: '{}', status: 'received' },
    });
    expect(store.inProgress().map((m) => m.messageId)).toEqual(['msg-1']);
  });

  it('records an outcome with its upstream event once, and keeps both after reopening', () => {
    store.recordReceived(body, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(store.recordOutcome('msg-1', 'confirmed', undefined, outcome('ev-1'))).toBe(true);
    expect(store.recordOutcome('msg-1', 'rejected', 'late', outcome('ev-2'))).toBe(false);
    store.close();
    store = GatewayStore.open(join(dir, 'nested', 'gateway.sqlite'));
    expect(store.getMessage('msg-1')).toMatchObject({
      status: 'confirmed',
      outcomeAt: expect.any(String),
    });
    expect(store.pendingOutbox()).toEqual([
      expect.objectContaining({
        eventId: 'ev-1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        sends: 0,
      }),
    ]);
    expect(store.inProgress()).toEqual([]);
  });

  it('removes an event only when acknowledged; a refused one is kept but not pending', () => {
    store.addToOutbox(outcome('ev-1'), undefined);
    store.addToOutbox(outcome('ev-2'), undefined);
    store.markSent('ev-1');
    expect(store.pendingOutbox().map((e) => [e.eventId, e.sends])).toEqual([
      ['ev-1', 1],
      ['ev-2', 0],
    ]);
    expect(store.acknowledge('ev-1')).toBe(true);
    expect(store.acknowledge('ev-1')).toBe(false);
    expect(store.markRefused('ev-2', 'no such gateway')).toBe(true);
    expect(store.counts()).toMatchObject({ outboxDepth: 0, outboxRefused: 1 });
  });
});

describe('gateway store: unavailable deliveries', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir('gateway-store-retry')));
  afterEach(() => removeDir(dir));

  it('reopens a message whose target was unavailable, and never a refused or confirmed one', () => {
    const store = GatewayStore.open(join(dir, 'gateway.sqlite'));
    try {
      const unavailable = {
        ...outcome('out-1'),
        outcome: 'unavailable' as const,
        reason: 'deliver_http: gave up',
      };
      store.recordReceived(body, undefined);
      store.recordOutcome('msg-1', 'unavailable', 'deliver_http: gave up', unavailable);
      expect(store.getMessage('msg-1')).toMatchObject({ status: 'unavailable' });
      expect(store.counts()).toMatchObject({ unavailable: 1, rejected: 0, inProgress: 0 });
      expect(store.reopen('msg-1', 0)).toBe(true);
      expect(store.getMessage('msg-1')).toMatchObject({ status: 'received', reason: undefined });
      expect(store.reopen('msg-1', 0)).toBe(false);

      store.recordReceived({ ...body, messageId: 'msg-2' }, undefined);
      store.recordOutcome('msg-2', 'rejected', 'answered 422', {
        ...outcome('out-2'),
        messageId: 'msg-2',
        outcome: 'rejected',
      });
      expect(store.reopen('msg-2', 0)).toBe(false);
      store.recordReceived({ ...body, messageId: 'msg-3' }, undefined);
      store.recordOutcome('msg-3', 'confirmed', undefined, {
        ...outcome('out-3'),
        messageId: 'msg-3',
      });
      expect(store.reopen('msg-3', 0)).toBe(false);
    } finally {
      store.close();
    }
  });

  it('migrates a store made before `unavailable`: given-up rejections become unavailable', () => {
    const file = join(dir, 'old.sqlite');
    // The schema of the previous release: `retryable` marked a rejection given up on.
    const old = new Database(file);
    old.exec(`CREATE TABLE messages (
      message_id TEXT PRIMARY KEY, appointment_id TEXT NOT NULL, accession_number TEXT NOT NULL,
      message_type TEXT NOT NULL, target TEXT NOT NULL, content_type TEXT NOT NULL, payload TEXT NOT NULL,
      traceparent TEXT, status TEXT NOT NULL CHECK (status IN ('received', 'confirmed', 'rejected')),
      reason TEXT, received_at TEXT NOT NULL, outcome_at TEXT,
      retryable INTEGER NOT NULL DEFAULT 0) STRICT`);
    const insert = old.prepare(
      `INSERT INTO messages VALUES (?, 'a', 'ACC', 'fhir-r4', 'ris-fhir', 'application/json', '{}', NULL, 'rejected', 'x', '2026-01-01T00:00:00Z', NULL, ?)`,
    );
    insert.run('msg-refused', 0);
    insert.run('msg-given-up', 1);
    old.close();

    const store = GatewayStore.open(file);
    try {
      expect(store.getMessage('msg-refused')).toMatchObject({ status: 'rejected', reason: 'x' });
      expect(store.getMessage('msg-given-up')).toMatchObject({ status: 'unavailable' });
      expect(store.reopen('msg-refused', 0)).toBe(false);
      expect(store.reopen('msg-given-up', 0)).toBe(true);
    } finally {
      store.close();
    }
  });

  it('migrates a store made before `retryable` existed, keeping its rejections final', () => {
    const file = join(dir, 'oldest.sqlite');
    const old = new Database(file);
    old.exec(`CREATE TABLE messages (
      message_id TEXT PRIMARY KEY, appointment_id TEXT NOT NULL, accession_number TEXT NOT NULL,
      message_type TEXT NOT NULL, target TEXT NOT NULL, content_type TEXT NOT NULL, payload TEXT NOT NULL,
      traceparent TEXT, status TEXT NOT NULL CHECK (status IN ('received', 'confirmed', 'rejected')),
      reason TEXT, received_at TEXT NOT NULL, outcome_at TEXT) STRICT`);
    old
      .prepare(
        `INSERT INTO messages VALUES ('msg-old', 'a', 'ACC', 'fhir-r4', 'ris-fhir', 'application/json', '{}', NULL, 'rejected', 'x', '2026-01-01T00:00:00Z', NULL)`,
      )
      .run();
    old.close();

    const store = GatewayStore.open(file);
    try {
      expect(store.getMessage('msg-old')).toMatchObject({ status: 'rejected' });
      expect(store.reopen('msg-old', 0)).toBe(false);
      // Its sends so far count as resend 0: a staff resend takes the old rejection again.
      expect(store.getMessage('msg-old')).toMatchObject({ resend: 0 });
      expect(store.reopen('msg-old', 1)).toBe(true);
      // The rebuilt table takes the new status.
      store.recordReceived({ ...body, messageId: 'msg-new' }, undefined);
      expect(
        store.recordOutcome('msg-new', 'unavailable', 'down', {
          ...outcome('out-new'),
          messageId: 'msg-new',
          outcome: 'unavailable',
          reason: 'down',
        }),
      ).toBe(true);
    } finally {
      store.close();
    }
  });
});

describe('gateway store: staff resends', () => {
  let dir: string;
  let store: GatewayStore;
  beforeEach(() => {
    dir = tempDir('gateway-store-resend');
    store = GatewayStore.open(join(dir, 'gateway.sqlite'));
  });
  afterEach(() => {
    store.close();
    removeDir(dir);
  });

  const reject = (messageId: string, eventId: string) =>
    store.recordOutcome(messageId, 'rejected', 'answered 422', {
      ...outcome(eventId),
      messageId,
      outcome: 'rejected',
    });

  it('takes a rejected message again only for a higher resend count, once per count', () => {
    store.recordReceived(body, undefined);
    expect(store.getMessage('msg-1')).toMatchObject({ resend: 0 });
    reject('msg-1', 'out-1');
    // A retry or duplicate of the send it was rejected at: not taken again.
    expect(store.reopen('msg-1', 0)).toBe(false);
    expect(store.getMessage('msg-1')).toMatchObject({ status: 'rejected', resend: 0 });

    expect(store.reopen('msg-1', 1)).toBe(true);
    expect(store.getMessage('msg-1')).toMatchObject({
      status: 'received',
      resend: 1,
      reason: undefined,
      outcomeAt: undefined,
    });
    // Taken: the same resend again is a duplicate while it is delivered and after.
    expect(store.reopen('msg-1', 1)).toBe(false);
    reject('msg-1', 'out-2');
    expect(store.reopen('msg-1', 1)).toBe(false);
    // A stale deliver from before the resend does not take it either.
    expect(store.reopen('msg-1', 0)).toBe(false);
    expect(store.reopen('msg-1', 2)).toBe(true);
    expect(store.getMessage('msg-1')).toMatchObject({ status: 'received', resend: 2 });
  });

  it('never takes a confirmed message again, whatever the resend count', () => {
    store.recordReceived(body, undefined);
    store.recordOutcome('msg-1', 'confirmed', undefined, outcome('out-1'));
    expect(store.reopen('msg-1', 7)).toBe(false);
    expect(store.getMessage('msg-1')).toMatchObject({ status: 'confirmed', resend: 0 });
  });

  it('records a first send at its resend count, and a higher count on a message still being delivered', () => {
    store.recordReceived({ ...body, resend: 2 }, undefined);
    expect(store.getMessage('msg-1')).toMatchObject({ status: 'received', resend: 2 });
    expect(store.reopen('msg-1', 3)).toBe(false);
    expect(store.getMessage('msg-1')).toMatchObject({ status: 'received', resend: 3 });
    // The delivery under way was resend 3's: its rejection is not taken again at 3.
    reject('msg-1', 'out-1');
    expect(store.reopen('msg-1', 3)).toBe(false);
  });

  it('adds the resend count to a store from the release before it, keeping its rows', () => {
    store.close();
    const file = join(dir, 'before-resend.sqlite');
    // The previous release's table: `unavailable` allowed, no `resend` column.
    const old = new Database(file);
    old.exec(`CREATE TABLE messages (
      message_id TEXT PRIMARY KEY, appointment_id TEXT NOT NULL, accession_number TEXT NOT NULL,
      message_type TEXT NOT NULL, target TEXT NOT NULL, content_type TEXT NOT NULL, payload TEXT NOT NULL,
      traceparent TEXT, status TEXT NOT NULL
        CHECK (status IN ('received', 'confirmed', 'rejected', 'unavailable')),
      reason TEXT, received_at TEXT NOT NULL, outcome_at TEXT) STRICT`);
    old
      .prepare(
        `INSERT INTO messages VALUES ('msg-rejected', 'a', 'ACC', 'fhir-r4', 'ris-fhir', 'application/json', '{}', NULL, 'rejected', 'answered 422', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z')`,
      )
      .run();
    old.close();

    store = GatewayStore.open(file);
    expect(store.getMessage('msg-rejected')).toMatchObject({
      status: 'rejected',
      reason: 'answered 422',
      resend: 0,
    });
    expect(store.reopen('msg-rejected', 0)).toBe(false);
    expect(store.reopen('msg-rejected', 1)).toBe(true);
    store.recordReceived({ ...body, messageId: 'msg-new', resend: 1 }, undefined);
    expect(store.getMessage('msg-new')).toMatchObject({ resend: 1 });
    // Opening it again finds the column and changes nothing.
    store.close();
    store = GatewayStore.open(file);
    expect(store.getMessage('msg-rejected')).toMatchObject({ status: 'received', resend: 1 });
  });

  it('adds the order hash to a store from before sealed orders: its messages have none and are not compared', () => {
    store.close();
    const file = join(dir, 'before-sealing.sqlite');
    // The release before: resend and payload_purged_at, no order_hash.
    const old = new Database(file);
    old.exec(`CREATE TABLE messages (
      message_id TEXT PRIMARY KEY, appointment_id TEXT NOT NULL, accession_number TEXT NOT NULL,
      message_type TEXT NOT NULL, target TEXT NOT NULL, content_type TEXT NOT NULL, payload TEXT NOT NULL,
      traceparent TEXT, status TEXT NOT NULL
        CHECK (status IN ('received', 'confirmed', 'rejected', 'unavailable')),
      reason TEXT, resend INTEGER NOT NULL DEFAULT 0, received_at TEXT NOT NULL, outcome_at TEXT,
      payload_purged_at TEXT) STRICT`);
    old
      .prepare(
        `INSERT INTO messages VALUES ('msg-old', 'a', 'ACC', 'fhir-r4', 'ris-fhir', 'application/json', '{}', NULL, 'confirmed', NULL, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', NULL)`,
      )
      .run();
    old.close();

    store = GatewayStore.open(file);
    expect(store.getMessage('msg-old')).toMatchObject({
      status: 'confirmed',
      orderHash: undefined,
    });
    expect(
      store.receive({ ...body, messageId: 'msg-old' }, undefined, new Date(), 'h1').decision,
    ).toMatchObject({
      kind: 'report-outcome',
    });
    store.receive({ ...body, messageId: 'msg-new' }, undefined, new Date(), 'h1');
    store.close();
    store = GatewayStore.open(file);
    expect(store.getMessage('msg-new')).toMatchObject({ orderHash: 'h1' });
  });
});

describe('gateway store: taking a deliver by the dedup rule', () => {
  let store: GatewayStore;
  beforeEach(() => (store = GatewayStore.open(':memory:')));
  afterEach(() => store.close());

  it('records a new message at its resend count, with its traceparent', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const taken = store.receive({ ...body, resend: 1 }, traceparent);
    expect(taken).toEqual({
      decision: { kind: 'take' },
      found: undefined,
      message: expect.objectContaining({ status: 'received', resend: 1, traceparent }),
    });
    expect(store.getMessage('msg-1')).toEqual(taken.message);
  });

  it('takes an unavailable message again, clearing its outcome, and keeps the first copy', () => {
    store.recordReceived(body, undefined);
    store.recordOutcome('msg-1', 'unavailable', 'down', {
      ...outcome('out-1'),
      outcome: 'unavailable',
    });
    const taken = store.receive({ ...body, payload: '{"changed":true}', attempt: 2 }, undefined);
    expect(taken.decision).toEqual({ kind: 'take-again', resend: 0 });
    expect(taken.found).toMatchObject({ status: 'unavailable', reason: 'down' });
    expect(taken.message).toMatchObject({
      status: 'received',
      reason: undefined,
      outcomeAt: undefined,
      payload: '{}',
    });
    expect(store.inProgress().map((m) => m.messageId)).toEqual(['msg-1']);
  });

  it('changes nothing for a deliver of a final outcome', () => {
    store.recordReceived(body, undefined);
    store.recordOutcome('msg-1', 'rejected', 'answered 422', {
      ...outcome('out-1'),
      outcome: 'rejected',
    });
    const before = store.getMessage('msg-1');
    const taken = store.receive({ ...body, attempt: 2 }, undefined);
    expect(taken.decision).toEqual({
      kind: 'report-outcome',
      outcome: 'rejected',
      reason: 'answered 422',
    });
    expect(taken.message).toEqual(before);
    expect(store.getMessage('msg-1')).toEqual(before);
  });

  it('records the hash of a new order, and refuses a known id with another order, changing nothing', () => {
    const taken = store.receive(body, undefined, new Date(), 'hash-1');
    expect(taken.message).toMatchObject({ orderHash: 'hash-1' });
    const before = store.getMessage('msg-1');
    const replayed = store.receive(
      { ...body, payload: '{"other":1}', resend: 3 },
      undefined,
      new Date(),
      'hash-2',
    );
    expect(replayed.decision).toEqual({ kind: 'refuse-different-content' });
    expect(store.getMessage('msg-1')).toEqual(before);
    expect(store.receive(body, undefined, new Date(), 'hash-1').decision.kind).toBe(
      'still-delivering',
    );
  });

  it('records a higher resend count on a message still being delivered, and returns it as found', () => {
    store.recordReceived(body, undefined);
    const taken = store.receive({ ...body, resend: 2 }, undefined);
    expect(taken.decision).toEqual({
      kind: 'still-delivering',
      raiseResendTo: 2,
      reason: undefined,
    });
    expect(taken.found).toMatchObject({ status: 'received', resend: 0 });
    expect(taken.message).toMatchObject({ status: 'received', resend: 2 });
  });
});
