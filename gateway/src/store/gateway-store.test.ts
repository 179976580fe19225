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
