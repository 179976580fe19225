#!/usr/bin/env node
// Every `@mbs/<name>` a workspace imports must be declared in its package.json (dependencies or
// devDependencies). turbo orders builds by those declarations, so an undeclared import builds
// by luck; and madge only sees a cycle between workspaces when the imports are real.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const rootPackage = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

function workspaces() {
  return rootPackage.workspaces.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(path.join(root, pattern.slice(0, -2)))
          .map((name) => path.join(pattern.slice(0, -2), name))
          .filter((dir) =>
            statSync(path.join(root, dir, 'package.json'), { throwIfNoEntry: false }),
          )
      : [pattern],
  );
}

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return ['node_modules', 'dist'].includes(entry.name) ? [] : sources(full);
    return /\.(ts|mts|js|mjs|cjs)$/.test(entry.name) ? [full] : [];
  });
}

const problems = [];
for (const dir of workspaces()) {
  const manifest = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.devDependencies ?? {}),
  ]);
  for (const file of sources(path.join(root, dir))) {
    const text = readFileSync(file, 'utf8');
    for (const [, name] of text.matchAll(/(?:from|import|require\()\s*['"](@mbs\/[a-z0-9-]+)/g)) {
      if (!declared.has(name)) {
        problems.push(
          `${path.relative(root, file)} imports ${name}, which ${dir}/package.json does not declare`,
        );
      }
    }
  }
}

if (problems.length > 0) {
  console.error([...new Set(problems)].join('\n'));
  process.exit(1);
}
console.log('Every @mbs/* import is declared by its workspace.');
