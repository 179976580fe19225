import { Actor, Id } from '@mbs/contracts';
import { PermanentError } from '@mbs/errors';
import { z } from 'zod';
import { jose } from '../jose';
import { keyByKid } from '../jwt/key-lookup';
import { epochSeconds } from '../jwt/epoch';
import type { Jwks, PrivateSigningJwk, PublicJwk } from '../keys/key-schemas';

/** The header `typ` of a command signature: no staff token passes for one, nor one for a token. */
export const COMMAND_TYP = 'mbs-command+jws';

/** What web vouches for when it signs a command: which command, of what type, on what, by whom. */
export const SignedCommandFields = z.object({
  commandId: Id,
  type: z.string().min(1),
  appointmentId: Id,
  userId: Id,
  name: Actor.shape.name,
});
export type SignedCommandFields = z.infer<typeof SignedCommandFields>;

const SignedCommand = SignedCommandFields.extend({ iat: z.number().int() });
export type SignedCommand = z.infer<typeof SignedCommand>;

const FIELDS = Object.keys(SignedCommandFields.shape) as Array<keyof SignedCommandFields>;

/** A command whose signature does not verify, or vouches for other fields than it carries. */
export class CommandSignatureError extends PermanentError {
  declare readonly code: 'bad_command_signature';

  constructor(message: string) {
    super('bad_command_signature', message);
  }
}

/**
 * web's signature over a command's identity fields: a compact ES256 JWS, `typ:
 * 'mbs-command+jws'`, whose payload is exactly those fields and `iat`. It does not expire:
 * commands are retried from queues for minutes; what it proves is that web, having
 * authenticated this member of staff, sent this command about this appointment.
 */
export async function signCommand(
  fields: SignedCommandFields,
  signingKey: PrivateSigningJwk,
  now = new Date(),
): Promise<string> {
  const payload: SignedCommand = {
    commandId: fields.commandId,
    type: fields.type,
    appointmentId: fields.appointmentId,
    userId: fields.userId,
    name: fields.name,
    iat: epochSeconds(now),
  };
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', typ: COMMAND_TYP, kid: signingKey.kid })
    .sign(signingKey);
}

/**
 * Verifies a command's signature against web's public keys and the fields the command carries;
 * returns what was signed. Throws CommandSignatureError naming the first field that differs
 * (never its value).
 */
export async function verifyCommand(
  signature: string,
  expected: SignedCommandFields,
  keys: Jwks<PublicJwk>,
): Promise<SignedCommand> {
  let signed: SignedCommand;
  try {
    const { payload, protectedHeader } = await jose.compactVerify(
      signature,
      keyByKid(keys, 'sig'),
      {
        algorithms: ['ES256'],
      },
    );
    if (protectedHeader.typ !== COMMAND_TYP) throw new TypeError('not a command signature');
    signed = SignedCommand.parse(JSON.parse(new TextDecoder().decode(payload)));
  } catch {
    throw new CommandSignatureError('The command signature does not verify');
  }
  const differing = FIELDS.find((field) => signed[field] !== expected[field]);
  if (differing) {
    throw new CommandSignatureError(`The command's ${differing} is not the one signed`);
  }
  return signed;
}
