import type { Bus } from '@mbs/bus';
import {
  type ContractViolation,
  createMessage,
  fitReason,
  Id,
  Instant,
  MessageFailed,
} from '@mbs/contracts';
import type { Logger } from '@mbs/telemetry';
import type { z } from 'zod';
import { failedEventId } from '../domain/derived-ids';

/** The value when the schema accepts it, else undefined: a broken event is read field by field. */
function valid<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

/**
 * Answers an *appointment sent to modality* that breaks its contract, then throws the violation
 * so the bus dead-letters the original for admins. When the event names its appointment (a valid
 * `data.appointmentId`), *message failed* (phase `build`, the violations as the reason) goes first:
 * no order can be built from it, and the appointment must return to checked_in with staff told
 * why rather than wait in sent_to_modality. Without a readable appointment id nobody can be told;
 * the dead letter alone remains.
 *
 * Idempotent like every answer here: the id derives from the event id, `occurredAt` is the
 * event's when it is readable (otherwise the time of this answer; the id still lets consumers
 * take it once).
 */
export async function answerBrokenSentEvent(
  bus: Pick<Bus, 'publish'>,
  event: { readonly id: string },
  violation: ContractViolation,
  logger: Logger,
): Promise<never> {
  // Only the envelope id was checked: every other field is read as what it may be, anything.
  const fields = event as Readonly<Record<string, unknown>>;
  const data = fields['data'];
  const appointmentId = valid(
    Id,
    typeof data === 'object' && data !== null
      ? (data as { appointmentId?: unknown }).appointmentId
      : undefined,
  );
  if (appointmentId === undefined) {
    logger.error(
      { reason: violation.message },
      'broken event names no appointment; dead-lettered only',
    );
    throw violation;
  }
  const reason = `No order can be built: ${violation.message}`;
  logger.error({ appointmentId, reason }, 'broken event answered with message failed');
  const correlationId = valid(Id, fields['correlationId']) ?? event.id;
  const occurredAt = valid(Instant, fields['occurredAt']);
  await bus.publish(
    MessageFailed,
    createMessage(
      MessageFailed,
      {
        appointmentId,
        phase: 'build',
        reason: fitReason(reason),
        attempts: 0,
      },
      {
        id: failedEventId(event.id),
        causedBy: { id: event.id, correlationId },
        ...(occurredAt !== undefined && { occurredAt }),
      },
    ),
  );
  throw violation;
}
