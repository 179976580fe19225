#!/usr/bin/env node
// Nothing this repository runs may stop processes by matching their names (`pkill`, `killall`,
// `pgrep ... | kill`): the broker and the databases on a development or CI machine are shared
// with everything else that runs there. Stop what was started by its pid or process group, and
// the broker with `rabbitmqctl stop` or the pid in its pid file.
//
// And every process stops the one way: each `src/main.ts` of a service or the gateway runs
// through `beginProcess(...).run(...)` from @mbs/telemetry, which starts telemetry, stops the
// process's steps in order on SIGTERM/SIGINT, flushes telemetry and exits with a code that says
// how it went. So a main.ts begins with that import and calls `beginProcess` before any other
// import (telemetry must be started before http, fastify, amqplib and mongoose load), and handles
// no signal and calls no process.exit of its own.
//
// Prints each offending line and exits 1; exits 0 when there is none. `node
// scripts/check-process-stops.mjs <file>...` checks the given files instead.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Commands that pick processes by name. */
const byName = /(^|[\s;|&(`$])(pkill|killall|pgrep)(\s|$)/;
/** Where commands are written: scripts, CI, package scripts, and code that spawns processes. */
const checked = /(^\.ci\/|\.(sh|bash|mjs|cjs|js|ts|json|ya?ml)$|(^|\/)Dockerfile$)/;

const given = process.argv.slice(2);
const files = given.length
  ? given
  : execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((file) => file && checked.test(file) && file !== 'scripts/check-process-stops.mjs');

const byNameOffending = files.flatMap((file) =>
  readFileSync(path.resolve(root, file), 'utf8')
    .split('\n')
    .map((line, index) => ({ file, line: index + 1, text: line.trim() }))
    .filter(({ text }) => byName.test(text) && !text.startsWith('#') && !text.startsWith('//')),
);

/** A process's entry point: the one runner must start and stop it. */
const main = /^(services\/[^/]+|gateway)\/src\/main\.ts$/;
/** What the runner does for every main.ts, so none may do it itself. */
const ownLifecycle = /\bprocess\.(on|once|exit)\(|\bstopOnSignals\(/;

function mainProblems(file) {
  const code = readFileSync(path.resolve(root, file), 'utf8')
    .split('\n')
    .map((line, index) => ({ file, line: index + 1, text: line.trim() }))
    .filter(({ text }) => text && !text.startsWith('//') && !text.startsWith('*'));
  const problems = code
    .filter(({ text }) => ownLifecycle.test(text))
    .map((line) => ({ ...line, text: `${line.text}  (beginProcess(...).run(...) does this)` }));
  const imports = code.filter(({ text }) => text.startsWith('import '));
  const begin = code.find(({ text }) => /\bbeginProcess\(/.test(text));
  const first = imports[0] ?? code[0] ?? { file, line: 1, text: '' };
  if (!/^import \{[^}]*\bbeginProcess\b[^}]*\} from '@mbs\/telemetry';$/.test(first.text)) {
    problems.push({
      ...first,
      text: `${first.text}  (the first import must be beginProcess from @mbs/telemetry)`,
    });
  } else if (!begin || (imports[1] && imports[1].line < begin.line)) {
    const at = imports[1] ?? first;
    problems.push({
      ...at,
      text: `${at.text}  (beginProcess(...) must be called before any other import)`,
    });
  }
  return problems;
}

const mainOffending = files.filter((file) => main.test(file)).flatMap(mainProblems);

if (byNameOffending.length > 0) {
  for (const { file, line, text } of byNameOffending) console.error(`${file}:${line}: ${text}`);
  console.error(
    '\nProcesses are stopped by pid or process group, never by name: the machine is shared.',
  );
}
if (mainOffending.length > 0) {
  for (const { file, line, text } of mainOffending) console.error(`${file}:${line}: ${text}`);
  console.error(
    '\nEvery process starts and stops through beginProcess(...).run(...) (@mbs/telemetry), begun first.',
  );
}
if (byNameOffending.length > 0 || mainOffending.length > 0) process.exit(1);
console.log('No process is stopped by name; every main.ts runs through beginProcess.');
