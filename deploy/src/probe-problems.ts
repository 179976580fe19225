import type { ProcessDescription } from './processes';
import { isRecord } from './strategic-merge';

interface Probe {
  httpGet?: { path?: string; port?: number | string };
  tcpSocket?: { port?: number | string };
  exec?: unknown;
  grpc?: unknown;
}

type ProbeName = 'startupProbe' | 'readinessProbe' | 'livenessProbe';

/**
 * A container's probes against what the process serves: readiness is GET /health (a TCP connect
 * for a process without /health); liveness and startup may also be a TCP connect, for a process
 * whose /health reports a dependency a restart cannot fix (the gateway's relay). Every probe
 * targets the port the process listens on. Readiness and liveness are required.
 */
export function probeProblems(
  process: ProcessDescription,
  container: Record<string, unknown>,
  port: number,
): string[] {
  const problems: string[] = [];
  const ports = namedPorts(container);
  for (const name of ['startupProbe', 'readinessProbe', 'livenessProbe'] as ProbeName[]) {
    const probe = container[name] as Probe | undefined;
    if (!probe) {
      if (name !== 'startupProbe') problems.push(`${name} is missing`);
      continue;
    }
    const tcpAllowed = process.health === 'tcp' || name !== 'readinessProbe';
    if (probe.httpGet) {
      if (process.health !== 'http') problems.push(`${name}: ${process.name} has no HTTP /health`);
      if (probe.httpGet.path !== '/health') {
        problems.push(`${name}: path ${String(probe.httpGet.path)} is not /health`);
      }
      const target = resolvePort(probe.httpGet.port, ports);
      if (target !== port) problems.push(`${name}: port ${String(target)} is not ${port}`);
    } else if (probe.tcpSocket) {
      if (!tcpAllowed) problems.push(`${name}: must be GET /health, not a TCP connect`);
      const target = resolvePort(probe.tcpSocket.port, ports);
      if (target !== port) problems.push(`${name}: port ${String(target)} is not ${port}`);
    } else {
      problems.push(`${name}: only httpGet /health or tcpSocket are expected`);
    }
  }
  return problems;
}

/** A container's ports by name. */
export function namedPorts(container: Record<string, unknown>): Map<string, number> {
  const result = new Map<string, number>();
  for (const entry of (container.ports ?? []) as unknown[]) {
    if (isRecord(entry) && typeof entry.name === 'string') {
      result.set(entry.name, Number(entry.containerPort));
    }
  }
  return result;
}

export function resolvePort(
  port: number | string | undefined,
  ports: Map<string, number>,
): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  return /^\d+$/.test(port) ? Number(port) : ports.get(port);
}
