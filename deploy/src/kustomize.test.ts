import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kustomizeBuild, splitImage } from './kustomize';

/** Writes a tree of files into a fresh temporary directory. */
function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kustomize-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

const base = {
  'base/kustomization.yaml': 'resources:\n  - app.yaml\n',
  'base/app.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: app }
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: app
          image: mbs/app
          env: [{ name: A, value: '1' }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data: { LOG_LEVEL: info }
`,
};

describe('kustomizeBuild', () => {
  it('applies patches, images, replicas, namespace and labels of an overlay over its base', () => {
    const root = tree({
      ...base,
      'overlay/kustomization.yaml': `resources: [../base]
namespace: ns
labels: [{ pairs: { team: mbs } }]
patches: [{ path: patch.yaml }]
images: [{ name: mbs/app, newName: registry.example/mbs/app, newTag: 1.2.3 }]
replicas: [{ name: app, count: 3 }]
`,
      'overlay/patch.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: app }
spec: { template: { spec: { containers: [{ name: app, env: [{ name: B, value: '2' }] }] } } }
`,
    });
    const built = kustomizeBuild(path.join(root, 'overlay'));
    const app = built.find(({ resource }) => resource.kind === 'Deployment')!.resource;
    expect(app.metadata).toEqual({ name: 'app', namespace: 'ns', labels: { team: 'mbs' } });
    expect(app.spec).toEqual({
      replicas: 3,
      template: {
        spec: {
          containers: [
            {
              name: 'app',
              image: 'registry.example/mbs/app:1.2.3',
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
            },
          ],
        },
      },
    });
    expect(built.map(({ file }) => path.basename(file))).toEqual(['app.yaml', 'app.yaml']);
  });

  it('fails on a patch, image or replica count that matches nothing', () => {
    const patchNothing = tree({
      ...base,
      'o/kustomization.yaml': 'resources: [../base]\npatches: [{ path: p.yaml }]\n',
      'o/p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: other }\n',
    });
    expect(() => kustomizeBuild(path.join(patchNothing, 'o'))).toThrow(
      'no Deployment other to patch',
    );
    const imageNothing = tree({
      ...base,
      'o/kustomization.yaml': 'resources: [../base]\nimages: [{ name: mbs/other, newTag: x }]\n',
    });
    expect(() => kustomizeBuild(path.join(imageNothing, 'o'))).toThrow(
      'image mbs/other is used by no container',
    );
    const replicasNothing = tree({
      ...base,
      'o/kustomization.yaml': 'resources: [../base]\nreplicas: [{ name: other, count: 1 }]\n',
    });
    expect(() => kustomizeBuild(path.join(replicasNothing, 'o'))).toThrow('which is no Deployment');
  });

  it('refuses a kustomization field or patch option it does not implement', () => {
    const generator = tree({
      ...base,
      'o/kustomization.yaml': 'resources: [../base]\nconfigMapGenerator: []\n',
    });
    expect(() => kustomizeBuild(path.join(generator, 'o'))).toThrow(
      'configMapGenerator is not supported',
    );
    const targeted = tree({
      ...base,
      'o/kustomization.yaml':
        'resources: [../base]\npatches: [{ path: p.yaml, target: { kind: Deployment } }]\n',
      'o/p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\n',
    });
    expect(() => kustomizeBuild(path.join(targeted, 'o'))).toThrow(
      'patch option target is not supported',
    );
  });

  it('fails on YAML that does not parse, naming the file', () => {
    const broken = tree({ 'k/kustomization.yaml': 'resources: [a.yaml\n' });
    expect(() => kustomizeBuild(path.join(broken, 'k'))).toThrow(/kustomization\.yaml: /);
  });
});

describe('splitImage', () => {
  it('separates the tag, not a registry port', () => {
    expect(splitImage('registry:5000/mbs/app:1.0')).toEqual({
      name: 'registry:5000/mbs/app',
      tag: '1.0',
    });
    expect(splitImage('mbs/app')).toEqual({ name: 'mbs/app', tag: undefined });
  });
});
