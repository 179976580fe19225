import {
  generateGatewayKeySet,
  generateSigningKey,
  publicJwk,
  signUpstream,
  type GatewayKeySet,
  type Jwks,
  type PrivateSigningJwk,
  type PublicJwk,
} from '@mbs/trust';

/** The keys of one test file: the dispatcher's signing key and a gateway's own set. */
export interface TestKeys {
  readonly dispatcher: PrivateSigningJwk;
  /** The dispatcher's public keys, as a gateway is configured with them. */
  readonly dispatcherPublic: Jwks<PublicJwk>;
  /** The gateway's keys: its public half is what its registration carries (`publicKeys`). */
  readonly gateway: GatewayKeySet;
}

let made: Promise<TestKeys> | undefined;
/** Made once per test file. */
export function testKeys(): Promise<TestKeys> {
  made ??= (async () => {
    const dispatcher = await generateSigningKey('dispatcher-test');
    return {
      dispatcher,
      dispatcherPublic: { keys: [publicJwk(dispatcher)] },
      gateway: await generateGatewayKeySet(),
    };
  })();
  return made;
}

/** An upstream event frame's body as a gateway sends it: its id in clear, the event signed. */
export async function signedEvent(
  event: { eventId: string } & Record<string, unknown>,
  options: { gatewayId: string; signingKey?: PrivateSigningJwk; now?: Date },
): Promise<{ eventId: string; signed: string }> {
  const signingKey = options.signingKey ?? (await testKeys()).gateway.privateKeys.keys[0];
  return {
    eventId: event.eventId,
    signed: await signUpstream(event, {
      gatewayId: options.gatewayId,
      signingKey,
      now: options.now,
    }),
  };
}
