import {
  httpUrl,
  hybridConnectionUrl,
  parseEndpoint,
  rejectionUrl,
  resourceUri,
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
      'wss://contoso.servicebus.windows.net/$hc/gateway-a?sb-hc-action=listen&sb-hc-id=gw-1&sb-hc-token=SharedAccessSignature+sr%3Dx%26sig%3Dy',
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

  it('signs tokens for http(s)://host/entity', () => {
    expect(resourceUri('wss://contoso.servicebus.windows.net', 'gateway-a/x')).toBe(
      'https://contoso.servicebus.windows.net/gateway-a',
    );
    expect(resourceUri('ws://127.0.0.1:9090', 'gateway-a')).toBe('http://127.0.0.1:9090/gateway-a');
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
