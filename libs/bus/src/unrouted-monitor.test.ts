import { recordingLogger } from '../test/support';
import { UnroutedMonitor } from './unrouted-monitor';

/** A monitor over scripted depths: each check takes the next answer. */
function monitorOver(depths: Array<number | undefined>) {
  const { logger, lines } = recordingLogger();
  const asked: string[] = [];
  const monitor = new UnroutedMonitor({
    queue: 'ns.unrouted',
    depth: async (queue) => {
      asked.push(queue);
      return depths.shift();
    },
    logger,
    intervalMs: 60_000,
  });
  const warned = () => lines.map((line) => [line.unrouted, line.before]);
  return { monitor, asked, warned };
}

describe('UnroutedMonitor', () => {
  it('warns each time the count grows, and not when it stays or shrinks', async () => {
    const { monitor, asked, warned } = monitorOver([0, 2, 2, 1, 3]);
    for (let i = 0; i < 5; i++) await monitor.check();
    expect(asked).toEqual(Array(5).fill('ns.unrouted'));
    expect(warned()).toEqual([
      [2, 0],
      [3, 1],
    ]);
    expect(monitor.count).toBe(3);
  });

  it('warns at the first check when messages were left there before', async () => {
    const { monitor, warned } = monitorOver([4]);
    expect(monitor.count).toBeUndefined();
    expect(await monitor.check()).toBe(4);
    expect(warned()).toEqual([[4, 0]]);
  });

  it('keeps the last known count while the depth cannot be known', async () => {
    const { monitor, warned } = monitorOver([1, undefined, 1]);
    await monitor.check();
    expect(await monitor.check()).toBe(1);
    expect(monitor.count).toBe(1);
    await monitor.check();
    expect(warned()).toEqual([[1, 0]]);
  });

  it('joins a check already running instead of asking the broker twice', async () => {
    const { monitor, asked } = monitorOver([5, 6]);
    const [a, b] = await Promise.all([monitor.check(), monitor.check()]);
    expect([a, b]).toEqual([5, 5]);
    expect(asked).toHaveLength(1);
  });
});
