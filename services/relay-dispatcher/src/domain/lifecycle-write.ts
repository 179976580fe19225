import {
  type Effect,
  type Filter,
  fromStatuses,
  type Guard,
  guards,
  type HistoryStep,
  lifecycle,
  type MessageStatus,
  need,
  type Transition,
  type TransitionInput,
  type TransitionName,
} from './message-lifecycle';

/** One row of the lifecycle as the store's conditional write (MongoDB's filter and update). */
export interface LifecycleWrite {
  readonly filter: Filter;
  readonly update: {
    $set?: Record<string, unknown>;
    $unset?: Record<string, ''>;
    $inc?: Record<string, number>;
  };
  /** The step to add to the message's history, when the row records one. */
  readonly step?: { at: Date; event: HistoryStep; attempt: number; detail?: string };
}

/**
 * The write that makes transition `name`, as the table decides it: the filter (the statuses it
 * moves from, its guards) and the update (the status it leads to, its field effects). Undefined
 * when the status the caller read (`input.from`, for a row guarded `as_read`) is not one the row
 * moves from. Pure: the store runs it and does nothing else.
 */
export function lifecycleWrite(
  name: TransitionName,
  input: TransitionInput,
): LifecycleWrite | undefined {
  const row: Transition = lifecycle[name];
  // Only a row guarded `as_read` writes by the status read; the others by the status found.
  const from = row.guards?.includes('as_read') ? need(input, 'from') : undefined;
  if (from && !row.moves[from]) return undefined;
  const to = targetStatus(name, row, from);
  const filter = {
    ...statusFilter(name, row, input),
    ...filterOf(row.guards ?? [], input),
  };
  const update = effects(row, input);
  if (to) update.$set = { status: to, ...update.$set };
  return { filter, update, ...(row.records && { step: step(row, input) }) };
}

/** A new message's lifecycle fields (`stored`), to insert with its message ready's data. */
export function storedMessage(now: Date) {
  const row: Transition = lifecycle.stored;
  return {
    status: lifecycle.stored.creates,
    ...effects(row, { now }).$set,
    history: [step(row, { now })],
  };
}

/**
 * The status to write: the one every move leads to, nothing when each stays, or, when they
 * differ, the one the status as read leads to (such rows are guarded `as_read`).
 */
function targetStatus(
  name: TransitionName,
  row: Transition,
  from: MessageStatus | undefined,
): MessageStatus | undefined {
  if (from) return row.moves[from];
  const moves = Object.entries(row.moves);
  if (moves.every(([status, to]) => status === to)) return undefined;
  const targets = new Set(moves.map(([, to]) => to));
  if (targets.size > 1) throw new Error(`${name} needs the status it moves from`);
  return [...targets][0];
}

/** The statuses it moves from, those with guards of their own each in its own branch. */
function statusFilter(name: TransitionName, row: Transition, input: TransitionInput): Filter {
  const from = fromStatuses(name);
  const plain = from.filter((status) => !row.guardsIn?.[status]);
  const branches = [
    ...(plain.length > 0 ? [{ status: { $in: plain } }] : []),
    ...from
      .filter((status) => row.guardsIn?.[status])
      .map((status) => ({ status, ...filterOf(row.guardsIn![status]!, input) })),
  ];
  return branches.length === 1 ? branches[0]! : { $or: branches };
}

/** The filters of a list of guards, together. */
const filterOf = (list: readonly Guard[], input: TransitionInput): Filter =>
  Object.assign({}, ...list.map((guard) => guards[guard](input)));

function effects(row: Transition, input: TransitionInput): LifecycleWrite['update'] {
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, ''> = {};
  const $inc: Record<string, number> = {};
  for (const [field, effect] of Object.entries(row.sets ?? {}) as Array<[string, Effect]>) {
    if (effect === 'count') $inc[field] = 1;
    else if (effect === 'remove') $unset[field] = '';
    else $set[field] = valueOf(effect, input);
  }
  return {
    ...(Object.keys($set).length > 0 && { $set }),
    ...(Object.keys($unset).length > 0 && { $unset }),
    ...(Object.keys($inc).length > 0 && { $inc }),
  };
}

function valueOf(effect: Exclude<Effect, 'count' | 'remove'>, input: TransitionInput): unknown {
  switch (effect) {
    case 'now':
      return input.now;
    case 'next_attempt':
      return need(input, 'nextAttemptAt');
    case 'already_had':
      return need(input, 'alreadyHad');
    case 'attempt':
      return need(input, 'attempt');
    case 'failure':
      return { ...need(input, 'failure'), at: input.now };
    default:
      // A literal: null clears the field; an array is copied, never shared between documents.
      return Array.isArray(effect) ? [...effect] : effect;
  }
}

/**
 * The history step: a step about an attempt (a row guarded by it) records the attempt after the
 * write (a send's new one, an answer's own); a step about the message records 0.
 */
function step(row: Transition, input: TransitionInput): NonNullable<LifecycleWrite['step']> {
  const aboutAttempt = row.guards?.some((guard) => guard === 'attempt' || guard === 'as_read');
  const attempt = aboutAttempt
    ? need(input, 'attempt') + (row.sets?.attempts === 'count' ? 1 : 0)
    : 0;
  const detail =
    input.detail ?? (input.failure && `${input.failure.phase}: ${input.failure.reason}`);
  return { at: input.now, event: row.records!, attempt, ...(detail && { detail }) };
}
