import {
  NOW as now,
  ORDER,
  decodeSegment as decode,
  encodeSegment as encode,
  rejection,
  secondsAfterNow as seconds,
} from '../../test/support';
import {
  generateGatewayKeySet,
  generateSigningKey,
  publicJwk,
  type GatewayKeySet,
} from '../keys/generate-keys';
import type { PrivateJwk, PrivateSigningJwk } from '../keys/key-schemas';
import { signJwt } from '../jwt/sign-jwt';
import { FrameRefusedError } from './frame-refused-error';
import { DISPATCHER, ORDER_TYP, UPSTREAM_TYP } from './frame-types';
import { openOrder, type OpenOrderOptions } from './open-order';
import { sealOrder } from './seal-order';

const NHS_NUMBER = '9434765919';
const NAME = 'Grace Hopper';
const secret = { participant: { nhsNumber: NHS_NUMBER, name: NAME }, payload: 'HL7|...' };

let dispatcher: PrivateSigningJwk;
let gateway: GatewayKeySet;
let otherGateway: GatewayKeySet;
let sealed: string;
beforeAll(async () => {
  dispatcher = await generateSigningKey('dispatcher-1');
  gateway = await generateGatewayKeySet(now);
  otherGateway = await generateGatewayKeySet(now);
  sealed = await seal();
});

function seal(overrides: Partial<Parameters<typeof sealOrder>[0]> = {}) {
  return sealOrder({
    ...ORDER,
    secret,
    signingKey: dispatcher,
    recipientKeys: gateway.publicKeys,
    ...overrides,
  });
}

/** Counts every read of the private keys: a refusal that comes before decryption reads none. */
let privateKeyReads = 0;
const watchedPrivateKeys = () => ({
  get keys(): PrivateJwk[] {
    privateKeyReads += 1;
    return gateway.privateKeys.keys;
  },
});
beforeEach(() => {
  privateKeyReads = 0;
});

async function refusal(compact: string, overrides: Partial<OpenOrderOptions> = {}) {
  const error = await rejection(
    openOrder(compact, {
      gatewayId: 'gw-1',
      expected: { messageId: 'msg-1', resend: 0 },
      dispatcherKeys: { keys: [publicJwk(dispatcher)] },
      privateKeys: watchedPrivateKeys(),
      now,
      ...overrides,
    }),
    FrameRefusedError,
  );
  // A reason is logged and sent back: never any of the secret.
  expect(error.message).not.toContain(NHS_NUMBER);
  expect(error.message).not.toContain(NAME);
  return error;
}

const parts = (compact: string) => compact.split('.') as [string, string, string];
/** The segment with its first character changed (the last may be only padding bits). */
const flip = (part: string) => `${part[0] === 'A' ? 'B' : 'A'}${part.slice(1)}`;

/** A frame the dispatcher really signed, with claims of the test's choosing. */
function signedByDispatcher(claims: Record<string, unknown>, typ = ORDER_TYP) {
  return signJwt(claims, {
    typ,
    issuer: DISPATCHER,
    audience: 'gw-1',
    signingKey: dispatcher,
    now,
  });
}

describe('opening an order refuses', () => {
  describe('bad_signature', () => {
    it('for a signature by another key that claims the same kid (a forgery)', async () => {
      const forger = await generateSigningKey('dispatcher-1');
      const error = await refusal(await seal({ signingKey: forger }));
      expect(error.code).toBe('bad_signature');
      expect(error.message).toBe('order frame refused: it has a signature that does not verify');
    });

    it('for an unsigned frame (alg none)', async () => {
      const [, payload] = parts(sealed);
      const header = encode({ alg: 'none', typ: ORDER_TYP, kid: 'dispatcher-1' });
      const error = await refusal(`${header}.${payload}.`);
      expect(error.code).toBe('bad_signature');
      expect(error.message).toBe('order frame refused: it is not signed with ES256');
    });

    it('for a key the gateway does not know, and for no kid at all', async () => {
      const stranger = await generateSigningKey('dispatcher-9');
      const unknown = await refusal(await seal({ signingKey: stranger }));
      expect(unknown.code).toBe('bad_signature');
      expect(unknown.message).toMatch(/unknown kid/);

      const [header, payload, signature] = parts(sealed);
      const { kid: _kid, ...kidless } = decode(header);
      const none = await refusal(`${encode(kidless)}.${payload}.${signature}`);
      expect(none.code).toBe('bad_signature');
      expect(none.message).toMatch(/no kid/);
    });

    it('for a payload changed after signing', async () => {
      const [header, payload, signature] = parts(sealed);
      const changed = encode({ ...decode(payload), messageId: 'msg-2' });
      const error = await refusal(`${header}.${changed}.${signature}`, {
        expected: { messageId: 'msg-2' },
      });
      expect(error.code).toBe('bad_signature');
    });

    it('for a signed token of another kind (typ), even from the dispatcher key', async () => {
      const order = decode(parts(sealed)[1]).order;
      const other = await signedByDispatcher(
        { messageId: 'msg-1', resend: 0, order },
        UPSTREAM_TYP,
      );
      const error = await refusal(other);
      expect(error.code).toBe('bad_signature');
      expect(error.message).toMatch(/another kind of token/);
    });

    it('for a malformed frame and for signed claims that are not an order', async () => {
      expect((await refusal('not.a.jwt')).code).toBe('bad_signature');
      expect((await refusal('')).code).toBe('bad_signature');
      const claimless = await refusal(await signedByDispatcher({ resend: 0, order: 'x' }));
      expect(claimless).toMatchObject({
        code: 'bad_signature',
        message: 'order frame refused: its claims are malformed',
      });
    });
  });

  describe('before decrypting anything', () => {
    it('wrong_audience for an order sealed for another gateway', async () => {
      const error = await refusal(await seal({ gatewayId: 'gw-2' }));
      expect(error.code).toBe('wrong_audience');
      expect(privateKeyReads).toBe(0);
    });

    it('expired once past exp and the clock tolerance, not before', async () => {
      await expect(
        openOrder(sealed, {
          gatewayId: 'gw-1',
          expected: { messageId: 'msg-1' },
          dispatcherKeys: { keys: [publicJwk(dispatcher)] },
          privateKeys: gateway.privateKeys,
          now: seconds(300 + 59),
        }),
      ).resolves.toMatchObject({ secret });
      const error = await refusal(sealed, { now: seconds(300 + 60) });
      expect(error.code).toBe('expired');
      expect(privateKeyReads).toBe(0);
      expect((await refusal(sealed, { now: seconds(310), clockToleranceSeconds: 0 })).code).toBe(
        'expired',
      );
    });

    it('expired for an order issued in the future beyond the tolerance', async () => {
      const error = await refusal(await seal({ now: seconds(61) }));
      expect(error).toMatchObject({
        code: 'expired',
        message: 'order frame refused: it was issued in the future',
      });
      expect(privateKeyReads).toBe(0);
    });

    it('mismatched_claims when the readable messageId or resend differ from the signed ones', async () => {
      const otherMessage = await refusal(sealed, { expected: { messageId: 'msg-2', resend: 0 } });
      expect(otherMessage).toMatchObject({
        code: 'mismatched_claims',
        message: "order frame refused: its signed claims differ from the frame's messageId",
      });
      const resent = await refusal(sealed, { expected: { messageId: 'msg-1', resend: 1 } });
      expect(resent.code).toBe('mismatched_claims');
      const attempt = await refusal(await seal({ attempt: 1 }), {
        expected: { messageId: 'msg-1', attempt: 2 },
      });
      expect(attempt.code).toBe('mismatched_claims');
      expect(privateKeyReads).toBe(0);
    });
  });

  describe('undecryptable', () => {
    it('for a ciphertext changed inside a validly signed frame', async () => {
      const order = (decode(parts(sealed)[1]).order as string).split('.');
      for (const index of [3, 4]) {
        const tampered = order.map((part, i) => (i === index ? flip(part) : part)).join('.');
        const error = await refusal(
          await signedByDispatcher({ messageId: 'msg-1', resend: 0, order: tampered }),
        );
        expect(error).toMatchObject({
          code: 'undecryptable',
          message: 'order frame refused: its order does not decrypt (tampered or malformed)',
        });
      }
    });

    it("for an order sealed to another gateway's keys (under this gateway's name)", async () => {
      const error = await refusal(await seal({ recipientKeys: otherGateway.publicKeys }));
      expect(error).toMatchObject({
        code: 'undecryptable',
        message: 'order frame refused: its order is encrypted to a key this gateway does not hold',
      });
      expect(privateKeyReads).toBeGreaterThan(0);
    });

    it('for an order whose kid names a key of this gateway but was encrypted to another', async () => {
      const [, otherEnc] = otherGateway.publicKeys.keys;
      const impostor = { ...otherEnc, kid: gateway.publicKeys.keys[1].kid };
      const error = await refusal(
        await seal({ recipientKeys: { keys: [gateway.publicKeys.keys[0], impostor] } }),
      );
      expect(error.code).toBe('undecryptable');
    });
  });
});
