#!/usr/bin/env node
// Every `@mbs/<name>` a workspace imports must be declared in its package.json (dependencies or
// devDependencies). turbo orders builds by those declarations, so an undeclared import builds
// by luck; and madge only sees a cycle between workspaces when the imports are real.
//
// And a workspace is used only through its public face, its package.json `exports`: an import
// of `@mbs/<name>/<path>` must name one of them (node refuses any other path at run time, and
// what is not exported is the package's own business to change), no relative import reaches
// into another workspace's files, and no package's entry (`main`, `exports`) is a process's
// main.js, which would start the service when imported. tsconfig.madge.json, which resolves
// @mbs/* for the circular-import check, must map every exported path as the `source` condition
// does, or madge would not follow those imports.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const readJson = (file) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
const rootPackage = readJson('package.json');

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

/** Every file an export condition names, however deeply the conditions nest. */
const targets = (entry) =>
  typeof entry === 'string' ? [entry] : Object.values(entry ?? {}).flatMap(targets);

/** A process's entry point: importing it starts the process. */
const processEntry = /(^|\/)main\.(js|ts|d\.ts)$/;

const packages = new Map(
  workspaces().map((dir) => {
    const manifest = readJson(path.join(dir, 'package.json'));
    return [manifest.name, { dir, manifest }];
  }),
);

/** `@mbs/<name>`, `@mbs/<name>/<path>`: a specifier in an import, export, require or jest.mock. */
const packageImport =
  /(?:\bfrom|\bimport|\brequire(?:\.resolve)?|\bjest\.mock)\s*\(?\s*['"](@mbs\/[a-z0-9-]+)(\/[^'"]*)?['"]/g;
/** A relative specifier, to see whether it leaves its workspace. */
const relativeImport =
  /(?:\bfrom|\bimport|\brequire|\bjest\.mock)\s*\(?\s*['"](\.\.?\/[^'"]*)['"]/g;

const problems = [];
for (const [name, { dir, manifest }] of packages) {
  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.devDependencies ?? {}),
  ]);
  for (const entry of [manifest.main, ...targets(manifest.exports)].filter(Boolean)) {
    if (processEntry.test(entry))
      problems.push(
        `${dir}/package.json names ${entry} as an entry of ${name}: importing the package would start the process (point it at an index of the public API)`,
      );
  }
  for (const file of sources(path.join(root, dir))) {
    const text = readFileSync(file, 'utf8');
    const at = path.relative(root, file);
    for (const [, imported, subpath = ''] of text.matchAll(packageImport)) {
      if (!declared.has(imported)) {
        problems.push(`${at} imports ${imported}, which ${dir}/package.json does not declare`);
      }
      const target = packages.get(imported);
      if (!target) continue;
      const exported = Object.keys(target.manifest.exports ?? {});
      if (!exported.includes(`.${subpath}`)) {
        const faces = exported.map((key) => imported + key.slice(1)).join(', ') || 'nothing';
        problems.push(
          `${at} imports ${imported}${subpath}, which ${target.dir}/package.json does not export (it exports ${faces}): import one of those, or add the module to its exports if it is public`,
        );
      }
    }
    for (const [, specifier] of text.matchAll(relativeImport)) {
      const resolved = path.relative(root, path.resolve(path.dirname(file), specifier));
      const owner = [...packages.values()].find(
        ({ dir: other }) => resolved === other || resolved.startsWith(`${other}/`),
      );
      if (owner && owner.dir !== dir)
        problems.push(
          `${at} imports ${specifier}, a file of ${owner.dir}: import it as ${owner.manifest.name} (its package.json exports) instead`,
        );
    }
  }
}

// The circular-import check resolves @mbs/* by tsconfig.madge.json: every exported path must be
// there, as its `source`, or madge silently skips imports of it. A lib's "." is the wildcard's.
const madgePaths = readJson('tsconfig.madge.json').compilerOptions.paths;
const expected = new Map();
for (const [name, { dir, manifest }] of packages) {
  for (const [key, entry] of Object.entries(manifest.exports ?? {})) {
    const source = typeof entry === 'object' ? entry.source : undefined;
    if (!source || (dir.startsWith('libs/') && key === '.')) continue;
    expected.set(name + key.slice(1), path.posix.join(dir, source));
  }
}
for (const [specifier, file] of expected) {
  if (madgePaths[specifier]?.[0] !== file)
    problems.push(`tsconfig.madge.json must map "${specifier}" to ["${file}"], as its exports do`);
}
for (const specifier of Object.keys(madgePaths)) {
  if (!specifier.includes('*') && !expected.has(specifier))
    problems.push(`tsconfig.madge.json maps "${specifier}", which no package.json exports`);
}

if (problems.length > 0) {
  console.error([...new Set(problems)].join('\n'));
  process.exit(1);
}
console.log(
  'Every @mbs/* import is declared by its workspace and exported by its package; no package entry starts a process.',
);
