/** Azure allows up to 25 concurrent listeners on one hybrid connection. */
export const MAX_LISTENERS_PER_ENTITY = 25;

/**
 * The listeners connected to each hybrid connection. New connections are spread among them in
 * turn (Azure balances "in random order ... with best effort"; round robin is fair and testable).
 */
export class ListenerRegistry<T> {
  private readonly byEntity = new Map<string, { listeners: T[]; next: number }>();

  add(entity: string, listener: T): void {
    const entry = this.entry(entity);
    entry.listeners.push(listener);
  }

  remove(entity: string, listener: T): boolean {
    const entry = this.byEntity.get(entity.toLowerCase());
    if (!entry) return false;
    const index = entry.listeners.indexOf(listener);
    if (index < 0) return false;
    entry.listeners.splice(index, 1);
    return true;
  }

  /**
   * The next listener in turn that is `usable` (default: any), or undefined when none is. Each
   * listener is looked at once at most, and the turn moves past every one looked at.
   */
  pick(entity: string, usable: (listener: T) => boolean = () => true): T | undefined {
    const entry = this.byEntity.get(entity.toLowerCase());
    if (!entry) return undefined;
    for (let looked = 0; looked < entry.listeners.length; looked += 1) {
      const listener = entry.listeners[entry.next % entry.listeners.length];
      entry.next = (entry.next + 1) % entry.listeners.length;
      if (listener !== undefined && usable(listener)) return listener;
    }
    return undefined;
  }

  count(entity: string): number {
    return this.byEntity.get(entity.toLowerCase())?.listeners.length ?? 0;
  }

  list(entity: string): readonly T[] {
    return [...(this.byEntity.get(entity.toLowerCase())?.listeners ?? [])];
  }

  all(): T[] {
    return [...this.byEntity.values()].flatMap((entry) => entry.listeners);
  }

  private entry(entity: string) {
    const key = entity.toLowerCase();
    let entry = this.byEntity.get(key);
    if (!entry) {
      entry = { listeners: [], next: 0 };
      this.byEntity.set(key, entry);
    }
    return entry;
  }
}
