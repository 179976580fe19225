import {
  Actor,
  Id,
  createMessage,
  type AnyContract,
  type DataOf,
  type MessageOf,
  type MessageOptions,
  type StaffRequest,
} from '@mbs/contracts';
import { PermanentError } from '@mbs/errors';
import { randomUUID } from 'node:crypto';
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

/** What a staff command carries that its signature covers (every staff command's data has it). */
interface StaffCommandData {
  readonly appointmentId: string;
  readonly requestedBy: StaffRequest;
}

/** A staff command as it arrives: envelope id and type, and the data its signature covers. */
export interface StaffCommandEnvelope {
  readonly id: string;
  readonly type: string;
  readonly data: StaffCommandData;
}

export interface SignStaffCommandOptions extends Omit<MessageOptions, 'id'> {
  /** The command id (a form's, so a double submission is one command); a new UUID if not given. */
  readonly id?: string;
  /** web's private signing key (scripts and tests: the development key). */
  readonly signingKey: PrivateSigningJwk;
  readonly now?: Date;
}

/**
 * A staff command of `contract`, its `requestedBy` signed over the command's id, type,
 * appointment and member of staff: how web (and, as the development user, `npm run send`, the
 * end-to-end suites and the bench) make every command appointment will act on.
 */
export async function signStaffCommand<C extends AnyContract>(
  contract: C,
  data: DataOf<C> & StaffCommandData,
  options: SignStaffCommandOptions,
): Promise<MessageOf<C>> {
  const { signingKey, now, ...messageOptions } = options;
  const id = options.id ?? randomUUID();
  const { userId, name } = data.requestedBy;
  const signature = await signCommand(
    { commandId: id, type: contract.type, appointmentId: data.appointmentId, userId, name },
    signingKey,
    now,
  );
  return createMessage(
    contract,
    { ...data, requestedBy: { userId, name, signature } },
    { ...messageOptions, id },
  );
}

/**
 * Verifies a staff command as it arrived: its `requestedBy.signature` must be web's over this
 * command's id, type, appointment and member of staff. Throws CommandSignatureError (permanent:
 * `bad_command_signature`) when it is missing, does not verify or covers anything else.
 */
export async function verifyStaffCommand(
  command: StaffCommandEnvelope,
  keys: Jwks<PublicJwk>,
): Promise<SignedCommand> {
  const { appointmentId, requestedBy } = command.data;
  if (!requestedBy.signature) throw new CommandSignatureError('The command is not signed');
  return verifyCommand(
    requestedBy.signature,
    {
      commandId: command.id,
      type: command.type,
      appointmentId,
      userId: requestedBy.userId,
      name: requestedBy.name,
    },
    keys,
  );
}
