import { validateSasToken } from '@mbs/relay';
import { hasRight, type HybridConnection, type Right } from './entities';

export type Authorization =
  | {
      readonly ok: true;
      readonly keyName: string | undefined;
      readonly expiresAt: number | undefined;
    }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

/**
 * Azure's checks for a token against a hybrid connection and the right an action needs:
 * 401 when the token is missing, malformed, badly signed, expired or for another resource;
 * 403 when it is valid but its key lacks the right.
 *
 * A sender on a hybrid connection that does not require client authorization is let in without
 * looking at its token at all: the document says sender tokens are then neither required nor
 * checked (the callers strip them before forwarding, as always).
 */
export function authorize(
  entity: HybridConnection,
  token: string | undefined,
  right: Right,
  now = Date.now(),
): Authorization {
  if (right === 'Send' && !entity.requiresClientAuthorization) {
    return { ok: true, keyName: undefined, expiresAt: undefined };
  }
  const validation = validateSasToken(token, {
    keyFor: (name) => entity.keys.find((key) => key.name === name)?.key,
    now,
  });
  if (!validation.valid) return { ok: false, status: 401, reason: validation.reason };
  const { token: fields } = validation;
  if (!coversEntity(fields.resource, entity.path)) {
    return {
      ok: false,
      status: 401,
      reason: `token is for "${fields.resource}", not for hybrid connection "${entity.path}"`,
    };
  }
  const key = entity.keys.find((candidate) => candidate.name === fields.keyName);
  if (!key || !hasRight(key, right)) {
    return {
      ok: false,
      status: 403,
      reason: `key "${fields.keyName}" does not have the ${right} right on "${entity.path}"`,
    };
  }
  return { ok: true, keyName: key.name, expiresAt: fields.expiresAt * 1000 };
}

/**
 * A token's resource covers an entity when its path is the namespace root or the entity itself.
 * The host is not compared: the emulator answers on whatever name compose or a test gives it.
 */
function coversEntity(resource: string, entityPath: string): boolean {
  let path: string;
  try {
    path = new URL(resource).pathname;
  } catch {
    return false;
  }
  const segments = decodeURIComponent(path)
    .split('/')
    .filter((segment) => segment.length > 0);
  if (segments.length === 0) return true;
  return segments.length === 1 && segments[0]?.toLowerCase() === entityPath.toLowerCase();
}
