import { SendToModality, createMessage } from '@mbs/contracts';
import { testLogger } from '@mbs/testing';
import { effectMiscounts, idempotentRecorder } from './support';

/** The exactly-once suites are only as strict as these two helpers. */
describe('the exactly-once test kit', () => {
  it('reports a lost message, a double apply and an id never sent', () => {
    const effects = new Map([
      ['doubled', 2],
      ['once', 1],
      ['stranger', 1],
    ]);
    expect(effectMiscounts(['lost', 'doubled', 'once'], effects)).toEqual({
      lost: 0,
      doubled: 2,
      stranger: 1,
    });
  });

  it('applies a redelivered message once and counts the absorbed run as a duplicate', async () => {
    const recorder = idempotentRecorder(0);
    const message = createMessage(SendToModality, {
      appointmentId: 'apt-1',
      requestedBy: { userId: 'u', name: 'n' },
    });
    const context = { attempt: 1, lastAttempt: false, logger: testLogger('bus-test') };
    // Two runs at once, as when a redelivery overtakes a run whose connection went away.
    await Promise.all([
      recorder.handler.handle(message, { ...context, redelivered: false }),
      recorder.handler.handle(message, { ...context, redelivered: true }),
    ]);
    expect(recorder.deliveries.get(message.id)).toBe(2);
    expect(recorder.effects.get(message.id)).toBe(1);
    expect(recorder.duplicates).toBe(1);
    expect(recorder.redelivered).toBe(1);
    expect(effectMiscounts([message.id], recorder.effects)).toEqual({});
  });
});
