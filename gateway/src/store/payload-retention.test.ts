import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliverBody, DeliveryOutcome } from '@mbs/contracts';
import { eventually, quietLogger, removeDir, tempDir } from '../../test/support';
import { GatewayStore, type MessageStatus } from './gateway-store';
import { PayloadRetention } from './payload-retention';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-11-26T09:00:00.000Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);

/** Something a payload holds and nothing else does, to look for in the file's bytes. */
const MARKER = 'PATIENT-JANE-DOE-9434765919';

const body = (messageId: string, payload = `{"name":"${MARKER}"}`): DeliverBody => ({
  messageId,
  appointmentId: `appt-${messageId}`,
  accessionNumber: `ACC-${messageId}`,
  messageType: 'fhir-r4',
  target: 'ris-fhir',
  contentType: 'application/fhir+json',
  payload,
  attempt: 1,
});

const outcome = (messageId: string, result: DeliveryOutcome['outcome']): DeliveryOutcome => ({
  type: 'delivery-outcome',
  eventId: `ev-${messageId}`,
  messageId,
  outcome: result,
  ...(result === 'confirmed' ? {} : { reason: 'answered 422' }),
  at: now.toISOString(),
});

describe('gateway payload retention (SQLite file)', () => {
  let dir: string;
  let file: string;
  let store: GatewayStore;
  beforeEach(() => {
    dir = tempDir('gateway-retention');
    file = join(dir, 'gateway.sqlite');
    store = GatewayStore.open(file);
  });
  afterEach(() => {
    store.close();
    removeDir(dir);
  });

  /** A message taken a day before `outcomeDaysAgo`, and then (unless `received`) its outcome. */
  const given = (
    messageId: string,
    status: MessageStatus,
    outcomeDaysAgo: number,
    payload?: string,
  ) => {
    store.recordReceived(body(messageId, payload), undefined, daysAgo(outcomeDaysAgo + 1));
    if (status !== 'received') {
      store.recordOutcome(
        messageId,
        status,
        undefined,
        outcome(messageId, status),
        daysAgo(outcomeDaysAgo),
      );
    }
  };

  it('removes the payload of messages confirmed longer ago than the retention, and keeps what identifies them', () => {
    given('old-confirmed', 'confirmed', 31);
    given('new-confirmed', 'confirmed', 29);
    const before = store.getMessage('old-confirmed')!;

    expect(store.purgePayloads(daysAgo(30), now)).toBe(1);

    const purged = store.getMessage('old-confirmed')!;
    expect(purged.payload).toBe('');
    expect(purged.payloadPurgedAt).toBe(now.toISOString());
    const { payload: _p, payloadPurgedAt: _at, ...metadata } = purged;
    const { payload: _q, payloadPurgedAt: _none, ...metadataBefore } = before;
    expect(metadata).toEqual(metadataBefore);
    expect(store.getMessage('new-confirmed')).toMatchObject({
      payload: `{"name":"${MARKER}"}`,
      payloadPurgedAt: undefined,
    });
    // Once is enough: a second run changes nothing and keeps the first date.
    expect(store.purgePayloads(new Date(now.getTime() + DAY), new Date(now.getTime() + DAY))).toBe(
      1,
    );
    expect(store.getMessage('old-confirmed')!.payloadPurgedAt).toBe(now.toISOString());
  });

  it.each<MessageStatus>(['received', 'rejected', 'unavailable'])(
    'never purges a %s message (still waiting, or failed and resendable), however old',
    (status) => {
      given('old', status, 400);
      expect(store.purgePayloads(daysAgo(30), now)).toBe(0);
      expect(store.getMessage('old')).toMatchObject({
        payload: `{"name":"${MARKER}"}`,
        payloadPurgedAt: undefined,
      });
    },
  );

  it('still knows a purged message: a deliver of it again is "already have it, confirmed", never delivered again', () => {
    given('old', 'confirmed', 31);
    store.purgePayloads(daysAgo(30), now);
    expect(store.recordReceived(body('old'), undefined)).toMatchObject({
      recorded: false,
      existing: { status: 'confirmed', payload: '' },
    });
    expect(store.reopen('old', 5)).toBe(false);
    expect(store.inProgress()).toEqual([]);
  });

  it('leaves no copy of a purged payload in the database file or its WAL', () => {
    // Large enough to spill onto overflow pages, as a real FHIR Bundle does.
    given('big', 'confirmed', 31, JSON.stringify({ name: MARKER, text: MARKER.repeat(500) }));
    given('small', 'confirmed', 31);
    expect(store.purgePayloads(daysAgo(30), now)).toBe(2);
    const onDisk = [file, `${file}-wal`]
      .map((path) => {
        try {
          return readFileSync(path).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('');
    expect(onDisk).not.toContain(MARKER);
    expect(onDisk).not.toContain('9434765919');
  });

  it('counts purged payloads for the health report', () => {
    given('old', 'confirmed', 31);
    store.purgePayloads(daysAgo(30), now);
    expect(store.counts()).toMatchObject({ confirmed: 1, payloadsPurged: 1 });
  });

  it('purges at start and then every interval, counting the retention from each run', async () => {
    let clock = now;
    given('first', 'confirmed', 31);
    const retention = new PayloadRetention({
      store,
      retentionMs: 30 * DAY,
      intervalMs: 20,
      logger: quietLogger(),
      now: () => clock,
    });
    retention.start();
    try {
      expect(store.getMessage('first')!.payloadPurgedAt).toBe(now.toISOString());
      given('second', 'confirmed', 29);
      clock = new Date(now.getTime() + 2 * DAY);
      await eventually(
        () => store.getMessage('second')!.payloadPurgedAt !== undefined,
        'the next run',
      );
    } finally {
      retention.stop();
    }
  });
});
