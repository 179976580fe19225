import { openRelaySession, type RelaySession } from '@mbs/relay';
import type { RelayedFrame } from '../src';
import {
  PATH,
  SEND_KEY,
  eventually,
  onCleanup,
  startEmulator,
  startListener,
} from './relay-test-kit';

describe('the relay tap (a test hook: what the relay carries)', () => {
  it('is told every frame relayed, each way, as it was carried', async () => {
    const tapped: RelayedFrame[] = [];
    const emulator = await startEmulator({ onRelayedFrame: (frame) => tapped.push(frame) });
    const listener = startListener(emulator, {
      onSession: (session: RelaySession) =>
        session.onFrame((frame, s) => {
          s.send({ kind: 'ack', replyTo: frame.id, body: { seen: frame.body } });
        }),
    });
    await listener.waitUntilOnline(3000);
    const session = await openRelaySession({
      endpoint: emulator.url,
      path: PATH,
      ...SEND_KEY,
      timeoutMs: 5000,
    });
    onCleanup(() => session.close());
    await session.request({ kind: 'deliver', body: { order: 'the bytes on the wire' } });

    await eventually(() => tapped.length >= 2, 'both frames tapped');
    const [out, back] = tapped;
    expect(out).toMatchObject({ path: PATH, direction: 'sender-to-listener', binary: false });
    expect(JSON.parse(out!.data)).toMatchObject({
      kind: 'deliver',
      body: { order: 'the bytes on the wire' },
    });
    expect(back).toMatchObject({ direction: 'listener-to-sender', binary: false });
    expect(JSON.parse(back!.data)).toMatchObject({
      kind: 'ack',
      replyTo: JSON.parse(out!.data).id,
    });
  });
});
