import { eventually, sleep } from './polling';

describe('eventually', () => {
  it('returns the first truthy value, sync or async', async () => {
    let calls = 0;
    await expect(eventually(() => ++calls >= 3 && 'ready', 'three calls')).resolves.toBe('ready');
    await expect(eventually(async () => ({ id: 1 }), 'an object')).resolves.toEqual({ id: 1 });
  });

  it('fails naming what it waited for', async () => {
    await expect(eventually(() => false, 'the gateway', 50)).rejects.toThrow(
      'timed out waiting for the gateway',
    );
  });

  it('sleeps at least as long as asked', async () => {
    const started = Date.now();
    await sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});
