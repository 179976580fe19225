import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseControlMessage } from './control-frames';

/** Microsoft's examples, as the protocol document shows them (see fixtures/README.md). */
const documentExample = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('Hybrid Connections control messages', () => {
  it('reads the document example of accept', () => {
    const parsed = parseControlMessage(documentExample('accept.golden.json'));
    expect(parsed.kind).toBe('accept');
    expect(parsed.kind === 'accept' && parsed.message.accept).toMatchObject({
      id: '4cb542c3-047a-4d40-a19f-bdc66441e736',
      connectHeaders: { 'Sec-WebSocket-Protocol': '...' },
    });
  });

  it('reads the document example of request', () => {
    const parsed = parseControlMessage(documentExample('request.golden.json'));
    expect(parsed.kind === 'request' && parsed.message.request).toMatchObject({
      id: '42c34cb5-7a04-4d40-a19f-bdc66441e736',
      method: 'GET',
      requestTarget: '/abc/def?myarg=value&otherarg=...',
      body: true,
    });
  });

  it('reads the document example of response, whose statusCode is the string "200"', () => {
    const parsed = parseControlMessage(documentExample('response.golden.json'));
    expect(parsed.kind === 'response' && parsed.message.response).toMatchObject({
      requestId: '42c34cb5-7a04-4d40-a19f-bdc66441e736',
      statusCode: 200,
      body: true,
    });
  });

  it('reads the document example of renewToken', () => {
    const parsed = parseControlMessage(documentExample('renew-token.golden.json'));
    expect(parsed.kind === 'renewToken' && parsed.message.renewToken.token).toMatch(
      /^SharedAccessSignature sr=/,
    );
  });

  it('reads a rendezvous-only request (too large for the control channel) with defaults', () => {
    const parsed = parseControlMessage(
      '{"request":{"address":"wss://ns/$hc/p?sb-hc-action=request"}}',
    );
    expect(parsed.kind === 'request' && parsed.message.request).toEqual({
      address: 'wss://ns/$hc/p?sb-hc-action=request',
      requestHeaders: {},
      body: false,
    });
  });

  it('keeps properties the document may add later', () => {
    const parsed = parseControlMessage('{"accept":{"address":"wss://a","id":"1","future":true}}');
    expect(parsed.kind === 'accept' && parsed.message.accept).toMatchObject({ future: true });
  });

  it.each([
    ['not JSON', '{accept', /not JSON/],
    ['an array', '[]', /not a JSON object/],
    [
      'no known message',
      '{"hello":{}}',
      /expected exactly one of accept, request, response, renewToken; got hello/,
    ],
    ['two messages at once', '{"accept":{},"request":{}}', /exactly one/],
    ['an accept without address', '{"accept":{"id":"1"}}', /invalid accept: accept.address/],
    [
      'a response with a bad status',
      '{"response":{"requestId":"1","statusCode":"OK"}}',
      /invalid response/,
    ],
  ])('says why %s is not a control message', (_what, text, reason) => {
    const parsed = parseControlMessage(text);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.reason).toMatch(reason);
  });
});
