import {
  keyEnvironment,
  keyVariables,
  processEnvironment,
  type KeyVariable,
  type ProcessPorts,
} from '@mbs/processes';
import { sourceOfEntryPoint, startScriptEntryPoint } from './entry-points';
import {
  defaultPort,
  isSecretVariable,
  loadProcessConfig,
  processes,
  readsVariable,
} from './processes';
import { placeholderSecret } from './secret-placeholders';

/** Where npm start runs each process: the table's default ports. */
const ports = Object.fromEntries(
  processes.map((process) => [process.name, process.declared.listen.defaultPort]),
) as unknown as ProcessPorts;

/** Key-shaped values for every key variable, as the development keys give them. */
const keys = Object.fromEntries(
  keyVariables.map((variable) => [variable, placeholderSecret(variable)]),
) as Record<KeyVariable, string>;

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

    it('gives it the key variables it reads, each a secret of its configuration', () => {
      for (const variable of process.declared.keys ?? [])
        expect([variable, isSecretVariable(process, variable)]).toEqual([variable, true]);
      // And none it does not read: a key variable a process has no use for is not handed to it.
      for (const variable of keyVariables.filter((v) => readsVariable(process, v)))
        expect(process.declared.keys).toContain(variable);
    });

    it('wires it with variables it reads, and its loader accepts them (with its keys, as npm start gives them)', () => {
      const env = {
        ...processEnvironment(process.declared, ports),
        ...keyEnvironment(process.declared, keys),
      };
      for (const name of Object.keys(env))
        expect([name, readsVariable(process, name)]).toEqual([name, true]);
      expect(() => loadProcessConfig(process, env)).not.toThrow();
    });
  },
);
