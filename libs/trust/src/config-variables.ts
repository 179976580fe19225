import type { Variable } from '@mbs/config';
import { describeIssues, PermanentError } from '@mbs/errors';
import { z } from 'zod';
import {
  GatewayPrivateJwks,
  PrivateSigningJwk,
  PublicJwks,
  withKeysFor,
  type KeyUse,
} from './keys/key-schemas';

/**
 * Keys in configuration: JSON in an environment variable (or a file a process reads), parsed
 * with the key schemas at start-up so a wrong key stops the process, naming the variable.
 * There are no development defaults: keys are generated, never committed.
 */

/** `schema` over JSON text. A parse failure names the problem, never the text (it may be a key). */
function json<S extends z.ZodType>(what: string, schema: S) {
  return z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({
          code: 'custom',
          message: `must be ${what} as JSON (it does not parse)`,
        });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

interface KeyVariableOptions {
  readonly description: string;
}

/** A private signing key (web's, the dispatcher's): secret, so never echoed. */
export function privateJwkVariable({
  description,
}: KeyVariableOptions): Variable<PrivateSigningJwk> {
  return { description, secret: true, schema: json('a private signing JWK', PrivateSigningJwk) };
}

/**
 * A gateway's own private keys `{ keys: [...] }`: at least one signing and one encryption key,
 * current first. Secret.
 */
export function privateJwksVariable({
  description,
}: KeyVariableOptions): Variable<GatewayPrivateJwks> {
  return { description, secret: true, schema: json('a private JWK set', GatewayPrivateJwks) };
}

/**
 * Another party's public keys `{ keys: [...] }` (web's for the services, the dispatcher's for a
 * gateway), optionally required to hold keys for `uses`. Refuses any private member.
 */
export function publicJwksVariable({
  description,
  uses = [],
}: KeyVariableOptions & { uses?: readonly KeyUse[] }): Variable<PublicJwks> {
  return {
    description,
    // Not secret, but never echoed either: the mistake this guards against is a private key
    // pasted here, which loadConfig would otherwise quote in its error.
    secret: true,
    schema: json('a public JWK set', withKeysFor(PublicJwks, uses)),
  };
}

/** Keys that do not parse, from a file or anywhere outside loadConfig. */
export class InvalidKeysError extends PermanentError {
  constructor(message: string) {
    super('invalid_keys', message);
  }
}

/**
 * Keys from JSON text read elsewhere (a key file), checked with `schema`; InvalidKeysError names
 * `source` and every problem, never the text.
 */
export function parseKeysJson<S extends z.ZodType>(
  schema: S,
  text: string,
  source: string,
): z.output<S> {
  const result = json('keys', schema).safeParse(text);
  if (!result.success)
    throw new InvalidKeysError(`${source}: ${describeIssues(result.error.issues)}`);
  return result.data;
}
