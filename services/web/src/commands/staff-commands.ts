import type { Bus } from '@mbs/bus';
import {
  CancelAppointment,
  CheckIn,
  MarkDidNotAttend,
  SendToModality,
  WithdrawSend,
  type Actor,
  type AnyContract,
  type StaffActionName,
} from '@mbs/contracts';
import { TransientError, isRetryable } from '@mbs/errors';
import { signStaffCommand, type PrivateSigningJwk } from '@mbs/trust';

/** Each staff action is one command on the bus (libs/contracts). */
export const commandOf = {
  check_in: CheckIn,
  send_to_modality: SendToModality,
  withdraw_send: WithdrawSend,
  cancel: CancelAppointment,
  mark_did_not_attend: MarkDidNotAttend,
} as const satisfies Record<StaffActionName, AnyContract>;

/**
 * The broker did not take a command in time: nothing was sent, the user is told so and may try
 * again (the same command id, so a command that did arrive after all is not applied twice).
 */
export class CommandNotSentError extends TransientError {
  constructor(options?: { cause?: unknown }) {
    super(
      'command_not_sent',
      'The request could not be passed on: the message service did not answer',
      options,
    );
  }
}

export interface StaffCommandRequest {
  readonly action: StaffActionName;
  /**
   * Made when the form was shown and sent back with it, so a double submission (a second click,
   * a retry after an error) is the same command, which appointment applies once.
   */
  readonly commandId: string;
  readonly appointmentId: string;
  readonly requestedBy: Actor;
  readonly reason?: string;
}

export type StaffCommands = ReturnType<typeof staffCommands>;

/**
 * Publishes staff commands with a publisher confirm and answers as soon as the broker has them;
 * what appointment decides comes back as events (state changed, or command rejected). Each is
 * signed with web's key over its id, type, appointment and the signed-in member of staff
 * (`requestedBy.signature`): appointment acts on nothing else.
 */
export function staffCommands(bus: Pick<Bus, 'publish'>, signingKey: PrivateSigningJwk) {
  return {
    async send(request: StaffCommandRequest): Promise<void> {
      // One of five contracts, chosen at run time; createMessage validates the data against it.
      const contract: AnyContract = commandOf[request.action];
      const message = await signStaffCommand(
        contract,
        {
          appointmentId: request.appointmentId,
          requestedBy: { userId: request.requestedBy.userId, name: request.requestedBy.name },
          ...(request.reason !== undefined && { reason: request.reason }),
        },
        { id: request.commandId, signingKey },
      );
      try {
        await bus.publish(contract, message);
      } catch (error) {
        if (isRetryable(error)) throw new CommandNotSentError({ cause: error });
        throw error;
      }
    },
  };
}
