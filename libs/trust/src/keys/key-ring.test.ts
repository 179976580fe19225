import { generateEncryptionKey, generateSigningKey, publicJwks } from './generate-keys';
import { MissingKeyError } from './key-errors';
import { KeyRing } from './key-ring';

describe('KeyRing', () => {
  it('takes the first key of each use as current, and finds any by kid and use', async () => {
    const set = publicJwks({
      keys: [
        await generateEncryptionKey('enc-next'),
        await generateSigningKey('sig-next'),
        await generateSigningKey('sig-now'),
        await generateEncryptionKey('enc-now'),
      ],
    });
    const ring = KeyRing.of(set);
    expect(ring.current('sig', 'web').kid).toBe('sig-next');
    expect(ring.current('enc', 'gateway gw-1').kid).toBe('enc-next');
    expect(ring.all('sig').map((key) => key.kid)).toEqual(['sig-next', 'sig-now']);
    expect(ring.find('sig-now', 'sig')?.kid).toBe('sig-now');
  });

  it('finds nothing for an unknown kid, a kid of the other use, or no kid', async () => {
    const ring = KeyRing.of({
      keys: [await generateSigningKey('s'), await generateEncryptionKey('e')],
    });
    expect(ring.find('nope', 'sig')).toBeUndefined();
    expect(ring.find('e', 'sig')).toBeUndefined();
    expect(ring.find(undefined, 'enc')).toBeUndefined();
  });

  it('says which party lacks a current key of a use', async () => {
    const ring = KeyRing.of({ keys: [await generateSigningKey('s')] });
    expect(() => ring.current('enc', 'gateway gw-1')).toThrow(
      new MissingKeyError('gateway gw-1 has no encryption key (use "enc")'),
    );
  });
});
