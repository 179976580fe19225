import type { BuiltResource, Resource } from './kustomize';
import { placeholderSecret } from './secret-placeholders';
import { isRecord } from './strategic-merge';

export type ValueOrigin = 'literal' | 'configMap' | 'secret';

/** A container's environment as Kubernetes would give it, with where each value came from. */
export interface ContainerEnvironment {
  readonly env: Record<string, string>;
  readonly origin: Record<string, ValueOrigin>;
  /** Secrets loaded whole (envFrom) that are not in the manifests: their keys are unknown here. */
  readonly externalSecrets: string[];
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

interface EnvFromSource {
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
  prefix?: string;
}

/**
 * Builds a container's environment: envFrom first, then env (which wins), as the kubelet does.
 * ConfigMaps and Secrets are looked up among the built resources of the container's namespace; a
 * Secret that is not there (production secrets are created by hand) gives placeholder values
 * shaped like real ones for the keys the container names. A reference to a missing ConfigMap or
 * key fails, as the pod would.
 */
export function containerEnvironment(
  container: Record<string, unknown>,
  namespace: string | undefined,
  resources: readonly BuiltResource[],
): ContainerEnvironment {
  const env: Record<string, string> = {};
  const origin: Record<string, ValueOrigin> = {};
  const externalSecrets: string[] = [];
  const find = (kind: string, name: string): Resource | undefined =>
    resources.find(
      ({ resource }) =>
        resource.kind === kind &&
        resource.metadata.name === name &&
        resource.metadata.namespace === namespace,
    )?.resource;

  for (const source of (container.envFrom ?? []) as EnvFromSource[]) {
    if (source.prefix) throw new Error('envFrom prefix is not supported by these checks');
    if (source.configMapRef) {
      const configMap = find('ConfigMap', source.configMapRef.name);
      if (!configMap) throw new Error(`ConfigMap ${source.configMapRef.name} does not exist`);
      for (const [key, value] of Object.entries(dataOf(configMap))) {
        env[key] = value;
        origin[key] = 'configMap';
      }
    } else if (source.secretRef) {
      const secret = find('Secret', source.secretRef.name);
      if (!secret) externalSecrets.push(source.secretRef.name);
      else {
        for (const [key, value] of Object.entries(dataOf(secret))) {
          env[key] = value;
          origin[key] = 'secret';
        }
      }
    } else throw new Error(`unsupported envFrom entry ${JSON.stringify(source)}`);
  }

  for (const variable of (container.env ?? []) as EnvVar[]) {
    const { name, value, valueFrom } = variable;
    if (valueFrom?.configMapKeyRef) {
      const { name: mapName, key } = valueFrom.configMapKeyRef;
      const configMap = find('ConfigMap', mapName);
      const data = configMap ? dataOf(configMap) : undefined;
      if (data?.[key] === undefined) throw new Error(`${name}: ConfigMap ${mapName} has no ${key}`);
      env[name] = data[key];
      origin[name] = 'configMap';
    } else if (valueFrom?.secretKeyRef) {
      const { name: secretName, key } = valueFrom.secretKeyRef;
      const secret = find('Secret', secretName);
      if (secret) {
        const data = dataOf(secret);
        if (data[key] === undefined) throw new Error(`${name}: Secret ${secretName} has no ${key}`);
        env[name] = data[key];
      } else env[name] = placeholderSecret(key, secretName);
      origin[name] = 'secret';
    } else if (valueFrom) {
      throw new Error(`${name}: only configMapKeyRef and secretKeyRef are supported`);
    } else {
      env[name] = String(value ?? '');
      origin[name] = 'literal';
    }
  }
  return { env, origin, externalSecrets };
}

/** A ConfigMap's data, or a Secret's data (base64) and stringData, as strings. */
export function dataOf(resource: Resource): Record<string, string> {
  const result: Record<string, string> = {};
  if (isRecord(resource.data)) {
    for (const [key, value] of Object.entries(resource.data)) {
      result[key] =
        resource.kind === 'Secret'
          ? Buffer.from(String(value), 'base64').toString()
          : String(value);
    }
  }
  if (isRecord(resource.stringData)) {
    for (const [key, value] of Object.entries(resource.stringData)) result[key] = String(value);
  }
  return result;
}
