import { newTraceparent, type RelaySession, type SessionFrame } from '@mbs/relay';
import { quietLogger } from '../../test/support';
import type { OutcomePublisher } from '../delivery/outcome-publisher';
import type { MessageStore } from '../messages/message-store';
import { upstreamHandler } from './upstream-events';
import { UpstreamRefusals } from './upstream-refusals';

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

/**
 * Only what the handler reads: the stored message, by id; and which accession numbers each
 * gateway was delivered (ACC0009 through gateway-x, unless a test says otherwise).
 */
const storeWith = (
  stored: Record<string, { gatewayId: string }>,
  delivered: ReadonlyArray<[string, string]> = [['ACC0009', 'gateway-x']],
) =>
  ({
    get: async (messageId: string) => stored[messageId] ?? null,
    deliveredThrough: async (accessionNumber: string, gatewayId: string) =>
      delivered.some(([a, g]) => a === accessionNumber && g === gatewayId),
  }) as unknown as MessageStore;

function harness(publish: () => Promise<void>, messages = storeWith({})) {
  const order: string[] = [];
  const sent: Array<{ kind: string; body?: unknown }> = [];
  const session = {
    send: (frame: { kind: string; body?: unknown }) => {
      order.push(`send ${frame.kind}`);
      sent.push(frame);
      return frame;
    },
  } as unknown as RelaySession;
  const refusals = new UpstreamRefusals();
  const handler = upstreamHandler('gateway-x', {
    refusals,
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
  return { order, sent, refusals, run: (frame: SessionFrame) => handler(frame, session) };
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

  it('refuses a modality event for an accession number this gateway was never delivered, and counts it', async () => {
    // ACC0009 went through another gateway: this one may not report on it.
    const { order, sent, refusals, run } = harness(
      async () => undefined,
      storeWith({}, [['ACC0009', 'gateway-y']]),
    );
    await run(modalityFrame);
    expect(order).toEqual(['send ack']);
    expect(sent[0]!.body).toEqual({
      eventId: 'mpps-9',
      status: 'refused',
      reason: 'accession number ACC0009 was not delivered through gateway gateway-x',
    });
    expect(refusals.of('gateway-x')).toBe(1);
    expect(refusals.of('gateway-y')).toBe(0);
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
