/**
 * Which relay endpoints the dispatcher may open a WebSocket to. A gateway record names its relay
 * endpoint, and whoever can register or change one could otherwise point the dispatcher (inside
 * the cloud network, holding Send keys) at any host and port it can reach, or at cleartext ws://.
 *
 * An allowed entry is `scheme://host[:port]`: the scheme must match, the port too (the scheme's
 * default when none is given), and a host written `*.suffix` matches any host under that suffix
 * (`*.servicebus.windows.net` takes `mbs-relay.servicebus.windows.net`, not the suffix itself).
 * An endpoint must not carry credentials, a path, a query or a fragment.
 */

/** Azure Relay namespaces over TLS: what production allows unless configured otherwise. */
export const AZURE_RELAY_ENDPOINTS: readonly string[] = ['wss://*.servicebus.windows.net'];

const defaultPort = (protocol: string) => (protocol === 'wss:' ? '443' : '80');

interface Allowed {
  readonly protocol: string;
  readonly host: string;
  readonly wildcard: boolean;
  readonly port: string;
}

function parseAllowed(entry: string): Allowed {
  const match = /^(wss?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:]+\])(?::(\d{1,5}))?\/?$/i.exec(
    entry.trim(),
  );
  if (!match) throw new TypeError(`"${entry}" is not scheme://host[:port] with ws or wss`);
  const protocol = `${match[1]!.toLowerCase()}:`;
  return {
    protocol,
    wildcard: match[2] !== undefined,
    host: match[3]!.toLowerCase(),
    port: match[4] ?? defaultPort(protocol),
  };
}

/** Parses the allow-list (DISPATCHER_RELAY_ENDPOINTS); throws naming an entry it cannot read. */
export function relayEndpointPolicy(
  entries: readonly string[],
): (endpoint: string) => string | undefined {
  const allowed = entries.map(parseAllowed);
  /** Why `endpoint` may not be used, or undefined when it may. */
  return (endpoint) => {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return 'must be a URL';
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
      return 'must use ws:// (emulator) or wss:// (Azure Relay)';
    if (url.username || url.password) return 'must not contain credentials';
    if (url.pathname !== '/' && url.pathname !== '') return 'must not have a path';
    if (url.search || url.hash || endpoint.includes('?') || endpoint.includes('#'))
      return 'must not have a query or fragment';
    const host = url.hostname.toLowerCase();
    const port = url.port || defaultPort(url.protocol);
    const ok = allowed.some(
      (a) =>
        a.protocol === url.protocol &&
        a.port === port &&
        (a.wildcard
          ? host.endsWith(`.${a.host}`) && host.length > a.host.length + 1
          : host === a.host),
    );
    return ok ? undefined : 'is not on the allowed list (DISPATCHER_RELAY_ENDPOINTS)';
  };
}

export type RelayEndpointCheck = ReturnType<typeof relayEndpointPolicy>;
