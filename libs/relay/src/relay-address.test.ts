import {
  httpUrl,
  hybridConnectionUrl,
  parseEndpoint,
  rejectionUrl,
  resourceUri,
  senderSafeRejectionStatus,
} from './relay-address';

describe('relay addresses', () => {
  it('builds the listen URL for Azure and the emulator from the endpoint alone', () => {
    expect(
      hybridConnectionUrl({
        endpoint: 'wss://contoso.servicebus.windows.net',
        path: 'gateway-a',
        action: 'listen',
        id: 'gw-1',
        token: 'SharedAccessSignature sr=x&sig=y',
      }),
    ).toBe(
      'wss://contoso.servicebus.windows.net/$hc/gateway-a?sb-hc-action=listen&sb-hc-id=gw-1&sb-hc-token=SharedAccessSignature%20sr%3Dx%26sig%3Dy',
    );
    expect(
      hybridConnectionUrl({
        endpoint: 'ws://127.0.0.1:9090',
        path: 'gateway-a',
        action: 'connect',
      }),
    ).toBe('ws://127.0.0.1:9090/$hc/gateway-a?sb-hc-action=connect');
  });

  it('keeps a sender suffix and its query, with the sb-hc parameters after them', () => {
    const url = new URL(
      hybridConnectionUrl({
        endpoint: 'ws://127.0.0.1:9090/',
        path: 'hyco/suffix',
        action: 'connect',
        query: { param: 'value' },
      }),
    );
    expect(url.pathname).toBe('/$hc/hyco/suffix');
    expect([...url.searchParams.keys()]).toEqual(['param', 'sb-hc-action']);
  });

  it('encodes every query value as encodeURIComponent does: a space is %20, never +', () => {
    const url = hybridConnectionUrl({
      endpoint: 'wss://contoso.servicebus.windows.net',
      path: 'gateway-a',
      action: 'connect',
      id: 'a b',
      token: 'SharedAccessSignature sr=http%3A%2F%2Fh%2Fp%2F&sig=a+b/c=&se=1&skn=send',
      query: { note: 'x y+z' },
    });
    expect(url.slice(url.indexOf('?'))).toBe(
      '?note=x%20y%2Bz&sb-hc-action=connect&sb-hc-id=a%20b' +
        '&sb-hc-token=SharedAccessSignature%20sr%3Dhttp%253A%252F%252Fh%252Fp%252F%26sig%3Da%2Bb%2Fc%3D%26se%3D1%26skn%3Dsend',
    );
    // Decoding gives back exactly the token that was put in.
    expect(new URL(url).searchParams.get('sb-hc-token')).toBe(
      'SharedAccessSignature sr=http%3A%2F%2Fh%2Fp%2F&sig=a+b/c=&se=1&skn=send',
    );
  });

  it('leaves sb-hc parameters to itself: an application query cannot set them', () => {
    const url = new URL(
      hybridConnectionUrl({
        endpoint: 'ws://127.0.0.1:9090',
        path: 'gateway-a',
        action: 'connect',
        query: { 'sb-hc-action': 'listen', 'SB-HC-ID': 'x' },
      }),
    );
    expect([...url.searchParams]).toEqual([['sb-hc-action', 'connect']]);
  });

  it('signs tokens for the audience Microsoft clients use: http://host/entity/', () => {
    expect(resourceUri('wss://contoso.servicebus.windows.net', 'gateway-a/x')).toBe(
      'http://contoso.servicebus.windows.net/gateway-a/',
    );
    // NormalizeAudience drops the port (UriBuilder Port = -1).
    expect(resourceUri('wss://contoso.servicebus.windows.net:443', 'gateway-a')).toBe(
      'http://contoso.servicebus.windows.net/gateway-a/',
    );
    expect(resourceUri('ws://127.0.0.1:9090', 'gateway-a')).toBe('http://127.0.0.1/gateway-a/');
    expect(httpUrl('wss://contoso.servicebus.windows.net', 'gateway-a')).toBe(
      'https://contoso.servicebus.windows.net/gateway-a',
    );
  });

  it('appends the rejection parameters to an accept address exactly as given', () => {
    // A default port and a query encoding a URL parser would normalise away must survive.
    const address =
      'wss://contoso.servicebus.windows.net:443/$hc/p?sb-hc-action=accept&sb-hc-id=1&x=a%20b';
    const rejection = rejectionUrl(address, 409, 'Not today & not 100%');
    expect(rejection.startsWith(address)).toBe(true);
    expect(rejection.slice(address.length)).toBe(
      '&sb-hc-statusCode=409&sb-hc-statusDescription=Not%20today%20%26%20not%20100%25',
    );
    const url = new URL(rejection);
    expect(url.searchParams.get('sb-hc-action')).toBe('accept');
    expect(url.searchParams.get('sb-hc-statusCode')).toBe('409');
    expect(url.searchParams.get('sb-hc-statusDescription')).toBe('Not today & not 100%');
  });

  it('keeps rejection statuses a sender cannot mistake for the relay, and makes the others 400', () => {
    for (const kept of [400, 409, 422, 429, 500, 503, 599]) {
      expect(senderSafeRejectionStatus(kept)).toBe(kept);
    }
    for (const reserved of [401, 403, 404, 410, 502, 504, 200, 302, 399, 600, 409.5, NaN]) {
      expect(senderSafeRejectionStatus(reserved)).toBe(400);
    }
  });

  it('refuses endpoints that are not ws(s) or carry a path', () => {
    expect(() => parseEndpoint('https://contoso.servicebus.windows.net')).toThrow(
      /ws:\/\/ or wss:\/\//,
    );
    expect(() => parseEndpoint('wss://contoso.servicebus.windows.net/gateway-a')).toThrow(
      /must not have a path/,
    );
    expect(() => parseEndpoint('not a url')).toThrow(/not a URL/);
  });
});
