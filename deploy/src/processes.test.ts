import { processEnvironment, type ProcessPorts } from '@mbs/processes';
import { sourceOfEntryPoint, startScriptEntryPoint } from './entry-points';
import { defaultPort, loadProcessConfig, processes, readsVariable } from './processes';

/** Where npm start runs each process: the table's default ports. */
const ports = Object.fromEntries(
  processes.map((process) => [process.name, process.declared.listen.defaultPort]),
) as unknown as ProcessPorts;

/**
 * The table of processes (@mbs/processes) is what npm start and the end-to-end system run: it
 * must say what each process's own code says.
 */
describe.each(processes.map((p) => [p.name, p] as const))(
  'the table of processes: %s',
  (_name, process) => {
    const { listen, entry } = process.declared;

    it("names the port and host variables its code reads, with its code's default port", () => {
      expect(process.variables[listen.portVariable]).toBeDefined();
      expect(process.variables[listen.hostVariable]).toBeDefined();
      expect(listen.defaultPort).toBe(defaultPort(process));
    });

    it('runs the entry point its workspace builds and its own npm start runs', () => {
      expect(sourceOfEntryPoint(process, entry)).toBeDefined();
      expect(startScriptEntryPoint(process)).toBe(entry);
    });

    it('wires it with variables it reads, and its loader accepts them', () => {
      const env = processEnvironment(process.declared, ports);
      for (const name of Object.keys(env))
        expect([name, readsVariable(process, name)]).toEqual([name, true]);
      expect(() => loadProcessConfig(process, env)).not.toThrow();
    });
  },
);
