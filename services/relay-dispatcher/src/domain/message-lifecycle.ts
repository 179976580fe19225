import type { FailurePhase } from '@mbs/contracts';
import { z } from 'zod';

export const MessageStatus = z.enum(['pending', 'sent', 'delivered', 'confirmed', 'failed']);
export type MessageStatus = z.infer<typeof MessageStatus>;

/**
 * What each status means. `withGateway`: the status alone says the gateway has the message (a
 * failed one may have it too; its `deliveredAt` says so).
 */
export const statuses: Readonly<
  Record<MessageStatus, { readonly meaning: string; readonly withGateway: boolean }>
> = {
  pending: { meaning: 'waiting for its next send', withGateway: false },
  sent: { meaning: 'a deliver is in flight', withGateway: false },
  delivered: { meaning: 'the gateway has it; its outcome is awaited', withGateway: true },
  confirmed: { meaning: 'the hospital destination accepted it; final', withGateway: true },
  failed: { meaning: 'given up or refused; staff may resend it', withGateway: false },
};

/**
 * Failures a late confirmation overrides: the dispatcher stopped waiting, but the hospital never
 * said no. A rejection (`destination_rejected`) or a refused frame (`send`) is never overridden.
 */
export const LATE_CONFIRMABLE: readonly FailurePhase[] = [
  'confirm_timeout',
  'retry_limit',
  'destination_unavailable',
];

/**
 * Conditions a write holds to besides the status, each the reason a late, repeated or concurrent
 * write changes nothing. Each is the filter it adds, in the store's query language (MongoDB's, run
 * as is); `need` marks the input it cannot do without.
 */
export const guards = {
  /** Status and attempts as the caller read them: two loops never take one message at once. */
  as_read: (i: TransitionInput) => ({ status: need(i, 'from'), attempts: need(i, 'attempt') }),
  /** Its next try is due. */
  due: (i: TransitionInput) => ({ nextAttemptAt: { $lte: i.now } }),
  /** The answered attempt is still the current one: an answer to an earlier one changes nothing. */
  attempt: (i: TransitionInput) => ({ attempts: need(i, 'attempt') }),
  /** The same, when the write is about an attempt (a hospital's rejection is about the message). */
  attempt_if_named: (i: TransitionInput) =>
    i.attempt === undefined ? {} : { attempts: i.attempt },
  /**
   * The answered send is of the current staff resend: attempts count from 1 again after a
   * resend, so a late answer to an earlier resend's send can name the current attempt. A message
   * stored before resends were counted has none (resend 0).
   */
  resend: (i: TransitionInput) => ({ resends: resendFilter(need(i, 'resend')) }),
  /** The same, when the write names the send it is about (a confirmation is about the message). */
  resend_if_named: (i: TransitionInput) =>
    i.resend === undefined ? {} : { resends: resendFilter(i.resend) },
  /** The attempt's unavailable outcome came first: it decides, once, and its receipt is late. */
  not_unavailable_yet: (i: TransitionInput) => ({
    unavailableAttempt: { $ne: need(i, 'attempt') },
  }),
  /** It waits for its gateway, not for the hospital system behind it (that keeps its backoff). */
  waits_for_gateway: (i: TransitionInput) => ({
    nextAttemptAt: { $gt: i.now },
    'lastError.phase': { $ne: 'destination_unavailable' },
  }),
  /** Failed only because the dispatcher stopped waiting. */
  stopped_waiting: () => ({ 'lastError.phase': { $in: LATE_CONFIRMABLE } }),
  /** Still holds its payload: a message without one is never sent, whatever else changes. */
  payload_kept: () => ({ payloadPurgedAt: null }),
  confirmed_before: (i: TransitionInput) => ({ confirmedAt: { $lte: need(i, 'before') } }),
  /** `deliveredAt` is the first proof of the current send: later ones keep it. */
  first_proof: () => ({ deliveredAt: null }),
} satisfies Record<string, (input: TransitionInput) => Filter>;
export type Guard = keyof typeof guards;

/**
 * What a transition writes to a field: the time of the transition (`now`), a value the caller
 * brings (`next_attempt`, `already_had`, the answered `attempt`, the `failure` with its time), one
 * more (`count`), `remove` (the field goes), or the literal value itself (null clears it).
 */
export type Effect =
  | 'now'
  | 'next_attempt'
  | 'already_had'
  | 'attempt'
  | 'failure'
  | 'count'
  | 'remove'
  | null
  | 0
  | readonly [];
export type Field =
  | 'attempts'
  | 'resends'
  | 'createdAt'
  | 'nextAttemptAt'
  | 'sentAt'
  | 'deliveredAt'
  | 'confirmedAt'
  | 'failedAt'
  | 'lastError'
  | 'unavailableAttempt'
  | 'alreadyHad'
  | 'announced'
  | 'payload'
  | 'payloadPurgedAt';

export type HistoryStep =
  'stored' | 'sent' | 'delivered' | 'retry' | 'confirmed' | 'failed' | 'resend' | 'payload_purged';

export interface Transition {
  /** The status it creates a message in (`stored` only: every other row moves one). */
  readonly creates?: MessageStatus;
  /** The statuses it applies in, each to the status it leads to (the same one: it stays). */
  readonly moves: Partial<Record<MessageStatus, MessageStatus>>;
  /** Conditions besides the status, in every status it applies in. */
  readonly guards?: readonly Guard[];
  /** Conditions for one status only (on top of `guards`). */
  readonly guardsIn?: Partial<Record<MessageStatus, readonly Guard[]>>;
  readonly sets?: Partial<Record<Field, Effect>>;
  /** The step it adds to the message's bounded history (none for a try that sent nothing). */
  readonly records?: HistoryStep;
}

const onTheWay = ['pending', 'sent', 'delivered'] as const;
const toAll = (to: MessageStatus) => Object.fromEntries(onTheWay.map((s) => [s, to]));
const staying = { pending: 'pending', sent: 'sent', delivered: 'delivered' } as const;

/**
 * The message lifecycle: this table is the one statement of it. Every change to a message is one
 * row, made by the store as one conditional write (`lifecycleWrite`): the filter names the
 * statuses the row moves from and its guards, so a late, repeated or concurrent write changes
 * nothing, and the update is the row's status and field effects.
 *
 *   message ready
 *        | stored
 *        v          send              receipt                   confirm
 *     pending -----------> sent -----------> delivered -----------------> confirmed
 *      ^  ^                 |                  |    (also from pending     ^     |
 *      |  |                 |                  |     and sent)             |     | purge_payload
 *      |  +-----------------+------------------+                           |     v (stays)
 *      |     offline (from sent), await_destination                        |
 *      |                                                                   |
 *      |     resend                fail (from pending, sent, delivered)    | confirm, only if
 *      +------------------ failed <------------------------------------    | it stopped waiting
 *                            |                                             |
 *                            +---------------------------------------------+
 *
 *   Not drawn, as they keep the status: retry; offline from pending or delivered; send from
 *   sent or delivered; receipt of a delivered message; release; gateway_has_it.
 *
 * Decisions worth knowing:
 * - `pending`, `sent` and `delivered` are on the way: the loop sends from each (`SENDABLE`), and
 *   a delivered message sent again stays delivered (the gateway has it; it answers already_have);
 * - a gateway without a session (`offline`) counts the try without sending: the message waits
 *   in `pending` (a delivered one stays delivered) with the retry decision's backoff, and a
 *   session that opens makes it due at once (`release`), unless it waits for the hospital
 *   system behind the gateway (`await_destination`), which keeps its backoff;
 * - every answer to a send (receipt, retry, await_destination, and fail when it names its
 *   attempt) holds only while that attempt is the current one; a receipt (and the proof it
 *   gives, `gateway_has_it`) also only while its send's staff resend is the current one; an unavailable outcome counts once per attempt and beats that
 *   attempt's receipt arriving after it;
 * - `confirmed` is final: nothing moves it, and only it loses its payload (retention);
 * - `failed` waits for staff (`resend`: a new send with a fresh budget) or for a confirmation
 *   the dispatcher stopped waiting for (`LATE_CONFIRMABLE`): the hospital has it after all;
 * - `deliveredAt` is set by the first proof that the gateway has the current send (its receipt,
 *   a confirmation, a rejection or an unavailability: `gateway_has_it`), and a resend clears it.
 */
export const lifecycle = {
  stored: {
    creates: 'pending',
    moves: {},
    sets: { attempts: 0, resends: 0, createdAt: 'now', nextAttemptAt: 'now', announced: [] },
    records: 'stored',
  },
  send: {
    moves: { pending: 'sent', sent: 'sent', delivered: 'delivered' },
    guards: ['as_read', 'due'],
    // Its next try moves past the receipt wait: another loop (or this one after a crash) sends
    // it again only then.
    sets: { attempts: 'count', sentAt: 'now', nextAttemptAt: 'next_attempt' },
    records: 'sent',
  },
  offline: {
    moves: { pending: 'pending', sent: 'pending', delivered: 'delivered' },
    guards: ['as_read', 'due'],
    sets: { attempts: 'count' },
  },
  receipt: {
    moves: toAll('delivered'),
    guards: ['attempt', 'resend', 'not_unavailable_yet'],
    // Until then its outcome is awaited; then it is sent again.
    sets: { nextAttemptAt: 'next_attempt' },
    records: 'delivered',
  },
  retry: {
    moves: staying,
    guards: ['attempt'],
    sets: { nextAttemptAt: 'next_attempt', lastError: 'failure' },
    records: 'retry',
  },
  await_destination: {
    moves: toAll('pending'),
    guards: ['attempt', 'not_unavailable_yet'],
    // Its next deliver is taken and delivered again by the gateway.
    sets: { nextAttemptAt: 'next_attempt', unavailableAttempt: 'attempt', lastError: 'failure' },
    records: 'retry',
  },
  release: {
    moves: { pending: 'pending', sent: 'sent' },
    guards: ['waits_for_gateway'],
    sets: { nextAttemptAt: 'now' },
  },
  confirm: {
    moves: { ...toAll('confirmed'), failed: 'confirmed' },
    guardsIn: { failed: ['stopped_waiting'] },
    sets: { confirmedAt: 'now', nextAttemptAt: null, alreadyHad: 'already_had' },
    records: 'confirmed',
  },
  fail: {
    moves: toAll('failed'),
    guards: ['attempt_if_named'],
    sets: { failedAt: 'now', nextAttemptAt: null, lastError: 'failure' },
    records: 'failed',
  },
  resend: {
    moves: { failed: 'pending' },
    guards: ['payload_kept'],
    sets: {
      resends: 'count',
      // A fresh budget; attempts count from 1 again, so an old attempt's outcome must not block
      // a new one (unavailableAttempt).
      attempts: 0,
      nextAttemptAt: 'now',
      failedAt: null,
      // This send's receipt sets it again, and only then is it announced as delivered.
      deliveredAt: null,
      unavailableAttempt: null,
      // This send's outcomes are new events (new ids): each must be announced.
      announced: [],
    },
    records: 'resend',
  },
  gateway_has_it: {
    moves: { ...staying, confirmed: 'confirmed', failed: 'failed' },
    guards: ['first_proof', 'resend_if_named'],
    sets: { deliveredAt: 'now' },
  },
  purge_payload: {
    moves: { confirmed: 'confirmed' },
    guards: ['payload_kept', 'confirmed_before'],
    sets: { payload: 'remove', payloadPurgedAt: 'now' },
    records: 'payload_purged',
  },
} as const satisfies Record<string, Transition>;
export type TransitionName = keyof typeof lifecycle;

/** The statuses a transition applies in. */
export const fromStatuses = (name: TransitionName): MessageStatus[] =>
  MessageStatus.options.filter((status) => (lifecycle[name] as Transition).moves[status]);

/** Statuses the delivery loop may still send from. */
export const SENDABLE: readonly MessageStatus[] = fromStatuses('send');

/** Statuses that say by themselves that the gateway has the message. */
export const WITH_GATEWAY: readonly MessageStatus[] = MessageStatus.options.filter(
  (status) => statuses[status].withGateway,
);

/** What became of a message: `confirmed`, the phase it failed in, or undefined on its way. */
export function outcomeOf(message: {
  readonly status: MessageStatus;
  readonly lastError?: { readonly phase: FailurePhase } | null;
}): 'confirmed' | FailurePhase | undefined {
  if (message.status === 'confirmed') return 'confirmed';
  return message.status === 'failed' ? message.lastError?.phase : undefined;
}

/** What the caller knows of the change; each guard and effect says which it needs. */
export interface TransitionInput {
  readonly now: Date;
  /** The status it read the message in (`as_read`). */
  readonly from?: MessageStatus;
  /** The attempt it answers, or the attempts it read. */
  readonly attempt?: number;
  /** The staff resend (`resends`) of the send it answers (`resend`, `resend_if_named`). */
  readonly resend?: number;
  readonly nextAttemptAt?: Date;
  readonly failure?: { readonly phase: FailurePhase; readonly reason: string };
  readonly alreadyHad?: boolean;
  /** Said in the history step (a failure says its phase and reason by itself). */
  readonly detail?: string;
  /** For `confirmed_before`. */
  readonly before?: Date;
}

export type Filter = Record<string, unknown>;

/** `resends` as a filter: 0 also matches a message stored before resends were counted. */
const resendFilter = (resend: number) => (resend === 0 ? { $in: [0, null] } : resend);

export function need<K extends keyof TransitionInput>(
  input: TransitionInput,
  key: K,
): NonNullable<TransitionInput[K]> {
  const value = input[key];
  if (value === undefined || value === null) throw new Error(`this transition needs ${key}`);
  return value as NonNullable<TransitionInput[K]>;
}
