import type { BuiltResource } from './kustomize';
import { podSpecOf } from './kustomize';
import { isRecord } from './strategic-merge';

/** Credentials in a connection URL (`scheme://user:password@host`). */
const urlWithPassword = /:\/\/[^/@\s:]+:[^/@\s]+@/;
/** A long unbroken token: a key, a SAS key, a password. */
const tokenShaped = /^[A-Za-z0-9+/_-]{32,}={0,2}$/;
/** Names that say the value is a secret (GATEWAY_KEY_NAME is a name, not a key). */
const secretName = /(PASSWORD|SECRET|TOKEN|_KEY|^KEY)$/i;

export function looksLikeSecret(name: string, value: string): boolean {
  return urlWithPassword.test(value) || tokenShaped.test(value) || secretName.test(name);
}

/**
 * Literal secrets in manifests that are meant for real clusters: any Secret object with values,
 * and any ConfigMap value or container env literal that looks like a credential. Secrets there
 * are created by operators (k8s/README.md), never committed.
 */
export function secretLiteralProblems(resources: readonly BuiltResource[]): string[] {
  const problems: string[] = [];
  for (const { file, resource } of resources) {
    const where = `${file}: ${resource.kind} ${resource.metadata.name}`;
    if (resource.kind === 'Secret' && (resource.data || resource.stringData)) {
      problems.push(`${where} holds literal values`);
    }
    if (resource.kind === 'ConfigMap' && isRecord(resource.data)) {
      for (const [key, value] of Object.entries(resource.data)) {
        if (looksLikeSecret(key, String(value)))
          problems.push(`${where}: ${key} looks like a secret`);
      }
    }
    const podSpec = podSpecOf(resource);
    for (const container of [
      ...((podSpec?.containers ?? []) as Record<string, unknown>[]),
      ...((podSpec?.initContainers ?? []) as Record<string, unknown>[]),
    ]) {
      for (const variable of (container.env ?? []) as { name: string; value?: unknown }[]) {
        if (
          variable.value !== undefined &&
          looksLikeSecret(variable.name, String(variable.value))
        ) {
          problems.push(`${where}: env ${variable.name} is a literal that looks like a secret`);
        }
      }
    }
  }
  return problems;
}
