import { processNamed } from '@mbs/processes';
import { appointmentHandlers } from './handlers';
import { CONSUMER } from './service';

/**
 * appointment's broker user may do exactly its role in the table of processes (docs/adr/0005):
 * what its code consumes must be that role, or the broker refuses the binding at start.
 */
describe("appointment's role on the bus is what its code consumes", () => {
  it('consumes under its own name, bound to exactly the contracts its handlers take', () => {
    const role = processNamed('appointment')!.broker!;
    expect(role.consumer).toBe(CONSUMER);
    const handled = appointmentHandlers({} as never).map((handler) => handler.contract.type);
    expect(role.consumes.map((contract) => contract.type).sort()).toEqual(handled.sort());
  });
});
