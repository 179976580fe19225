import type { FailurePhase, MessageOf, MessageReady } from '@mbs/contracts';
import { insertOnce, keyToObjectId } from '@mbs/store';
import type { Connection } from 'mongoose';
import { LATE_CONFIRMABLE, type MessageStatus, SENDABLE } from '../domain/message-status';
import { type HistoryEntry, type MessageDocument, messageModel } from './message-model';

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

const history = (entry: HistoryEntry) => ({
  $push: { history: { $each: [entry], $slice: -HISTORY_KEPT } },
});

/**
 * Messages in this service's own database. Every state change is one conditional
 * `findOneAndUpdate` whose filter states the status (and, for a send's result, the attempt) it
 * expects, so a late or repeated answer changes nothing and two loops never send one message
 * twice at once. Returns the changed document, or null when the precondition did not hold.
 */
export function createMessageStore(connection: Connection) {
  const model = messageModel(connection);
  const byId = (messageId: string) => ({ _id: keyToObjectId(messageId) });
  const change = (filter: Record<string, unknown>, update: Record<string, unknown>) =>
    model
      .findOneAndUpdate(filter, update, { returnDocument: 'after' })
      .lean<MessageDocument>()
      .exec();

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
        status: 'pending',
        attempts: 0,
        resends: 0,
        nextAttemptAt: now,
        createdAt: now,
        traceparent: trace.traceparent ?? null,
        traceId: trace.traceparent?.split('-')[1] ?? null,
        readyEventId: ready.id,
        correlationId: ready.correlationId,
        announced: [],
        history: [{ at: now, event: 'stored', attempt: 0 }],
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
          $or: [{ deliveredAt: { $ne: null } }, { status: { $in: ['delivered', 'confirmed'] } }],
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
        .find({ status: { $in: SENDABLE }, nextAttemptAt: { $lte: now } })
        .sort({ nextAttemptAt: 1 })
        .limit(limit)
        .lean<MessageDocument[]>()
        .exec(),

    /**
     * Takes a due message for one send: counts the attempt and moves its next try past the
     * receipt wait, so another loop (or this one after a crash) sends it again only then.
     */
    claim(message: MessageDocument, now: Date, holdMs: number) {
      const attempt = message.attempts + 1;
      return change(
        {
          ...byId(message.messageId),
          status: message.status,
          attempts: message.attempts,
          nextAttemptAt: { $lte: now },
        },
        {
          $set: {
            // A resend of a delivered message stays delivered: the gateway has it.
            status: message.status === 'delivered' ? 'delivered' : 'sent',
            sentAt: now,
            nextAttemptAt: new Date(now.getTime() + holdMs),
          },
          $inc: { attempts: 1 },
          ...history({ at: now, event: 'sent', attempt }),
        },
      );
    },

    /** The gateway's receipt: delivered, with its outcome awaited until `confirmBy`. */
    async markDelivered(messageId: string, attempt: number, now: Date, confirmBy: Date) {
      const updated = await change(
        {
          ...byId(messageId),
          status: { $in: ['pending', 'sent', 'delivered'] },
          attempts: attempt,
          // This attempt's outcome (unavailable) came first: it decides what happens next.
          unavailableAttempt: { $ne: attempt },
        },
        {
          $set: { status: 'delivered', nextAttemptAt: confirmBy },
          ...history({ at: now, event: 'delivered', attempt }),
        },
      );
      await this.keepFirstDeliveredAt(messageId, now);
      return updated ? this.get(messageId) : null;
    },

    /** Sets deliveredAt only the first time (a resend's receipt keeps the first one). */
    keepFirstDeliveredAt: (messageId: string, at: Date) =>
      model
        .updateOne({ ...byId(messageId), deliveredAt: null }, { $set: { deliveredAt: at } })
        .exec(),

    /**
     * Confirmed by the destination (or already had). Also from `failed` when the dispatcher had
     * only stopped waiting (LATE_CONFIRMABLE): the hospital accepted it after all. Null when
     * already confirmed, or failed for a reason a confirmation does not undo.
     */
    async markConfirmed(messageId: string, now: Date, alreadyHad: boolean, detail: string) {
      const updated = await change(
        {
          ...byId(messageId),
          $or: [
            { status: { $in: SENDABLE } },
            { status: 'failed', 'lastError.phase': { $in: LATE_CONFIRMABLE } },
          ],
        },
        {
          $set: { status: 'confirmed', confirmedAt: now, nextAttemptAt: null, alreadyHad },
          ...history({ at: now, event: 'confirmed', attempt: 0, detail }),
        },
      );
      if (!updated) return null;
      // Confirmation implies the gateway had it, even when its receipt was lost.
      await this.keepFirstDeliveredAt(messageId, now);
      return this.get(messageId);
    },

    /**
     * Failed for good (until staff resend), from a status it may still be sent from. With
     * `precondition.attempts`, only while that attempt is still the current one (a late answer
     * to an earlier attempt changes nothing).
     */
    markFailed(
      messageId: string,
      failure: { phase: FailurePhase; reason: string },
      now: Date,
      precondition: { attempts?: number } = {},
    ) {
      return change(
        {
          ...byId(messageId),
          status: { $in: SENDABLE },
          ...(precondition.attempts !== undefined && { attempts: precondition.attempts }),
        },
        {
          $set: {
            status: 'failed',
            failedAt: now,
            nextAttemptAt: null,
            lastError: { ...failure, at: now },
          },
          ...history({
            at: now,
            event: 'failed',
            attempt: 0,
            detail: `${failure.phase}: ${failure.reason}`,
          }),
        },
      );
    },

    /** A try that did not succeed: remember why (naming the phase) and when to try again. */
    scheduleRetry(
      messageId: string,
      attempt: number,
      failure: { phase: FailurePhase; reason: string },
      nextAttemptAt: Date,
      now: Date,
    ) {
      return change(
        { ...byId(messageId), status: { $in: SENDABLE }, attempts: attempt },
        {
          $set: { nextAttemptAt, lastError: { ...failure, at: now } },
          ...history({
            at: now,
            event: 'retry',
            attempt,
            detail: `${failure.phase}: ${failure.reason}`,
          }),
        },
      );
    },

    /**
     * The gateway reported attempt `attempt` `unavailable` (the hospital system was down after its
     * own retries): the message waits (`pending`) until `nextAttemptAt`, and its next deliver is
     * delivered again. Once per attempt; null when the message moved on meanwhile.
     */
    awaitDestination(
      messageId: string,
      attempt: number,
      failure: { phase: FailurePhase; reason: string },
      nextAttemptAt: Date,
      now: Date,
    ) {
      return change(
        {
          ...byId(messageId),
          status: { $in: SENDABLE },
          attempts: attempt,
          unavailableAttempt: { $ne: attempt },
        },
        {
          $set: {
            status: 'pending',
            nextAttemptAt,
            unavailableAttempt: attempt,
            lastError: { ...failure, at: now },
          },
          ...history({
            at: now,
            event: 'retry',
            attempt,
            detail: `${failure.phase}: ${failure.reason}`,
          }),
        },
      );
    },

    /**
     * The gateway has no open session: count the try without sending (the message waits and
     * stays pending). Null when the message changed meanwhile.
     */
    countUnsentAttempt(message: MessageDocument, now: Date) {
      return change(
        {
          ...byId(message.messageId),
          status: message.status,
          attempts: message.attempts,
          nextAttemptAt: { $lte: now },
        },
        {
          $inc: { attempts: 1 },
          ...(message.status === 'sent' && { $set: { status: 'pending' } }),
        },
      );
    },

    /**
     * A gateway's session (re)opened: what waited for it is due now. Not what waits for the
     * hospital system behind it (destination_unavailable): that keeps its backoff.
     */
    releaseWaiting: (gatewayId: string, now: Date) =>
      model
        .updateMany(
          {
            gatewayId,
            status: { $in: ['pending', 'sent'] },
            nextAttemptAt: { $gt: now },
            'lastError.phase': { $ne: 'destination_unavailable' },
          },
          { $set: { nextAttemptAt: now } },
        )
        .exec(),

    /**
     * Removes the payload (patient data) of messages confirmed at or before `confirmedBefore`
     * (the retention counts from the final state), keeping every other field and the history, to
     * which it adds `payload_purged`. One `updateMany` whose filter names the status: only
     * `confirmed`, which never changes again and is never sent or resent. Failed messages (staff
     * may resend them) and those still on their way keep theirs. No TTL index: the stand-in does
     * not expire, and the payload goes, not the message. Returns how many it purged.
     */
    async purgePayloads(confirmedBefore: Date, now: Date): Promise<number> {
      const result = await model
        .updateMany(
          { status: 'confirmed', confirmedAt: { $lte: confirmedBefore }, payloadPurgedAt: null },
          {
            $unset: { payload: '' },
            $set: { payloadPurgedAt: now },
            ...history({ at: now, event: 'payload_purged', attempt: 0 }),
          },
        )
        .exec();
      return result.modifiedCount;
    },

    /**
     * Staff resend a failed message: a new send, counted in `resends` (which the gateway sees, so
     * it delivers a rejected message again, and which tells this send's outcome events from the
     * first's), with a fresh retry budget.
     */
    resend: (messageId: string, now: Date) =>
      change(
        // Only failed messages are resent and only confirmed ones are purged; the second
        // condition keeps a message without its payload from ever being sent, whatever changes.
        { ...byId(messageId), status: 'failed', payloadPurgedAt: null },
        {
          $set: {
            status: 'pending',
            attempts: 0,
            nextAttemptAt: now,
            failedAt: null,
            // This send's receipt sets it again, and only then is it announced as delivered.
            deliveredAt: null,
            // Attempts count from 1 again: an old attempt's outcome must not block a new one.
            unavailableAttempt: null,
            // This send's outcomes are new events (new ids): each must be announced.
            announced: [],
          },
          $inc: { resends: 1 },
          ...history({ at: now, event: 'resend', attempt: 0 }),
        },
      ),

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
