import { describeIssues } from '@mbs/errors';
import { z } from 'zod';

/**
 * The JSON control messages of Azure Relay Hybrid Connections, as Microsoft's protocol document
 * defines them. Objects are loose: the document says "defines the following properties at this
 * time", so unknown properties are kept, not refused.
 */

const headers = z.record(z.string(), z.string());

/** Service -> listener: a sender is waiting; connect to `address` to take it. */
export const acceptMessageSchema = z.object({
  accept: z
    .object({
      address: z.string().min(1),
      id: z.string().min(1),
      connectHeaders: headers.default({}),
    })
    .loose(),
});

/**
 * Service -> listener (HTTP mode): a request. When the request is too large for the control
 * channel only `address` is set, and the full request follows on the rendezvous socket.
 */
export const requestMessageSchema = z.object({
  request: z
    .object({
      address: z.string().min(1),
      id: z.string().min(1).optional(),
      requestTarget: z.string().optional(),
      method: z.string().optional(),
      requestHeaders: headers.default({}),
      body: z.boolean().default(false),
    })
    .loose(),
});

/**
 * Listener -> service (HTTP mode): the answer to a request. `statusCode` is a number; the
 * document's own example writes it as a string ("200"), so both are read.
 */
export const responseMessageSchema = z.object({
  response: z
    .object({
      requestId: z.string().min(1),
      statusCode: z.union([
        z.number().int(),
        z
          .string()
          .regex(/^\d{3}$/)
          .transform(Number),
      ]),
      statusDescription: z.string().optional(),
      responseHeaders: headers.default({}),
      body: z.boolean().default(false),
    })
    .loose(),
});

/** Listener -> service: replace the control channel's token before it expires. */
export const renewTokenMessageSchema = z.object({
  renewToken: z.object({ token: z.string().min(1) }).loose(),
});

export type AcceptMessage = z.infer<typeof acceptMessageSchema>;
export type RequestMessage = z.infer<typeof requestMessageSchema>;
export type ResponseMessage = z.infer<typeof responseMessageSchema>;
export type RenewTokenMessage = z.infer<typeof renewTokenMessageSchema>;

/** What a sender of a control message may leave out (properties with defaults). */
export type RequestMessageInput = z.input<typeof requestMessageSchema>;

export type ControlMessage = AcceptMessage | RequestMessage | ResponseMessage | RenewTokenMessage;

const schemas = {
  accept: acceptMessageSchema,
  request: requestMessageSchema,
  response: responseMessageSchema,
  renewToken: renewTokenMessageSchema,
} as const;

export type ControlMessageKind = keyof typeof schemas;

export type ParsedControlMessage =
  | { readonly kind: 'accept'; readonly message: AcceptMessage }
  | { readonly kind: 'request'; readonly message: RequestMessage }
  | { readonly kind: 'response'; readonly message: ResponseMessage }
  | { readonly kind: 'renewToken'; readonly message: RenewTokenMessage }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Reads one control-channel text frame: which message it is, or why it is not one. */
export function parseControlMessage(text: string): ParsedControlMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', reason: `not JSON: ${(error as Error).message}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { kind: 'invalid', reason: 'not a JSON object' };
  }
  const kinds = Object.keys(json).filter((key): key is ControlMessageKind => key in schemas);
  if (kinds.length !== 1 || !kinds[0]) {
    return {
      kind: 'invalid',
      reason: `expected exactly one of ${Object.keys(schemas).join(', ')}; got ${
        Object.keys(json).join(', ') || 'an empty object'
      }`,
    };
  }
  const kind = kinds[0];
  const result = schemas[kind].safeParse(json);
  if (!result.success) {
    return { kind: 'invalid', reason: `invalid ${kind}: ${describeIssues(result.error.issues)}` };
  }
  return { kind, message: result.data } as ParsedControlMessage;
}
