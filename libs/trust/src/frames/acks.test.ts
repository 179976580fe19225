import {
  NOW as now,
  NOW_SECONDS,
  decodeSegment,
  encodeSegment,
  headerAndPayload,
  rejection,
  secondsAfterNow as seconds,
} from '../../test/support';
import { generateSigningKey, publicJwk } from '../keys/generate-keys';
import type { PrivateSigningJwk } from '../keys/key-schemas';
import { signJwt } from '../jwt/sign-jwt';
import { FrameRefusedError } from './frame-refused-error';
import { ACK_TYP, DISPATCHER, UPSTREAM_TYP } from './frame-types';
import { ACK_TTL_SECONDS, signAck } from './sign-ack';
import { verifyAck, type VerifyAckOptions } from './verify-ack';

const ack = { eventId: 'evt-1', status: 'accepted' };

let dispatcher: PrivateSigningJwk;
beforeAll(async () => {
  dispatcher = await generateSigningKey('dispatcher-1');
});

const sign = (overrides: Partial<Parameters<typeof signAck>[1]> = {}, body: object = ack) =>
  signAck(body as typeof ack, { gatewayId: 'gw-1', signingKey: dispatcher, now, ...overrides });

const verify = (compact: string, overrides: Partial<VerifyAckOptions> = {}) =>
  verifyAck(compact, {
    gatewayId: 'gw-1',
    expected: { eventId: 'evt-1' },
    dispatcherKeys: { keys: [publicJwk(dispatcher)] },
    now,
    ...overrides,
  });

async function refusal(compact: string, overrides: Partial<VerifyAckOptions> = {}) {
  return rejection(verify(compact, overrides), FrameRefusedError);
}

describe('acks of upstream events', () => {
  it('verify to the ack the dispatcher signed, for one gateway, for a minute', async () => {
    const compact = await sign();
    await expect(verify(compact)).resolves.toEqual(ack);
    const { header, payload } = headerAndPayload(compact);
    expect(header).toEqual({ alg: 'ES256', typ: ACK_TYP, kid: 'dispatcher-1' });
    expect(payload).toEqual({
      iss: DISPATCHER,
      aud: 'gw-1',
      iat: NOW_SECONDS,
      exp: NOW_SECONDS + ACK_TTL_SECONDS,
      jti: expect.any(String),
      ack,
    });
    expect(ACK_TTL_SECONDS).toBe(60);
    const refused = { eventId: 'evt-1', status: 'refused', reason: 'r', code: 'expired' };
    await expect(verify(await sign({}, refused))).resolves.toEqual(refused);
  });

  it("verify with any of the dispatcher's keys (rotation)", async () => {
    const next = await generateSigningKey('dispatcher-2');
    const both = { keys: [publicJwk(next), publicJwk(dispatcher)] };
    await expect(
      verify(await sign({ signingKey: next }), { dispatcherKeys: both }),
    ).resolves.toEqual(ack);
    await expect(verify(await sign(), { dispatcherKeys: both })).resolves.toEqual(ack);
  });

  it('are refused as bad_signature: forged under the same kid, an unknown key, unsigned, changed', async () => {
    const forger = await generateSigningKey('dispatcher-1');
    const forged = await refusal(await sign({ signingKey: forger }));
    expect(forged).toMatchObject({
      code: 'bad_signature',
      message: 'ack frame refused: it has a signature that does not verify',
    });
    const stranger = await generateSigningKey('relay-user');
    expect((await refusal(await sign({ signingKey: stranger }))).message).toMatch(/unknown kid/);

    const [header, payload, signature] = (await sign()).split('.') as [string, string, string];
    const none = encodeSegment({ alg: 'none', typ: ACK_TYP, kid: 'dispatcher-1' });
    expect((await refusal(`${none}.${payload}.`)).code).toBe('bad_signature');
    const refusedAck = encodeSegment({
      ...decodeSegment(payload),
      ack: { eventId: 'evt-1', status: 'refused' },
    });
    expect((await refusal(`${header}.${refusedAck}.${signature}`)).code).toBe('bad_signature');
    expect((await refusal('')).code).toBe('bad_signature');
  });

  it('are refused as bad_signature when another kind of token, even signed by the dispatcher', async () => {
    const other = await signJwt(
      { ack },
      { typ: UPSTREAM_TYP, issuer: DISPATCHER, audience: 'gw-1', signingKey: dispatcher, now },
    );
    expect((await refusal(other)).message).toMatch(/another kind of token/);
    const ackless = await signJwt(
      { body: ack },
      { typ: ACK_TYP, issuer: DISPATCHER, audience: 'gw-1', signingKey: dispatcher, now },
    );
    expect(await refusal(ackless)).toMatchObject({
      code: 'bad_signature',
      message: 'ack frame refused: it carries no ack',
    });
  });

  it('are refused as wrong_audience for another gateway, or from another issuer', async () => {
    expect((await refusal(await sign({ gatewayId: 'gw-2' }))).code).toBe('wrong_audience');
    const fromGateway = await signJwt(
      { ack },
      { typ: ACK_TYP, issuer: 'gw-1', audience: 'gw-1', signingKey: dispatcher, now },
    );
    expect((await refusal(fromGateway)).code).toBe('wrong_audience');
  });

  it('are refused as expired past exp and the tolerance, or issued in the future', async () => {
    const compact = await sign();
    await expect(verify(compact, { now: seconds(ACK_TTL_SECONDS + 59) })).resolves.toEqual(ack);
    expect((await refusal(compact, { now: seconds(ACK_TTL_SECONDS + 60) })).code).toBe('expired');
    expect((await refusal(await sign({ now: seconds(61) }))).code).toBe('expired');
  });

  it("are refused as mismatched_claims when the signed event id is not the frame's", async () => {
    const error = await refusal(await sign(), { expected: { eventId: 'evt-2' } });
    expect(error).toMatchObject({
      code: 'mismatched_claims',
      message: "ack frame refused: its signed event id differs from the frame's",
    });
  });
});
