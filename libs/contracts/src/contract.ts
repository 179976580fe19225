import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ContractViolation } from './contract-violation';
import { Id, Instant } from './values/identifiers';

export type ContractKind = 'command' | 'event';

/**
 * A command or event: its name, version and the schema of its data, declared once.
 * The schema validates at run time; `MessageOf<typeof X>` gives the TypeScript type.
 *
 * Every message shares one envelope:
 * - `id`: unique per message; consumers use it as their idempotency key.
 * - `occurredAt`: when the fact happened or the request was made.
 * - `correlationId`: the flow this message belongs to (the id of the command that started it),
 *   so logs and the admin UI can gather a whole flow.
 * - `causationId`: the message that directly caused this one.
 * Trace context (`traceparent`) travels in transport headers, not in the body.
 */
export interface Contract<TType extends string = string, TData extends z.ZodType = z.ZodType> {
  readonly kind: ContractKind;
  readonly type: TType;
  readonly version: number;
  readonly description: string;
  readonly data: TData;
  readonly schema: z.ZodType<Envelope<TType, z.output<TData>>, unknown>;
}

export interface Envelope<TType extends string, TData> {
  id: string;
  type: TType;
  version: number;
  occurredAt: string;
  correlationId: string;
  causationId?: string | undefined;
  data: TData;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyContract = Contract<string, any>;
export type MessageOf<C extends AnyContract> = z.output<C['schema']>;
export type DataOf<C extends AnyContract> = z.input<C['data']>;

export function defineContract<const TType extends string, TData extends z.ZodType>(definition: {
  kind: ContractKind;
  type: TType;
  version: number;
  description: string;
  data: TData;
}): Contract<TType, TData> {
  const schema = z.object({
    id: Id,
    type: z.literal(definition.type),
    version: z.literal(definition.version, {
      error: `version must be ${definition.version} for ${definition.type}`,
    }),
    occurredAt: Instant,
    correlationId: Id,
    causationId: Id.optional(),
    data: definition.data,
  }) as unknown as Contract<TType, TData>['schema'];
  return Object.freeze({ ...definition, schema });
}

export interface MessageOptions {
  /** Defaults to a random UUID. Pass a derived id to make a re-emitted message identical. */
  id?: string;
  /** The message that caused this one: its id becomes `causationId`, its flow is kept. */
  causedBy?: { id: string; correlationId: string };
  correlationId?: string;
  occurredAt?: Date | string;
}

/** Builds a valid message for a contract, or throws ContractViolation naming what is wrong. */
export function createMessage<C extends AnyContract>(
  contract: C,
  data: DataOf<C>,
  options: MessageOptions = {},
): MessageOf<C> {
  const id = options.id ?? randomUUID();
  const occurredAt =
    options.occurredAt instanceof Date
      ? options.occurredAt.toISOString()
      : (options.occurredAt ?? new Date().toISOString());
  const candidate = {
    id,
    type: contract.type,
    version: contract.version,
    occurredAt,
    correlationId: options.correlationId ?? options.causedBy?.correlationId ?? id,
    ...(options.causedBy && { causationId: options.causedBy.id }),
    data,
  };
  const result = parseMessage(contract, candidate);
  if (!result.ok) throw result.error;
  return result.message;
}

export type ParseResult<C extends AnyContract> =
  { ok: true; message: MessageOf<C> } | { ok: false; error: ContractViolation };

/** Validates an incoming message against its contract without throwing. */
export function parseMessage<C extends AnyContract>(contract: C, raw: unknown): ParseResult<C> {
  const result = contract.schema.safeParse(raw);
  if (result.success) return { ok: true, message: result.data as MessageOf<C> };
  return { ok: false, error: ContractViolation.fromZod(contract.type, result.error) };
}
