import {
  NOW as now,
  NOW_SECONDS,
  decodeSegment,
  encodeSegment,
  headerAndPayload,
  rejection,
  secondsAfterNow as seconds,
} from '../../test/support';
import { generateGatewayKeySet, generateSigningKey, publicJwk } from '../keys/generate-keys';
import type { GatewayKeySet } from '../keys/generate-keys';
import { jose } from '../jose';
import { signJwt } from '../jwt/sign-jwt';
import { FrameRefusedError } from './frame-refused-error';
import { DISPATCHER, UPSTREAM_TYP } from './frame-types';
import { signUpstream } from './sign-upstream';
import { verifyUpstream, type VerifyUpstreamOptions } from './verify-upstream';

const body = { kind: 'outcome', messageId: 'msg-1', outcome: 'confirmed' };

let gateway: GatewayKeySet;
let otherGateway: GatewayKeySet;
beforeAll(async () => {
  gateway = await generateGatewayKeySet(now);
  otherGateway = await generateGatewayKeySet(now);
});

const sign = (overrides: Partial<Parameters<typeof signUpstream>[1]> = {}) =>
  signUpstream(body, {
    gatewayId: 'gw-1',
    signingKey: gateway.privateKeys.keys[0],
    now,
    ...overrides,
  });

const verify = (compact: string, overrides: Partial<VerifyUpstreamOptions> = {}) =>
  verifyUpstream(compact, {
    gatewayId: 'gw-1',
    gatewayKeys: gateway.publicKeys,
    now,
    ...overrides,
  });

async function refusalCode(compact: string, overrides: Partial<VerifyUpstreamOptions> = {}) {
  const error = await rejection(verify(compact, overrides), FrameRefusedError);
  return error.code;
}

describe('upstream frames', () => {
  it('verify to the body the gateway signed', async () => {
    const compact = await sign();
    await expect(verify(compact)).resolves.toEqual(body);
    const { header, payload } = headerAndPayload(compact);
    expect(header).toEqual({
      alg: 'ES256',
      typ: UPSTREAM_TYP,
      kid: gateway.publicKeys.keys[0].kid,
    });
    expect(payload).toEqual({
      iss: 'gw-1',
      aud: 'relay-dispatcher',
      iat: NOW_SECONDS,
      exp: NOW_SECONDS + 300,
      jti: expect.any(String),
      body,
    });
  });

  it("verify with any of the gateway's registered signing keys (rotation)", async () => {
    const next = await generateSigningKey('gw-1-next-sig');
    const registered = { keys: [publicJwk(next), ...gateway.publicKeys.keys] };
    await expect(
      verify(await sign({ signingKey: next }), { gatewayKeys: registered }),
    ).resolves.toEqual(body);
    await expect(verify(await sign(), { gatewayKeys: registered })).resolves.toEqual(body);
  });

  it('are refused as bad_signature when signed by another key under the same kid', async () => {
    const forger = await generateSigningKey(gateway.privateKeys.keys[0].kid);
    expect(await refusalCode(await sign({ signingKey: forger }))).toBe('bad_signature');
  });

  it("are refused as bad_signature when signed by another gateway's key", async () => {
    const forged = await sign({ signingKey: otherGateway.privateKeys.keys[0] });
    expect(await refusalCode(forged)).toBe('bad_signature');
  });

  it('are refused as bad_signature when the body is changed after signing', async () => {
    const [header, payload, signature] = (await sign()).split('.') as [string, string, string];
    const changed = encodeSegment({
      ...decodeSegment(payload),
      body: { ...body, outcome: 'rejected' },
    });
    expect(await refusalCode(`${header}.${changed}.${signature}`)).toBe('bad_signature');
  });

  it('are refused as wrong_audience when they name another gateway as issuer', async () => {
    // Signed with gw-1's own key, but claiming to come from gw-2, on gw-1's session.
    expect(await refusalCode(await sign({ gatewayId: 'gw-2' }))).toBe('wrong_audience');
  });

  it('are refused as wrong_audience when addressed to anyone but the dispatcher', async () => {
    const misaddressed = await signJwt(
      { body },
      {
        typ: UPSTREAM_TYP,
        issuer: 'gw-1',
        audience: 'web',
        signingKey: gateway.privateKeys.keys[0],
        now,
      },
    );
    expect(await refusalCode(misaddressed)).toBe('wrong_audience');
  });

  it('are refused as expired past exp and the tolerance, or issued in the future', async () => {
    expect(await refusalCode(await sign(), { now: seconds(360) })).toBe('expired');
    expect(await refusalCode(await sign({ now: seconds(61) }))).toBe('expired');
    await expect(verify(await sign({ now: seconds(59) }))).resolves.toEqual(body);
  });

  it('are refused as bad_signature when a time claim is not a number', async () => {
    const signingKey = gateway.privateKeys.keys[0];
    const claims = { ...decodeSegment((await sign()).split('.')[1]!), iat: 'now' };
    const odd = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: 'ES256', typ: UPSTREAM_TYP, kid: signingKey.kid })
      .sign(signingKey);
    expect(await refusalCode(odd)).toBe('bad_signature');
  });

  it('are refused as bad_signature when they carry no body', async () => {
    const bodiless = await signJwt(
      {},
      {
        typ: UPSTREAM_TYP,
        issuer: 'gw-1',
        audience: DISPATCHER,
        signingKey: gateway.privateKeys.keys[0],
        now,
      },
    );
    expect(await refusalCode(bodiless)).toBe('bad_signature');
  });
});
