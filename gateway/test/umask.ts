/**
 * Runs `work` with the process umask set to `mask`, then restores it: the gateway must create its
 * files owner-only whatever umask it is started with (0 is the worst: nothing masked).
 */
export async function withUmask<T>(mask: number, work: () => T | Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  try {
    return await work();
  } finally {
    process.umask(previous);
  }
}

/** The permission bits of a stat's mode, for readable assertions (`0o600`). */
export const permissions = (mode: number) => mode & 0o777;
