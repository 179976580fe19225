import type { Actor } from '@mbs/contracts';
import type { Logger } from '@mbs/telemetry';
import { CommandSignatureError, verifyStaffCommand, type StaffCommandEnvelope } from '@mbs/trust';
import type { StaffCommandDeps } from '../transitions/handler-deps';

/**
 * The member of staff a staff command speaks for, as web signed it: its `requestedBy.signature`
 * must verify with one of web's keys over this command's id, type, appointment and user.
 * Checked before anything is read or changed. A command that is unsigned, signed by another key
 * or signed for something else throws CommandSignatureError (permanent, `bad_command_signature`):
 * it changes nothing, is logged and dead-lettered, and is NOT answered with *command rejected*,
 * which would tell whoever it names about a command they never sent (and tell a forger what
 * appointment decided).
 */
export async function verifiedRequester(
  deps: StaffCommandDeps,
  command: StaffCommandEnvelope,
  logger: Logger,
): Promise<Actor> {
  try {
    const signed = await verifyStaffCommand(command, deps.staffKeys);
    return { userId: signed.userId, name: signed.name };
  } catch (error) {
    if (error instanceof CommandSignatureError) {
      logger.warn(
        { commandId: command.id, type: command.type, code: error.code, problem: error.message },
        'staff command refused: its signature does not verify; dead-lettered, nothing changed',
      );
    }
    throw error;
  }
}
