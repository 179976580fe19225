import { Id } from '@mbs/contracts';
import { derivedId } from './derived-id';

describe('derived message ids', () => {
  it('prefixes the cause id, the same every time', () => {
    expect(derivedId('sent', 'b7a2f3c4')).toBe('sent:b7a2f3c4');
  });

  it('stays a valid id when the cause id is already at the limit', () => {
    const long = 'x'.repeat(128);
    const id = derivedId('state-changed', long);
    expect(id).toBe(derivedId('state-changed', long));
    expect(id).not.toBe(derivedId('state-changed', `${'x'.repeat(127)}y`));
    expect(Id.safeParse(id).success).toBe(true);
  });
});
