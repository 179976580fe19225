import type { AnyContract } from '@mbs/contracts';
import { processNamed } from '@mbs/processes';
import { commandOf } from './commands/staff-commands';
import { liveContracts } from './live/live-feed';
import { CONSUMER, liveListenerHandlers, liveRelayHandlers } from './live/live-relay';

const types = (contracts: readonly AnyContract[] = []) => contracts.map((c) => c.type).sort();

/**
 * web's broker user may do exactly its role in the table of processes (docs/adr/0005): what the
 * code does must be that role, or the broker refuses it.
 */
describe("web's role on the bus is what its code does", () => {
  const role = processNamed('web')!.broker!;
  const relayed = liveRelayHandlers({ broadcast: async () => undefined }, {} as never).map(
    (handler) => handler.contract,
  );

  it('consumes under its own name', () => {
    expect(role.consumer).toBe(CONSUMER);
  });

  it('publishes exactly the staff commands its actions send', () => {
    expect(types(role.publishes)).toEqual(types(Object.values(commandOf)));
  });

  it('binds its queue to what it relays, re-announces that, and its replicas hear what pages show', () => {
    expect(types(role.consumes)).toEqual(types(relayed));
    expect(types(role.broadcasts)).toEqual(types(relayed));
    expect(types(role.hears)).toEqual(types(liveContracts));
    expect(types(role.hears)).toEqual(
      types(liveListenerHandlers({} as never).map((handler) => handler.contract)),
    );
  });
});
