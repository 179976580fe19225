import type { RelaySession, SessionFrame } from '@mbs/relay';
import { quietLogger } from '../../test/support';
import type { OutcomePublisher } from '../delivery/outcome-publisher';
import type { MessageStore } from '../messages/message-store';
import { upstreamHandler } from './upstream-events';

const modalityFrame: SessionFrame = {
  kind: 'event',
  id: 'frame-1',
  body: {
    type: 'modality-event',
    eventId: 'mpps-9',
    accessionNumber: 'ACC0009',
    event: 'examination_completed',
    happenedAt: '2026-11-26T10:00:00.000Z',
  },
};

function harness(publish: () => Promise<void>) {
  const order: string[] = [];
  const sent: Array<{ kind: string; body?: unknown }> = [];
  const session = {
    send: (frame: { kind: string; body?: unknown }) => {
      order.push(`send ${frame.kind}`);
      sent.push(frame);
      return frame;
    },
  } as unknown as RelaySession;
  const handler = upstreamHandler('gateway-x', {
    bus: {
      publish: async () => {
        order.push('publish start');
        await publish();
        order.push('publish confirmed');
      },
    },
    messages: {} as MessageStore,
    outcomes: {} as OutcomePublisher,
    logger: quietLogger(),
  });
  return { order, sent, run: (frame: SessionFrame) => handler(frame, session) };
}

describe('upstream events', () => {
  it('acknowledges a modality event only after its publish is confirmed', async () => {
    const { order, sent, run } = harness(() => new Promise((r) => setTimeout(r, 20)));
    await run(modalityFrame);
    expect(order).toEqual(['publish start', 'publish confirmed', 'send ack']);
    expect(sent[0]!.body).toEqual({ eventId: 'mpps-9', status: 'accepted' });
  });

  it('sends no ack when the publish fails, so the gateway keeps the event and resends it', async () => {
    const { sent, run } = harness(() => Promise.reject(new Error('broker away')));
    await run(modalityFrame);
    expect(sent).toEqual([]);
  });

  it('refuses an invalid body with the reason, without publishing', async () => {
    const { order, sent, run } = harness(async () => undefined);
    await run({ ...modalityFrame, body: { type: 'modality-event', eventId: 'mpps-10' } });
    expect(order).toEqual(['send ack']);
    expect(sent[0]!.body).toMatchObject({ eventId: 'mpps-10', status: 'refused' });
    expect((sent[0]!.body as { reason: string }).reason).toContain('accessionNumber');
  });
});
