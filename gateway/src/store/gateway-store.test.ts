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

describe('gateway store: retryable rejections', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir('gateway-store-retry')));
  afterEach(() => removeDir(dir));

  it('reopens a message given up on, and only that kind of rejection', () => {
    const store = GatewayStore.open(join(dir, 'gateway.sqlite'));
    try {
      const rejected = { ...outcome('out-1'), outcome: 'rejected' as const };
      store.recordReceived(body, undefined);
      store.recordOutcome('msg-1', 'rejected', 'deliver_http: gave up', rejected, new Date(), true);
      expect(store.getMessage('msg-1')).toMatchObject({ status: 'rejected', retryable: true });
      expect(store.reopen('msg-1')).toBe(true);
      expect(store.getMessage('msg-1')).toMatchObject({ status: 'received', retryable: false });
      expect(store.reopen('msg-1')).toBe(false);

      store.recordReceived({ ...body, messageId: 'msg-2' }, undefined);
      store.recordOutcome('msg-2', 'rejected', 'answered 422', {
        ...rejected,
        eventId: 'out-2',
        messageId: 'msg-2',
      });
      expect(store.reopen('msg-2')).toBe(false);
    } finally {
      store.close();
    }
  });

  it('adds the retryable column to a store made before it existed', () => {
    const file = join(dir, 'old.sqlite');
    // The schema as first released, without `retryable`.
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
      expect(store.getMessage('msg-old')).toMatchObject({ status: 'rejected', retryable: false });
      expect(store.reopen('msg-old')).toBe(false);
    } finally {
      store.close();
    }
  });
});
