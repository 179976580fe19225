import type { FailurePhase, MessageOf, MessageReady } from '@mbs/contracts';
import { insertOnce, keyToObjectId } from '@mbs/store';
import type { Connection } from 'mongoose';
import { type LifecycleWrite, lifecycleWrite, storedMessage } from '../domain/lifecycle-write';
import {
  guards,
  type MessageStatus,
  SENDABLE,
  type TransitionInput,
  type TransitionName,
  WITH_GATEWAY,
} from '../domain/message-lifecycle';
import { type MessageDocument, messageModel } from './message-model';

const HISTORY_KEPT = 50;

export interface MessageFilter {
  readonly status?: MessageStatus;
  readonly destinationId?: string;
  readonly gatewayId?: string;
  readonly appointmentId?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly accession?: string;
  readonly limit?: number;
}

/**
 * Messages in this service's own database. Every state change is a transition of the message
 * lifecycle (domain/message-lifecycle.ts), written as the one conditional update the lifecycle
 * computes for it: the store decides nothing. Returns the changed document, or null when the
 * lifecycle did not allow the change (a late, repeated or concurrent one).
 */
export function createMessageStore(connection: Connection) {
  const model = messageModel(connection);
  const byId = (messageId: string) => ({ _id: keyToObjectId(messageId) });
  const withStep = ({ update, step }: LifecycleWrite) => ({
    ...update,
    ...(step && { $push: { history: { $each: [step], $slice: -HISTORY_KEPT } } }),
  });
  /** One message's transition, as the lifecycle writes it: the changed message, or null. */
  const change = async (name: TransitionName, messageId: string, input: TransitionInput) => {
    const write = lifecycleWrite(name, input);
    if (!write) return null;
    return model
      .findOneAndUpdate({ ...byId(messageId), ...write.filter }, withStep(write), {
        returnDocument: 'after',
      })
      .lean<MessageDocument>()
      .exec();
  };
  /** The same transition for every message `scope` selects that the lifecycle allows it in. */
  const changeAll = (
    name: TransitionName,
    scope: Record<string, unknown>,
    input: TransitionInput,
  ) => {
    const write = lifecycleWrite(name, input)!;
    return model.updateMany({ ...scope, ...write.filter }, withStep(write)).exec();
  };

  return {
    /** Stores a ready message once: a redelivered message ready returns the stored one. */
    async insert(
      ready: MessageOf<typeof MessageReady>,
      trace: { traceparent?: string },
      now = new Date(),
    ): Promise<{ created: boolean; message: MessageDocument }> {
      const data = ready.data;
      const result = await insertOnce(model, {
        _id: keyToObjectId(data.messageId),
        ...data,
        ...storedMessage(now),
        traceparent: trace.traceparent ?? null,
        traceId: trace.traceparent?.split('-')[1] ?? null,
        readyEventId: ready.id,
        correlationId: ready.correlationId,
      } as MessageDocument);
      return { created: result.created, message: result.document.toObject() as MessageDocument };
    },

    get: (messageId: string) => model.findOne(byId(messageId)).lean<MessageDocument>().exec(),

    /**
     * Whether the gateway has been given an order with this accession number: a message for it,
     * sent through that gateway, that it acknowledged (delivered, or confirmed since).
     */
    async deliveredThrough(accessionNumber: string, gatewayId: string): Promise<boolean> {
      const found = await model
        .exists({
          accessionNumber,
          gatewayId,
          $or: [{ deliveredAt: { $ne: null } }, { status: { $in: WITH_GATEWAY } }],
        })
        .exec();
      return found !== null;
    },

    list(filter: MessageFilter = {}): Promise<MessageDocument[]> {
      const createdAt = {
        ...(filter.from && { $gte: filter.from }),
        ...(filter.to && { $lte: filter.to }),
      };
      return model
        .find({
          ...(filter.status && { status: filter.status }),
          ...(filter.destinationId && { destinationId: filter.destinationId }),
          ...(filter.gatewayId && { gatewayId: filter.gatewayId }),
          ...(filter.appointmentId && { appointmentId: filter.appointmentId }),
          ...(filter.accession && { accessionNumber: filter.accession }),
          ...(Object.keys(createdAt).length > 0 && { createdAt }),
        })
        .select({ payload: 0, history: 0 })
        .sort({ createdAt: -1 })
        .limit(filter.limit ?? 100)
        .lean<MessageDocument[]>()
        .exec();
    },

    /** Messages whose next try is due, oldest first. */
    due: (now: Date, limit: number) =>
      model
        .find({ status: { $in: SENDABLE }, ...guards.due({ now }) })
        .sort({ nextAttemptAt: 1 })
        .limit(limit)
        .lean<MessageDocument[]>()
        .exec(),

    /**
     * Takes a due message for one send: counts the attempt and moves its next try past the
     * receipt wait (`holdMs`).
     */
    claim: (message: MessageDocument, now: Date, holdMs: number) =>
      change('send', message.messageId, {
        now,
        from: message.status,
        attempt: message.attempts,
        nextAttemptAt: new Date(now.getTime() + holdMs),
      }),

    /**
     * The gateway's receipt of one send (its attempt and staff resend): delivered, with its
     * outcome awaited until `confirmBy`. A receipt of an earlier resend's send changes nothing.
     */
    async markDelivered(
      messageId: string,
      send: { attempt: number; resend: number },
      now: Date,
      confirmBy: Date,
    ) {
      const updated = await change('receipt', messageId, {
        now,
        attempt: send.attempt,
        resend: send.resend,
        nextAttemptAt: confirmBy,
      });
      // The gateway has it even when this receipt came too late to move the message, as long as
      // the receipt is of the current resend.
      await this.keepFirstDeliveredAt(messageId, now, send.resend);
      return updated ? this.get(messageId) : null;
    },

    /**
     * Sets deliveredAt only the first time (a resend's receipt keeps the first one); with
     * `resend`, only while that staff resend is the current one.
     */
    keepFirstDeliveredAt: (messageId: string, at: Date, resend?: number) =>
      changeAll('gateway_has_it', byId(messageId), { now: at, resend }),

    /**
     * Confirmed by the destination (or already had), also late, after the dispatcher stopped
     * waiting. Null when the lifecycle does not allow it (already confirmed, or a failure a
     * confirmation does not undo).
     */
    async markConfirmed(messageId: string, now: Date, alreadyHad: boolean, detail: string) {
      const updated = await change('confirm', messageId, { now, alreadyHad, detail });
      if (!updated) return null;
      // Confirmation implies the gateway had it, even when its receipt was lost.
      await this.keepFirstDeliveredAt(messageId, now);
      return this.get(messageId);
    },

    /**
     * Failed for good (until staff resend). With `precondition.attempts`, only while that attempt
     * is still the current one (a late answer to an earlier attempt changes nothing).
     */
    markFailed: (
      messageId: string,
      failure: { phase: FailurePhase; reason: string },
      now: Date,
      precondition: { attempts?: number } = {},
    ) => change('fail', messageId, { now, failure, attempt: precondition.attempts }),

    /** A try that did not succeed: remember why (naming the phase) and when to try again. */
    scheduleRetry: (
      messageId: string,
      attempt: number,
      failure: { phase: FailurePhase; reason: string },
      nextAttemptAt: Date,
      now: Date,
    ) => change('retry', messageId, { now, attempt, failure, nextAttemptAt }),

    /**
     * The gateway reported attempt `attempt` `unavailable` (the hospital system was down after its
     * own retries): the message waits until `nextAttemptAt`. Null when the message moved on.
     */
    awaitDestination: (
      messageId: string,
      attempt: number,
      failure: { phase: FailurePhase; reason: string },
      nextAttemptAt: Date,
      now: Date,
    ) => change('await_destination', messageId, { now, attempt, failure, nextAttemptAt }),

    /** The gateway has no open session: count the try without sending. Null when it changed. */
    countUnsentAttempt: (message: MessageDocument, now: Date) =>
      change('offline', message.messageId, {
        now,
        from: message.status,
        attempt: message.attempts,
      }),

    /** A gateway's session (re)opened: what waited for it is due now. */
    releaseWaiting: (gatewayId: string, now: Date) => changeAll('release', { gatewayId }, { now }),

    /**
     * Removes the payload (patient data) of messages confirmed at or before `confirmedBefore`
     * (the retention counts from the final state), keeping every other field and the history.
     * No TTL index: the stand-in does not expire, and the payload goes, not the message. Returns
     * how many it purged.
     */
    async purgePayloads(confirmedBefore: Date, now: Date): Promise<number> {
      const result = await changeAll('purge_payload', {}, { now, before: confirmedBefore });
      return result.modifiedCount;
    },

    /**
     * Staff resend a failed message: a new send, counted in `resends` (which the gateway sees, so
     * it delivers a rejected message again, and which tells this send's outcome events from the
     * first's), with a fresh retry budget.
     */
    resend: (messageId: string, now: Date) => change('resend', messageId, { now }),

    /** Records that an outcome event was published (confirmed by the broker). */
    markAnnounced: (messageId: string, what: 'delivered' | 'confirmed' | 'failed') =>
      model.updateOne(byId(messageId), { $addToSet: { announced: what } }).exec(),

    /**
     * Messages whose outcome event was not published (the state changed, the publish failed),
     * changed before `settledBefore` so a publish still in progress is left alone.
     */
    unannounced: (settledBefore: Date, limit: number) =>
      model
        .find({
          $or: [
            { deliveredAt: { $lte: settledBefore }, announced: { $ne: 'delivered' } },
            {
              status: 'confirmed',
              confirmedAt: { $lte: settledBefore },
              announced: { $ne: 'confirmed' },
            },
            { status: 'failed', failedAt: { $lte: settledBefore }, announced: { $ne: 'failed' } },
          ],
        })
        .limit(limit)
        .lean<MessageDocument[]>()
        .exec(),

    count: (filter: Record<string, unknown> = {}) => model.countDocuments(filter).exec(),
  };
}

export type MessageStore = ReturnType<typeof createMessageStore>;
