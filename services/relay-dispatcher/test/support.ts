import { createLogger } from '@mbs/telemetry';

export const quietLogger = () =>
  createLogger({
    service: 'relay-dispatcher-test',
    level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent',
  });

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `predicate` holds, or fails with `what` after `timeoutMs`. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
