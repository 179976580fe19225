import { newTraceparent, type RelaySession, type SessionFrame } from '@mbs/relay';
import { quietLogger } from '../../test/support';
import type { OutcomePublisher } from '../delivery/outcome-publisher';
import type { MessageStore } from '../messages/message-store';
import { upstreamHandler } from './upstream-events';

const modalityFrame: SessionFrame = {
  kind: 'event',
  id: 'frame-1',
  traceparent: newTraceparent(),
  body: {
    type: 'modality-event',
    eventId: 'mpps-9',
    accessionNumber: 'ACC0009',
    event: 'examination_completed',
    happenedAt: '2026-11-26T10:00:00.000Z',
  },
};

const outcomeFrame = (messageId: string): SessionFrame => ({
  kind: 'event',
  id: 'frame-2',
  traceparent: newTraceparent(),
  body: {
    type: 'delivery-outcome',
    eventId: 'out-1',
    messageId,
    outcome: 'confirmed',
    at: '2026-11-26T10:00:00.000Z',
  },
});

/** Only what the refusals read: the stored message, by id. */
const storeWith = (stored: Record<string, { gatewayId: string }>) =>
  ({
    get: async (messageId: string) => stored[messageId] ?? null,
  }) as unknown as MessageStore;

function harness(publish: () => Promise<void>, messages = {} as MessageStore) {
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
    messages,
    outcomes: {} as OutcomePublisher,
    logger: quietLogger(),
    schedule: { limit: 3, baseMs: 100, maxMs: 1000 },
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

  it('refuses an outcome for a message it does not have, naming it, without publishing', async () => {
    const { order, sent, run } = harness(async () => undefined, storeWith({}));
    await run(outcomeFrame('msg-unknown'));
    expect(order).toEqual(['send ack']);
    expect(sent[0]!.body).toEqual({
      eventId: 'out-1',
      status: 'refused',
      reason: 'no message msg-unknown here',
    });
  });

  it('refuses an outcome from a gateway the message was not sent through', async () => {
    const { order, sent, run } = harness(
      async () => undefined,
      storeWith({ 'msg-elsewhere': { gatewayId: 'gateway-y' } }),
    );
    await run(outcomeFrame('msg-elsewhere'));
    expect(order).toEqual(['send ack']);
    expect(sent[0]!.body).toEqual({
      eventId: 'out-1',
      status: 'refused',
      reason: 'message msg-elsewhere was sent to gateway gateway-y, not gateway-x',
    });
  });

  it('refuses an unavailable outcome that does not say why', async () => {
    const { sent, run } = harness(async () => undefined, storeWith({}));
    const frame = outcomeFrame('msg-1');
    await run({ ...frame, body: { ...(frame.body as object), outcome: 'unavailable' } });
    expect(sent[0]!.body).toMatchObject({ eventId: 'out-1', status: 'refused' });
    expect((sent[0]!.body as { reason: string }).reason).toContain('reason');
  });
});
