import { createHash } from 'node:crypto';
import { derivedId } from './derived-id';
import { Id } from './values/identifiers';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('derived message ids', () => {
  it('prefix the cause id, the same every time', () => {
    expect(derivedId('sent', 'b7a2f3c4')).toBe('sent:b7a2f3c4');
    expect(derivedId('sent', 'b7a2f3c4', 32)).toBe('sent:b7a2f3c4');
  });

  it('keep a cause id that just fits (prefix, colon and id make exactly 128)', () => {
    const cause = 'c'.repeat(128 - 'failed:'.length);
    expect(derivedId('failed', cause)).toBe(`failed:${cause}`);
  });

  it('hash a cause id that would not fit, with all 64 hex digits by default', () => {
    const long = 'x'.repeat(128);
    const id = derivedId('state-changed', long);
    expect(id).toBe(`state-changed:${sha256(long)}`);
    expect(id).not.toBe(derivedId('state-changed', `${'x'.repeat(127)}y`));
    expect(Id.safeParse(id).success).toBe(true);
  });

  it('hash to as many digits as asked, so each service keeps the ids it emitted before', () => {
    const long = 'e'.repeat(128);
    expect(derivedId('failed', long, 32)).toBe(`failed:${sha256(long).slice(0, 32)}`);
    expect(derivedId('failed', long, 32)).toMatch(/^failed:[0-9a-f]{32}$/);
  });

  it('join a cause of several keys with `:`, and hash them joined with NUL', () => {
    expect(derivedId('failed', ['msg-1', 'resend-1', '3'])).toBe('failed:msg-1:resend-1:3');
    expect(derivedId('sent', ['b7a2f3c4'])).toBe(derivedId('sent', 'b7a2f3c4'));
    const keys = ['gateway-leeds', 'e'.repeat(120)] as const;
    expect(derivedId('modality', keys, 40)).toBe(
      `modality:${sha256(keys.join('\u0000')).slice(0, 40)}`,
    );
    expect(derivedId('modality', ['gateway-leeds:e', 'e'.repeat(119)], 40)).not.toBe(
      derivedId('modality', keys, 40),
    );
    expect(derivedId('x', ['y'.repeat(200)])).toBe(derivedId('x', 'y'.repeat(200)));
  });
});
