import {
  NOW as now,
  NOW_SECONDS,
  encodeSegment,
  headerAndPayload,
  rejection,
} from '../../test/support';
import { generateSigningKey, publicJwk } from '../keys/generate-keys';
import type { PrivateSigningJwk } from '../keys/key-schemas';
import { CheckIn, SendToModality, createMessage } from '@mbs/contracts';
import {
  CommandSignatureError,
  signCommand,
  signStaffCommand,
  verifyCommand,
  verifyStaffCommand,
  type SignedCommandFields,
} from './command-signature';
import { issueStaffToken } from './issue-staff-token';

const fields: SignedCommandFields = {
  commandId: 'cmd-1',
  type: 'appointment.send-to-modality',
  appointmentId: 'apt-1',
  userId: 'ada',
  name: 'Ada Lovelace',
};

let web: PrivateSigningJwk;
let keys: { keys: ReturnType<typeof publicJwk>[] };
beforeAll(async () => {
  web = await generateSigningKey('web-1');
  keys = { keys: [publicJwk(web)] };
});

async function failure(signature: string, expected = fields, accepted = keys) {
  const error = await rejection(
    verifyCommand(signature, expected, accepted),
    CommandSignatureError,
  );
  expect(error.code).toBe('bad_command_signature');
  expect(error.retryable).toBe(false);
  return error.message;
}

describe('command signatures', () => {
  it('verify for the fields they were signed over, and give what was signed', async () => {
    const signature = await signCommand(fields, web, now);
    await expect(verifyCommand(signature, fields, keys)).resolves.toEqual({
      ...fields,
      iat: NOW_SECONDS,
    });
    const { header, payload } = headerAndPayload(signature);
    expect(header).toEqual({ alg: 'ES256', typ: 'mbs-command+jws', kid: 'web-1' });
    expect(Object.keys(payload).sort()).toEqual([...Object.keys(fields), 'iat'].sort());
  });

  it('do not expire (commands wait in queues)', async () => {
    const signature = await signCommand(fields, web, new Date('2020-01-01T00:00:00Z'));
    await expect(verifyCommand(signature, fields, keys)).resolves.toMatchObject(fields);
  });

  it.each(Object.keys(fields) as Array<keyof SignedCommandFields>)(
    'refuse a command whose %s is not the one signed, naming the field only',
    async (field) => {
      const signature = await signCommand(fields, web, now);
      const changed = { ...fields, [field]: `${fields[field]}-other` };
      const message = await failure(signature, changed);
      expect(message).toBe(`The command's ${field} is not the one signed`);
      expect(message).not.toContain('-other');
    },
  );

  it('refuse a signature by another key under the same kid, or an unknown key', async () => {
    const forger = await generateSigningKey('web-1');
    expect(await failure(await signCommand(fields, forger))).toBe(
      'The command signature does not verify',
    );
    const stranger = await generateSigningKey('web-9');
    expect(await failure(await signCommand(fields, stranger))).toBe(
      'The command signature does not verify',
    );
  });

  it('refuse a signed payload changed after signing, and garbage', async () => {
    const [header, , signature] = (await signCommand(fields, web)).split('.');
    const other = encodeSegment({ ...fields, userId: 'eve', iat: 1 });
    await failure(`${header}.${other}.${signature}`, { ...fields, userId: 'eve' });
    await failure('garbage');
  });

  it('refuse a staff token (signed by the same key) presented as a command signature', async () => {
    const token = await issueStaffToken({
      subject: 'ada',
      name: 'Ada Lovelace',
      role: 'admin',
      audience: 'appointment',
      signingKey: web,
    });
    await failure(token);
  });

  it("accept signatures by any of web's published keys (rotation)", async () => {
    const next = await generateSigningKey('web-2');
    const both = { keys: [publicJwk(next), publicJwk(web)] };
    for (const key of [web, next]) {
      await expect(
        verifyCommand(await signCommand(fields, key), fields, both),
      ).resolves.toMatchObject(fields);
    }
  });
});

describe('staff commands signed and verified as they travel', () => {
  const ada = { userId: 'ada', name: 'Ada Lovelace' };

  it('signs a command over its own id, type, appointment and member of staff', async () => {
    const command = await signStaffCommand(
      SendToModality,
      { appointmentId: 'apt-1', requestedBy: ada },
      { id: 'cmd-7', signingKey: web, now },
    );
    expect(command).toMatchObject({ id: 'cmd-7', type: 'appointment.send-to-modality' });
    expect(command.data.requestedBy).toEqual({ ...ada, signature: expect.any(String) });
    await expect(verifyStaffCommand(command, keys)).resolves.toEqual({
      commandId: 'cmd-7',
      type: 'appointment.send-to-modality',
      appointmentId: 'apt-1',
      userId: 'ada',
      name: 'Ada Lovelace',
      iat: NOW_SECONDS,
    });
  });

  it('gives each command a new id unless told one', async () => {
    const data = { appointmentId: 'apt-1', requestedBy: ada };
    const [one, two] = await Promise.all([
      signStaffCommand(CheckIn, data, { signingKey: web }),
      signStaffCommand(CheckIn, data, { signingKey: web }),
    ]);
    expect(one.id).not.toBe(two.id);
    await expect(verifyStaffCommand(two, keys)).resolves.toMatchObject({ commandId: two.id });
  });

  it('refuses an unsigned command, one whose signature is for another, and a changed one', async () => {
    const unsigned = createMessage(CheckIn, { appointmentId: 'apt-1', requestedBy: ada });
    const missing = await rejection(verifyStaffCommand(unsigned, keys), CommandSignatureError);
    expect([missing.code, missing.message]).toEqual([
      'bad_command_signature',
      'The command is not signed',
    ]);

    const signed = await signStaffCommand(
      CheckIn,
      { appointmentId: 'apt-1', requestedBy: ada },
      { signingKey: web },
    );
    const borrowed = {
      ...unsigned,
      data: { ...unsigned.data, requestedBy: signed.data.requestedBy },
    };
    expect(
      (await rejection(verifyStaffCommand(borrowed, keys), CommandSignatureError)).message,
    ).toBe("The command's commandId is not the one signed");
    const retyped = { ...signed, type: 'appointment.cancel' };
    await rejection(verifyStaffCommand(retyped, keys), CommandSignatureError);
    const otherUser = {
      ...signed,
      data: { ...signed.data, requestedBy: { ...signed.data.requestedBy, userId: 'eve' } },
    };
    await rejection(verifyStaffCommand(otherUser, keys), CommandSignatureError);
  });
});
