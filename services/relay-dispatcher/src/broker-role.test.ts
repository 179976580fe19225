import { processNamed } from '@mbs/processes';
import { messageReady } from './handlers/message-ready';
import { CONSUMER } from './service';

/**
 * relay-dispatcher's broker user may do exactly its role in the table of processes
 * (docs/adr/0005): what its code consumes must be that role, or the broker refuses the binding
 * at start.
 */
describe("relay-dispatcher's role on the bus is what its code consumes", () => {
  it('consumes under its own name, bound to what its one handler takes', () => {
    const role = processNamed('relay-dispatcher')!.broker!;
    expect(role.consumer).toBe(CONSUMER);
    expect(role.consumes).toEqual([messageReady({} as never).contract]);
  });
});
