import { parseDockerfile, type DockerStage } from './dockerfile';
import { sourceOfEntryPoint, startScriptEntryPoint } from './entry-points';
import { defaultPort, processes } from './processes';
import { readRepositoryFile } from './repository';

const stages = parseDockerfile(readRepositoryFile('Dockerfile'));
const stage = (name: string): DockerStage | undefined => stages.find((s) => s.name === name);

describe('Dockerfile', () => {
  it('builds on node:20-bookworm-slim: npm ci, turbo build, production dependencies only', () => {
    const text = readRepositoryFile('Dockerfile');
    expect(stages.every((s) => s.from === 'node:20-bookworm-slim' || stage(s.from))).toBe(true);
    expect(stage('build')?.from).toBe('node:20-bookworm-slim');
    expect(text).toMatch(/RUN .*npm ci\b/);
    expect(text).toMatch(/RUN npx turbo run build\b/);
    expect(text).toMatch(/npm prune --omit=dev/);
    expect(stage('runtime')?.from).toBe('node:20-bookworm-slim');
  });

  it('runs as a non-root numeric user with NODE_ENV=production', () => {
    const runtime = stage('runtime')!;
    expect(runtime.env.NODE_ENV).toBe('production');
    expect(runtime.user).toMatch(/^[1-9]\d*(:\d+)?$/);
  });

  describe.each(processes.map((p) => [p.name, p] as const))('target %s', (name, process) => {
    const target = stage(name);

    it('exists and is built on the runtime stage, as the non-root user', () => {
      expect(target?.from).toBe('runtime');
      expect(target?.user).toBe(stage('runtime')!.user);
    });

    it('starts the entry point the workspace builds, as its own npm start and the table of processes do', () => {
      expect(target?.cmd?.[0]).toBe('node');
      const entry = target!.cmd![1]!;
      expect(sourceOfEntryPoint(process, entry)).toBeDefined();
      expect(entry).toBe(startScriptEntryPoint(process));
      expect(entry).toBe(process.entry);
    });

    it("sets and exposes the code's default port, and its healthcheck probes it", () => {
      const port = defaultPort(process);
      expect(target!.env[process.portVariable]).toBe(String(port));
      expect(target!.expose).toEqual([port]);
      const probed =
        process.health === 'http'
          ? `http://127.0.0.1:\${${process.portVariable}}/health`
          : `tcp://127.0.0.1:\${${process.portVariable}}`;
      expect(target!.healthcheck).toBe(`node /usr/local/lib/mbs/healthcheck.mjs "${probed}"`);
    });
  });

  it('keeps host installs, builds and secrets out of the build context', () => {
    const ignored = readRepositoryFile('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.git', '.env', '**/.env', '.data']) {
      expect(ignored).toContain(entry);
    }
  });
});
