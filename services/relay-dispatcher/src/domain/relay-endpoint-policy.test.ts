import { AZURE_RELAY_ENDPOINTS, relayEndpointPolicy } from './relay-endpoint-policy';

describe('relay endpoint allow-list', () => {
  const check = relayEndpointPolicy([...AZURE_RELAY_ENDPOINTS, 'ws://relay-emulator:9090']);

  it('takes Azure Relay namespaces over TLS, and the listed emulator', () => {
    for (const endpoint of [
      'wss://mbs-relay.servicebus.windows.net',
      'wss://MBS-Relay.ServiceBus.Windows.Net/',
      'wss://mbs-relay.servicebus.windows.net:443',
      'ws://relay-emulator:9090',
    ])
      expect([endpoint, check(endpoint)]).toEqual([endpoint, undefined]);
  });

  it('refuses other hosts, ports, schemes, look-alikes, credentials, paths and queries', () => {
    expect(check('ws://mbs-relay.servicebus.windows.net')).toMatch(/allowed list/);
    expect(check('wss://servicebus.windows.net')).toMatch(/allowed list/);
    expect(check('wss://x.servicebus.windows.net.evil.example')).toMatch(/allowed list/);
    expect(check('wss://xservicebus.windows.net')).toMatch(/allowed list/);
    expect(check('ws://relay-emulator:9091')).toMatch(/allowed list/);
    expect(check('ws://relay-emulator')).toMatch(/allowed list/);
    expect(check('wss://a:b@mbs.servicebus.windows.net')).toBe('must not contain credentials');
    expect(check('wss://mbs.servicebus.windows.net/x')).toBe('must not have a path');
    expect(check('wss://mbs.servicebus.windows.net?x=1')).toBe('must not have a query or fragment');
    expect(check('wss://mbs.servicebus.windows.net#x')).toBe('must not have a query or fragment');
    expect(check('https://mbs.servicebus.windows.net')).toBe(
      'must use ws:// (emulator) or wss:// (Azure Relay)',
    );
    expect(check('not a url')).toBe('must be a URL');
  });

  it('refuses an allow-list entry it cannot read', () => {
    expect(() => relayEndpointPolicy(['servicebus.windows.net'])).toThrow(/scheme:\/\/host/);
    expect(() => relayEndpointPolicy(['wss://*.x/path'])).toThrow(/scheme:\/\/host/);
  });
});
