import http from 'node:http';
import net from 'node:net';
import type { HealthCheck } from './system-processes';

/** What to probe: a process by name, how it is checked, and where it serves. */
export interface ReadinessTarget {
  readonly name: string;
  readonly health: HealthCheck;
  /** Where it serves: `http://127.0.0.1:3002`, `ws://127.0.0.1:9090`, `mongodb://127.0.0.1:27017`. */
  readonly url: string;
}

export interface ReadinessOptions {
  /** How long it may take to be ready. Default 30 s. */
  readonly timeoutMs?: number;
  /** Between probes. Default 100 ms. */
  readonly intervalMs?: number;
  /** Abandons the wait (the process exited, say): it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** The process's last log lines, for the timeout's message. */
  readonly recentLogs?: () => string;
}

/** Longest a single probe may take before it counts as no answer. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Probes once: undefined when the process is ready (GET of its health path answered 200, or its
 * port took a connection), otherwise what was seen instead.
 */
export function probe(
  target: ReadinessTarget,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<string | undefined> {
  const { hostname, port } = new URL(target.url);
  if (target.health.kind === 'tcp') {
    return new Promise((resolve) => {
      const socket = net.connect({ host: hostname, port: Number(port) });
      socket.setTimeout(timeoutMs);
      socket.once('connect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve(`connect to ${hostname}:${port}: no answer within ${timeoutMs} ms`);
      });
      socket.once('error', (error) => resolve(`connect to ${hostname}:${port}: ${error.message}`));
    });
  }
  const healthUrl = `http://${hostname}:${port}${target.health.path}`;
  return new Promise((resolve) => {
    const request = http.get(healthUrl, { agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(
        response.statusCode === 200
          ? undefined
          : `GET ${healthUrl} answered ${response.statusCode}`,
      );
    });
    request.once('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.once('error', (error) => resolve(`GET ${healthUrl}: ${error.message}`));
  });
}

/**
 * Resolves once the process is ready: its health route answers 200 (a TCP connect for a process
 * without one). Probes every `intervalMs`; after `timeoutMs` it rejects naming the process, what
 * the last probe saw and its last log lines.
 */
export async function waitUntilReady(
  target: ReadinessTarget,
  { timeoutMs = 30_000, intervalMs = 100, signal, recentLogs }: ReadinessOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    const problem = await probe(target, Math.min(PROBE_TIMEOUT_MS, timeoutMs));
    if (signal?.aborted) throw signal.reason;
    if (problem === undefined) return;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const logs = recentLogs?.();
      throw new Error(
        `${target.name} was not ready within ${timeoutMs} ms (last probe: ${problem})${logs ? `:\n${logs}` : ''}`,
      );
    }
    await pause(Math.min(intervalMs, remaining), signal);
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
