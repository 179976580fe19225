import { podSpecOf, type BuiltResource, type Resource } from './kustomize';
import { isRecord } from './strategic-merge';

export type Container = Record<string, unknown>;

/** A built workload (Deployment or Job) with its pod spec and containers. */
export interface Workload {
  readonly file: string;
  readonly resource: Resource;
  readonly podSpec: Record<string, unknown>;
  readonly containers: Container[];
}

export function workloadsOf(built: readonly BuiltResource[], kind: string): Workload[] {
  return built
    .filter(({ resource }) => resource.kind === kind)
    .map(({ file, resource }) => {
      const podSpec = podSpecOf(resource);
      if (!podSpec)
        throw new Error(`${file}: ${kind} ${resource.metadata.name} has no pod template`);
      return { file, resource, podSpec, containers: (podSpec.containers ?? []) as Container[] };
    });
}

export function specOf(resource: Resource): Record<string, unknown> {
  return isRecord(resource.spec) ? resource.spec : {};
}

/** The labels of a workload's pods. */
export function podLabels(resource: Resource): Record<string, string> {
  const template = specOf(resource).template;
  const metadata = isRecord(template) && isRecord(template.metadata) ? template.metadata : {};
  return (isRecord(metadata.labels) ? metadata.labels : {}) as Record<string, string>;
}

/** Does a label selector (matchLabels, or a Service's plain map) select these labels? */
export function selects(
  selector: Record<string, unknown>,
  labels: Record<string, string>,
): boolean {
  const wanted = (isRecord(selector.matchLabels) ? selector.matchLabels : selector) as Record<
    string,
    string
  >;
  return Object.entries(wanted).every(([key, value]) => labels[key] === value);
}

/** Memory quantity (Mi, Gi, M, G or bytes) in MiB. */
export function mebibytes(quantity: unknown): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(String(quantity));
  if (!match) throw new Error(`memory quantity ${String(quantity)} is not understood`);
  const factor: Record<string, number> = {
    Ki: 1 / 1024,
    Mi: 1,
    Gi: 1024,
    K: 1000 / 1048576,
    M: 1e6 / 1048576,
    G: 1e9 / 1048576,
  };
  return Number(match[1]) * (match[2] ? factor[match[2]]! : 1 / 1048576);
}
