import { spawn } from 'node:child_process';
import path from 'node:path';
import { TestEnvironmentError } from './errors';
import { type StartedService } from './started-service';

/**
 * The launcher script. It is plain JavaScript outside `src/`, so this path resolves the same from
 * `src/` (jest, type-checking) and from `dist/` (the built package): one level up, then `bin/`.
 */
export const mongoStandInScript = path.join(__dirname, '..', 'bin', 'mongo-stand-in.mjs');

export interface MongoStandInOptions {
  /** 0 (the default) lets the system pick a free port. */
  readonly port?: number;
  /** How long to wait for the ready line. */
  readonly startTimeoutMs?: number;
}

const READY_LINE = /^ready (mongodb:\/\/\S+)$/m;

/**
 * Starts the in-memory MongoDB stand-in (CongoDB) in a child process and resolves once it
 * listens. The child runs with `--stop-on-stdin-close`, so it stops when this process ends, even
 * when jest kills its worker without calling `stop()`.
 */
export async function startMongoStandIn(
  options: MongoStandInOptions = {},
): Promise<StartedService> {
  const { port = 0, startTimeoutMs = 15_000 } = options;
  const child = spawn(
    process.execPath,
    [mongoStandInScript, '--port', String(port), '--stop-on-stdin-close'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );

  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  // Keep draining both pipes for the child's whole life, so it never blocks on a full pipe.
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 8_000) stderr += chunk;
  });

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        new TestEnvironmentError(
          'mongodb_stand_in_failed',
          `The MongoDB stand-in (${mongoStandInScript}) ${why}.${stderr ? ` Its output: ${stderr.trim()}` : ''}`,
        ),
      );
    };
    const timer = setTimeout(
      () => fail(`did not report ready within ${startTimeoutMs} ms`),
      startTimeoutMs,
    );
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const match = READY_LINE.exec(stdout);
      if (match?.[1] && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('error', (error) => fail(`could not be started: ${error.message}`));
    child.once('exit', (code, signal) =>
      fail(`exited before it was ready (code ${code}, signal ${signal})`),
    );
  });

  // The child must not keep the test process alive; closing our end of stdin stops it anyway.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void }).unref?.();
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
}
