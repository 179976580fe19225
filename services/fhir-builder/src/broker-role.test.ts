import { processNamed } from '@mbs/processes';
import { appointmentSentToModality } from './handlers/appointment-sent-to-modality';
import { CONSUMER } from './service';

/**
 * fhir-builder's broker user may do exactly its role in the table of processes (docs/adr/0005):
 * what its code consumes must be that role, or the broker refuses the binding at start.
 */
describe("fhir-builder's role on the bus is what its code consumes", () => {
  it('consumes under its own name, bound to what its one handler takes', () => {
    const role = processNamed('fhir-builder')!.broker!;
    expect(role.consumer).toBe(CONSUMER);
    const handler = appointmentSentToModality({} as never);
    expect(role.consumes.map((contract) => contract.type)).toEqual([handler.contract.type]);
  });
});
