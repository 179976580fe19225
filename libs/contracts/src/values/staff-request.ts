import { z } from 'zod';
import { Actor } from './identifiers';

/**
 * The longest command signature accepted: web's compact ES256 JWS over a command's identity
 * fields (a header with a kid, at most about 600 characters of payload, 86 of signature) is
 * well under 1 kB; anything longer is not one of ours.
 */
export const COMMAND_SIGNATURE_MAX_LENGTH = 2048;

/** A compact JWS (`header.payload.signature`, base64url each), as @mbs/trust's signCommand makes. */
export const CommandSignature = z
  .string()
  .max(COMMAND_SIGNATURE_MAX_LENGTH, `must be at most ${COMMAND_SIGNATURE_MAX_LENGTH} characters`)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'must be a compact JWS');

/**
 * Who asked for a staff command: the member of staff (Actor), and web's `signature` over the
 * command id, type, appointment and user (@mbs/trust signCommand), which appointment verifies
 * with web's public keys before acting. Optional in the contract, so a command without one
 * reaches appointment and is refused for what it is (`bad_command_signature`), not as a broken
 * message; events that name a member of staff carry the Actor alone.
 */
export const StaffRequest = Actor.extend({ signature: CommandSignature.optional() });
export type StaffRequest = z.infer<typeof StaffRequest>;
