import { randomUUID } from 'node:crypto';

/** Azure: an accept address is good for one connection, for at most about 30 s. */
export const DEFAULT_RENDEZVOUS_TTL_MS = 30_000;

/**
 * Single-use rendezvous addresses, each waiting for a listener to connect. An entry that is not
 * taken in time expires, and its owner is told (`onExpire`) so it can answer the sender.
 */
export class RendezvousRegistry<T> {
  private readonly entries = new Map<string, { value: T; timer: NodeJS.Timeout }>();

  constructor(private readonly ttlMs: number = DEFAULT_RENDEZVOUS_TTL_MS) {}

  /** Registers a value and returns the unguessable key that goes into its address. */
  add(value: T, onExpire: (value: T) => void): string {
    const key = randomUUID();
    const timer = setTimeout(() => {
      if (this.entries.delete(key)) onExpire(value);
    }, this.ttlMs);
    this.entries.set(key, { value, timer });
    return key;
  }

  /** Takes an entry out: a second use of the same key finds nothing. */
  take(key: string | null | undefined): T | undefined {
    if (!key) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.entries.delete(key);
    return entry.value;
  }

  /** Drops an entry without taking it (its sender gave up). */
  cancel(key: string): void {
    const entry = this.entries.get(key);
    if (entry) clearTimeout(entry.timer);
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): T[] {
    const values = [...this.entries.values()].map((entry) => {
      clearTimeout(entry.timer);
      return entry.value;
    });
    this.entries.clear();
    return values;
  }
}
