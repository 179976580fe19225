import { connectStore, type Store } from '@mbs/store';
import { useMongoDb } from '@mbs/testing';
import { givenAppointment, quietLogger } from '../../test/support';
import { createModels, type Models } from '../store/models';
import { applyTransition, type TransitionDone } from './apply-transition';
import { ConcurrentChangeError } from './handler-errors';

/** The bus's part, played here: a transient refusal is tried again until the change is made. */
async function untilApplied(apply: () => Promise<TransitionDone>): Promise<TransitionDone> {
  for (;;) {
    try {
      return await apply();
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError)) throw error;
    }
  }
}

describe('applyTransition on MongoDB', () => {
  const mongo = useMongoDb({ dbPrefix: 'appointment_transition' });
  let store: Store;
  let models: Models;

  beforeAll(async () => {
    store = await connectStore({
      url: mongo.current.url,
      dbName: mongo.current.dbName,
      logger: quietLogger(),
    });
    models = createModels(store.connection);
  });
  afterAll(() => store?.close());

  it('counts copies of a fact that changes nothing on one entry, even when they are handled at once', async () => {
    const { appointmentId } = await givenAppointment(models, 'with_modality');
    const deps = { models, bus: { publish: async () => undefined }, now: () => new Date() };
    // Six copies of "examination started" (each its own event), all read before any writes.
    const copies = Array.from({ length: 6 }, (_, i) =>
      untilApplied(() =>
        applyTransition(deps, {
          appointmentId,
          action: 'examination_started',
          cause: { id: `started-${i}`, type: 'modality.event-reported', correlationId: 'c' },
          reason: 'Examination started',
        }),
      ),
    );
    await Promise.all(copies);
    const stored = await models.Appointment.findOne({ appointmentId }).lean();
    expect(stored!.history.map((h) => [h.from, h.to, h.repeats ?? 0])).toEqual([
      ['with_modality', 'with_modality', 5],
    ]);
  });
});
