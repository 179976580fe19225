import { sourceOfEntryPoint, startScriptEntryPoint } from './entry-points';
import { processNamed } from './processes';

describe('entry points', () => {
  const emulator = processNamed('relay-emulator')!;
  const gateway = processNamed('gateway')!;

  it("maps a dist file to its source through the workspace's build rootDir", () => {
    expect(sourceOfEntryPoint(emulator, 'services/relay-emulator/dist/src/main.js')).toBe(
      'services/relay-emulator/src/main.ts',
    );
    expect(sourceOfEntryPoint(gateway, 'gateway/dist/main.js')).toBe('gateway/src/main.ts');
  });

  it('finds nothing for a process that does not exist or a path outside dist', () => {
    expect(sourceOfEntryPoint(gateway, 'gateway/dist/server.js')).toBeUndefined();
    expect(sourceOfEntryPoint(emulator, 'services/relay-emulator/dist/main.js')).toBeUndefined();
    expect(sourceOfEntryPoint(gateway, 'gateway/src/main.ts')).toBeUndefined();
  });

  it('reads the file npm start runs, after any build step', () => {
    expect(startScriptEntryPoint(emulator)).toBe('services/relay-emulator/dist/src/main.js');
  });
});
