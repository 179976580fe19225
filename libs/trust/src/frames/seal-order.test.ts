import { NOW as now, NOW_SECONDS as iat, ORDER, decodeSegment as json } from '../../test/support';
import {
  generateEncryptionKey,
  generateGatewayKeySet,
  generateSigningKey,
  publicJwk,
  publicJwks,
  type GatewayKeySet,
} from '../keys/generate-keys';
import { MissingKeyError } from '../keys/key-errors';
import type { PrivateSigningJwk } from '../keys/key-schemas';
import { ORDER_TYP } from './frame-types';
import { openOrder } from './open-order';
import { sealOrder } from './seal-order';

const NHS_NUMBER = '9434765919';
const NAME = 'Ada Lovelace';
const BIRTH_DATE = '1952-03-14';
const secret = {
  accessionNumber: 'ACC-000123',
  payload: JSON.stringify({
    resourceType: 'Bundle',
    entry: [{ resource: { resourceType: 'Patient', identifier: NHS_NUMBER, name: NAME } }],
  }),
  participant: { nhsNumber: NHS_NUMBER, name: NAME, dateOfBirth: BIRTH_DATE },
};

let dispatcher: PrivateSigningJwk;
let gateway: GatewayKeySet;
beforeAll(async () => {
  dispatcher = await generateSigningKey('dispatcher-1');
  gateway = await generateGatewayKeySet(now);
});

const seal = (overrides: Partial<Parameters<typeof sealOrder>[0]> = {}) =>
  sealOrder({
    ...ORDER,
    secret,
    signingKey: dispatcher,
    recipientKeys: gateway.publicKeys,
    ...overrides,
  });

const open = (compact: string, overrides: Partial<Parameters<typeof openOrder>[1]> = {}) =>
  openOrder(compact, {
    gatewayId: 'gw-1',
    expected: { messageId: 'msg-1', resend: 0 },
    dispatcherKeys: { keys: [publicJwk(dispatcher)] },
    privateKeys: gateway.privateKeys,
    now,
    ...overrides,
  });

/** A segment's bytes as text (ciphertext too, byte for byte), to search for plaintext. */
const segment = (part: string) => Buffer.from(part, 'base64url').toString('latin1');

describe('sealing an order', () => {
  it('opens to the same secret and the signed claims', async () => {
    const opened = await open(await seal({ attempt: 2, resend: 1 }), {
      expected: { messageId: 'msg-1', resend: 1, attempt: 2 },
    });
    expect(opened.secret).toEqual(secret);
    expect(opened.claims).toEqual({
      iss: 'relay-dispatcher',
      aud: 'gw-1',
      iat,
      exp: iat + 300,
      jti: expect.any(String),
      messageId: 'msg-1',
      resend: 1,
      attempt: 2,
    });
  });

  it('signs outside with the dispatcher key and encrypts inside to the gateway key', async () => {
    const [header, payload] = (await seal()).split('.') as [string, string, string];
    expect(json(header)).toEqual({ alg: 'ES256', typ: ORDER_TYP, kid: 'dispatcher-1' });
    const order = json(payload).order as string;
    expect(order.split('.')).toHaveLength(5);
    expect(json(order.split('.')[0]!)).toMatchObject({
      alg: 'ECDH-ES',
      enc: 'A256GCM',
      cty: 'json',
      kid: gateway.publicKeys.keys[1].kid,
    });
  });

  it('carries no NHS number, name, date of birth or FHIR resource, in any part', async () => {
    const compact = await seal();
    const order = json(compact.split('.')[1]!).order as string;
    const texts = [compact, ...compact.split('.'), ...order.split('.')].flatMap((part) => [
      part,
      segment(part),
    ]);
    for (const text of texts) {
      for (const plain of [NHS_NUMBER, NAME, 'Lovelace', BIRTH_DATE, 'Patient', 'ACC-000123']) {
        expect(text).not.toContain(plain);
      }
    }
    // The positive control: the same search finds them where they are in clear.
    expect(JSON.stringify(secret)).toContain(NHS_NUMBER);
  });

  it('signs afresh on every call: a new jti, and iat and exp from the time of sealing', async () => {
    const first = await open(await seal());
    const again = await open(await seal());
    expect(again.claims.jti).not.toBe(first.claims.jti);
    const later = await open(await seal({ now: new Date(now.getTime() + 5000), ttlSeconds: 60 }), {
      now: new Date(now.getTime() + 5000),
    });
    expect(later.claims).toMatchObject({ iat: iat + 5, exp: iat + 65 });
  });

  it('is refused before any encryption when the gateway has no encryption key', async () => {
    await expect(seal({ recipientKeys: { keys: [gateway.publicKeys.keys[0]] } })).rejects.toThrow(
      new MissingKeyError('gateway gw-1 has no encryption key (use "enc")'),
    );
  });
});

describe('rotating keys', () => {
  it("encrypts to the first encryption key of the gateway's set; the gateway decrypts with either", async () => {
    const next = await generateEncryptionKey('enc-next');
    const [sig, current] = gateway.privateKeys.keys;
    const sealed = await seal({ recipientKeys: publicJwks({ keys: [next, sig, current] }) });
    const order = json(sealed.split('.')[1]!).order as string;
    expect(json(order.split('.')[0]!).kid).toBe('enc-next');
    const both = { keys: [sig, current, next] };
    expect((await open(sealed, { privateKeys: both })).secret).toEqual(secret);
    // A gateway that has not been given the next key yet cannot open it.
    await expect(open(sealed)).rejects.toMatchObject({ code: 'undecryptable' });
  });

  it("accepts orders signed by any of the dispatcher's published keys, by kid", async () => {
    const next = await generateSigningKey('dispatcher-2');
    const published = { keys: [publicJwk(next), publicJwk(dispatcher)] };
    for (const signingKey of [dispatcher, next]) {
      const opened = await open(await seal({ signingKey }), { dispatcherKeys: published });
      expect(opened.secret).toEqual(secret);
    }
    // Once the old key is dropped, what it signed is refused.
    await expect(
      open(await seal(), { dispatcherKeys: { keys: [publicJwk(next)] } }),
    ).rejects.toMatchObject({ code: 'bad_signature' });
  });
});
