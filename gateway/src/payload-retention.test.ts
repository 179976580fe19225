import type { RelayEmulator } from '@mbs/relay-emulator';
import {
  connectDispatcher,
  deliverBody,
  eventually,
  removeDir,
  startEmulator,
  startFakeTarget,
  startTestGateway,
  tempDir,
  type FakeDispatcher,
  type FakeTarget,
} from '../test/support';
import type { Gateway } from './gateway';

describe('gateway payload retention (real sockets: relay emulator, HTTP target, SQLite)', () => {
  let emulator: RelayEmulator;
  let target: FakeTarget;
  let dataDir: string;
  let gateway: Gateway | undefined;
  let dispatcher: FakeDispatcher | undefined;

  beforeEach(async () => {
    emulator = await startEmulator();
    target = await startFakeTarget();
    dataDir = tempDir('gateway-retention');
  });
  afterEach(async () => {
    await dispatcher?.close().catch(() => undefined);
    await gateway?.stop(1000);
    await target.close();
    await emulator.close();
    removeDir(dataDir);
  });

  it('purges a confirmed payload after the retention, and still answers its resend "already have it"', async () => {
    gateway = await startTestGateway(
      emulator,
      [{ name: 'ris-fhir', kind: 'http', url: target.url, timeoutMs: 10_000, retries: 0 }],
      dataDir,
      { payloadRetentionMs: 200, purgeIntervalMs: 50 },
    );
    dispatcher = await connectDispatcher(emulator);
    dispatcher.autoAck = true;
    const body = deliverBody('ris-fhir');
    await dispatcher.deliver(body);
    await eventually(
      () => gateway!.store.getMessage(body.messageId)?.status === 'confirmed',
      'confirmed',
    );
    await eventually(
      () => gateway!.store.getMessage(body.messageId)?.payloadPurgedAt !== undefined,
      'the payload purged',
    );
    expect(gateway.store.getMessage(body.messageId)).toMatchObject({
      status: 'confirmed',
      payload: '',
      accessionNumber: body.accessionNumber,
    });
    expect(gateway.health()).toMatchObject({ payloadsPurged: 1 });

    const again = await dispatcher.deliver({ ...body, attempt: 2, resend: 1 });
    expect(again.body).toEqual({
      messageId: body.messageId,
      status: 'already_have',
      outcome: 'confirmed',
    });
    expect(target.requests).toHaveLength(1);
  });
});
