import fs from 'node:fs';
import path from 'node:path';
import { isRecord, strategicMerge } from './strategic-merge';
import { parseYamlDocument, parseYamlDocuments } from './yaml-documents';

/** A Kubernetes object as the checks read it. */
export interface Resource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

/** A built object and the file it came from, for messages. */
export interface BuiltResource {
  readonly file: string;
  readonly resource: Resource;
}

interface Kustomization {
  resources?: string[];
  patches?: { path: string }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  replicas?: { name: string; count: number }[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean }[];
}

/** The kustomization fields this builder implements; any other is refused, never ignored. */
const supportedFields = new Set([
  'apiVersion',
  'kind',
  'resources',
  'patches',
  'images',
  'replicas',
  'namespace',
  'labels',
]);

/**
 * `kustomize build <dir>` for the features k8s/ uses (no kustomize or kubectl binary here, and no
 * npm package of it that runs offline): resources (files and directories), strategic-merge
 * patches from files, images, replicas, namespace and labels (metadata only). A field, patch
 * directive or patch option it does not implement is an error, so the checks never pass on a
 * manifest they did not really read.
 */
export function kustomizeBuild(directory: string): BuiltResource[] {
  const file = path.join(directory, 'kustomization.yaml');
  const document = parseYamlDocument(fs.readFileSync(file, 'utf8'), file);
  if (!isRecord(document)) throw new Error(`${file}: not a mapping`);
  for (const field of Object.keys(document)) {
    if (!supportedFields.has(field)) throw new Error(`${file}: ${field} is not supported here`);
  }
  const kustomization = document as Kustomization;

  let built: BuiltResource[] = [];
  for (const entry of kustomization.resources ?? []) {
    const target = path.join(directory, entry);
    built.push(
      ...(fs.statSync(target).isDirectory() ? kustomizeBuild(target) : readResources(target)),
    );
  }

  for (const patch of kustomization.patches ?? []) {
    const extra = Object.keys(patch).filter((key) => key !== 'path');
    if (extra.length > 0)
      throw new Error(`${file}: patch option ${extra.join(', ')} is not supported`);
    const patchFile = path.join(directory, patch.path);
    for (const body of parseYamlDocuments(fs.readFileSync(patchFile, 'utf8'), patchFile)) {
      const { kind, metadata } = asResource(body, patchFile);
      const at = built.findIndex(
        ({ resource }) => resource.kind === kind && resource.metadata.name === metadata.name,
      );
      if (at === -1) throw new Error(`${patchFile}: no ${kind} ${metadata.name} to patch`);
      const original = built[at]!;
      built[at] = {
        file: original.file,
        resource: asResource(strategicMerge(original.resource, body), patchFile),
      };
    }
  }

  for (const image of kustomization.images ?? []) {
    let used = false;
    built = built.map((entry) => {
      const resource = mapContainers(entry.resource, (container) => {
        const { name, tag } = splitImage(String(container.image));
        if (name !== image.name) return container;
        used = true;
        const newTag = image.newTag ?? tag;
        return { ...container, image: `${image.newName ?? name}${newTag ? `:${newTag}` : ''}` };
      });
      return { ...entry, resource };
    });
    if (!used) throw new Error(`${file}: image ${image.name} is used by no container`);
  }

  for (const { name, count } of kustomization.replicas ?? []) {
    const at = built.findIndex(
      ({ resource }) => resource.kind === 'Deployment' && resource.metadata.name === name,
    );
    if (at === -1) throw new Error(`${file}: replicas for ${name}, which is no Deployment here`);
    const { file: from, resource } = built[at]!;
    built[at] = {
      file: from,
      resource: strategicMerge(resource, { spec: { replicas: count } }) as Resource,
    };
  }

  for (const { pairs, includeSelectors } of kustomization.labels ?? []) {
    if (includeSelectors) throw new Error(`${file}: labels.includeSelectors is not supported`);
    built = built.map(({ file: from, resource }) => ({
      file: from,
      resource: strategicMerge(resource, { metadata: { labels: pairs } }) as Resource,
    }));
  }

  if (kustomization.namespace) {
    const namespace = kustomization.namespace;
    built = built.map(({ file: from, resource }) => ({
      file: from,
      resource: strategicMerge(resource, { metadata: { namespace } }) as Resource,
    }));
  }
  return built;
}

/** Every object of a manifest file. */
export function readResources(file: string): BuiltResource[] {
  return parseYamlDocuments(fs.readFileSync(file, 'utf8'), file).map((document) => ({
    file,
    resource: asResource(document, file),
  }));
}

function asResource(value: unknown, file: string): Resource {
  if (
    !isRecord(value) ||
    typeof value.apiVersion !== 'string' ||
    typeof value.kind !== 'string' ||
    !isRecord(value.metadata) ||
    typeof value.metadata.name !== 'string'
  ) {
    throw new Error(`${file}: a document without apiVersion, kind and metadata.name`);
  }
  return value as unknown as Resource;
}

type Container = Record<string, unknown>;

/** The pod spec of a workload (Deployment, StatefulSet, DaemonSet, Job), if it has one. */
export function podSpecOf(resource: Resource): Record<string, unknown> | undefined {
  const spec = resource.spec;
  if (!isRecord(spec) || !isRecord(spec.template) || !isRecord(spec.template.spec))
    return undefined;
  return spec.template.spec;
}

function mapContainers(resource: Resource, change: (container: Container) => Container): Resource {
  const podSpec = podSpecOf(resource);
  if (!podSpec) return resource;
  const patched: Record<string, unknown> = { ...podSpec };
  for (const list of ['containers', 'initContainers']) {
    const containers = podSpec[list];
    if (Array.isArray(containers)) patched[list] = containers.map((c: Container) => change(c));
  }
  const spec = resource.spec as Record<string, unknown>;
  const template = spec.template as Record<string, unknown>;
  return { ...resource, spec: { ...spec, template: { ...template, spec: patched } } };
}

/** `registry/name:tag` -> name and tag (a digest stays part of the tag). */
export function splitImage(image: string): { name: string; tag: string | undefined } {
  const slash = image.lastIndexOf('/');
  const colon = image.indexOf(':', slash + 1);
  return colon === -1
    ? { name: image, tag: undefined }
    : { name: image.slice(0, colon), tag: image.slice(colon + 1) };
}
