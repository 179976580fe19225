import { uniqueDbName, uniqueName } from './unique-name';

describe('unique names for suites sharing one broker or server', () => {
  it('never repeats and keeps the prefix readable', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueName('bus.test')));
    expect(names.size).toBe(100);
    expect([...names][0]).toMatch(/^bus\.test\.\d+\.[0-9a-f]{8}$/);
  });

  it('makes database names MongoDB accepts (no dots or slashes, at most 63 bytes)', () => {
    const name = uniqueDbName(`a.b/c d$e${'x'.repeat(100)}`);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
  });
});
