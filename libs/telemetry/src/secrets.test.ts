import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { redactSecrets, redactSecretsIn } from './secrets';

const token =
  'SharedAccessSignature sr=http%3A%2F%2Frelay%2Fgateway-local%2F&sig=c2VjcmV0LXNpZw%3D%3D&se=1900000000&skn=send';

describe('relay tokens and signatures, redacted', () => {
  it('redacts a token however it is written: plain, in a query, encoded', () => {
    expect(redactSecrets(`Authorization: ${token}`)).toBe(
      'Authorization: SharedAccessSignature REDACTED',
    );
    expect(
      redactSecrets(`wss://ns/$hc/x?sb-hc-action=listen&sb-hc-token=${encodeURIComponent(token)}`),
    ).toBe('wss://ns/$hc/x?sb-hc-action=listen&sb-hc-token=REDACTED');
    expect(redactSecrets('https://blob/x?sv=1&sig=abc%2Fdef&se=2')).toBe(
      'https://blob/x?sv=1&sig=REDACTED&se=2',
    );
    expect(redactSecrets('a=1%26sig%3Dabc%26se%3D2')).toBe('a=1%26sig%3DREDACTED%26se%3D2');
    expect(redactSecrets('nothing to hide, signal=on')).toBe('nothing to hide, signal=on');
  });

  it('redacts strings nested in a log line’s fields, leaving the rest', () => {
    expect(
      redactSecretsIn({
        url: `x?sb-hc-token=${encodeURIComponent(token)}`,
        n: 1,
        nested: { list: [token] },
      }),
    ).toEqual({
      url: 'x?sb-hc-token=REDACTED',
      n: 1,
      nested: { list: ['SharedAccessSignature REDACTED'] },
    });
  });

  it('never writes a token into a log line, in the message or in a field', () => {
    const lines: string[] = [];
    const logger = createLogger({
      service: 'test',
      destination: new Writable({
        write: (chunk, _e, done) => (lines.push(String(chunk)), done()),
      }),
    });
    logger.warn(
      { url: `wss://relay/$hc/g?sb-hc-token=${encodeURIComponent(token)}` },
      `handshake with ${token} failed`,
    );
    expect(lines.join('')).not.toMatch(/c2VjcmV0LXNpZw|SharedAccessSignature sr/);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'handshake with SharedAccessSignature REDACTED failed',
      url: 'wss://relay/$hc/g?sb-hc-token=REDACTED',
    });
  });
});
