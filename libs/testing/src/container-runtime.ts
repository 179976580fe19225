import { getContainerRuntimeClient } from 'testcontainers';

/** Answers whether a container engine (Docker, Podman, ...) is reachable from here. */
export type ContainerRuntimeProbe = () => Promise<boolean>;

let cached: Promise<boolean> | undefined;

/**
 * Whether Testcontainers can start containers. Testcontainers itself gives up quickly
 * ("Could not find a working container runtime strategy", ~0.4 s) when there is no engine; the
 * timeout only guards against an engine that accepts the connection and then hangs. The answer
 * is kept for the life of the process: the engine does not come and go during a test run.
 */
export const isContainerRuntimeReachable: ContainerRuntimeProbe = () => {
  cached ??= probe(10_000);
  return cached;
};

async function probe(timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([getContainerRuntimeClient().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
