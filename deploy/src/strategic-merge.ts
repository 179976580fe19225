/**
 * The part of Kubernetes' strategic merge patch these manifests use: maps merge key by key
 * (null deletes), lists of objects that all have a `name` (containers, env, ports, volumes,
 * volumeMounts) merge item by item on that name, any other list is replaced. Directives
 * (`$patch`, `$retainKeys`, ...) are refused rather than misread.
 */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (isRecord(patch)) {
    const base = isRecord(target) ? { ...target } : {};
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith('$')) throw new Error(`patch directive ${key} is not supported`);
      if (value === null) delete base[key];
      else base[key] = strategicMerge(base[key], value);
    }
    return base;
  }
  if (Array.isArray(patch) && Array.isArray(target) && isNamedList(patch) && isNamedList(target)) {
    const merged = [...target];
    for (const item of patch) {
      const at = merged.findIndex((existing) => existing.name === item.name);
      if (at === -1) merged.push(item);
      else merged[at] = strategicMerge(merged[at], item) as Named;
    }
    return merged;
  }
  return patch;
}

type Named = Record<string, unknown> & { name: string };

function isNamedList(list: unknown[]): list is Named[] {
  return list.every((item) => isRecord(item) && typeof item.name === 'string');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
