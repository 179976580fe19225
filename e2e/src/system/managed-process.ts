import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { waitUntilReady, type HealthCheck } from '@mbs/processes';

/** The repository root, where every part's built `dist/` lives. */
export const repositoryRoot = path.resolve(__dirname, '..', '..', '..');

export interface ProcessSpec {
  /** Shown in logs and failures. */
  readonly name: string;
  /** The built entry point, relative to the repository root. */
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
  /** Where it serves, and how it is seen to be ready there (its health route answering). */
  readonly url: string;
  readonly health: HealthCheck;
  readonly readyTimeoutMs?: number;
}

/**
 * One part of the system running as its own process, exactly as `npm start` and production run
 * it. Keeps its recent log lines so a failing test can show what each part said.
 */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private readonly lines: string[] = [];
  /** Lines dropped from the front of `lines`, and the count of all lines when it last started. */
  private dropped = 0;
  private startedAtLine = 0;

  constructor(readonly spec: ProcessSpec) {}

  /** The operating system's process id while it runs. */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.spec.name} is already running`);
    this.startedAtLine = this.dropped + this.lines.length;
    const child = spawn(process.execPath, [path.join(repositoryRoot, this.spec.script)], {
      cwd: repositoryRoot,
      env: { ...process.env, ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const onLine = (line: string) => {
      this.lines.push(line);
      if (this.lines.length > 400) {
        this.lines.shift();
        this.dropped += 1;
      }
    };
    readline.createInterface({ input: child.stdout! }).on('line', onLine);
    readline.createInterface({ input: child.stderr! }).on('line', onLine);
    // Once its output has ended too, so the reason shows its last lines (why it did not start).
    const exited = new AbortController();
    child.once('close', (code, signal) =>
      exited.abort(
        new Error(
          `${this.spec.name} exited (code ${code}, signal ${signal}):\n${this.recentLogs()}`,
        ),
      ),
    );
    await waitUntilReady(this.spec, {
      timeoutMs: this.spec.readyTimeoutMs ?? 30_000,
      signal: exited.signal,
      recentLogs: () => this.recentLogs(),
    });
  }

  /** A graceful stop (SIGTERM), as an orchestrator does it; SIGKILL if it hangs. */
  stop(timeoutMs = 15_000): Promise<void> {
    return this.signal('SIGTERM', timeoutMs);
  }

  /** A crash: the process gets no chance to finish anything. */
  kill(): Promise<void> {
    return this.signal('SIGKILL', 5_000);
  }

  private async signal(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** The log lines of the current run (from its last start), as far as they are still kept. */
  linesSinceStart(): string[] {
    return this.lines.slice(Math.max(0, this.startedAtLine - this.dropped));
  }

  recentLogs(count = 60): string {
    return this.lines
      .slice(-count)
      .map((line) => `  [${this.spec.name}] ${line}`)
      .join('\n');
  }
}
