import { readFileSync } from 'node:fs';

/** The peak resident memory of a running process in MiB (Linux `VmHWM`), or undefined elsewhere. */
export function peakMemoryMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
