import type { Target } from '../config';

/**
 * Spaces the attempts at each target that asks for it (`maxPerSecond`): a slot per attempt,
 * taken at once so attempts that wait together still leave a gap between them. Targets without
 * a pace are not held.
 */
export class TargetPacer {
  private readonly nextSlot = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** How long to wait before the next attempt at `target` (0: go now); takes that slot. */
  take(target: Target): number {
    if (!target.maxPerSecond) return 0;
    const now = this.now();
    const slot = Math.max(now, this.nextSlot.get(target.name) ?? 0);
    this.nextSlot.set(target.name, slot + 1000 / target.maxPerSecond);
    return slot - now;
  }
}
