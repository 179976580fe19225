#!/usr/bin/env node
// Nothing this repository runs may stop processes by matching their names (`pkill`, `killall`,
// `pgrep ... | kill`): the broker and the databases on a development or CI machine are shared
// with everything else that runs there. Stop what was started by its pid or process group, and
// the broker with `rabbitmqctl stop` or the pid in its pid file.
//
// Prints each offending line and exits 1; exits 0 when there is none. `node
// scripts/check-process-stops.mjs <file>...` checks the given files instead (its test does).
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

const offending = files.flatMap((file) =>
  readFileSync(path.resolve(root, file), 'utf8')
    .split('\n')
    .map((line, index) => ({ file, line: index + 1, text: line.trim() }))
    .filter(({ text }) => byName.test(text) && !text.startsWith('#') && !text.startsWith('//')),
);

if (offending.length > 0) {
  for (const { file, line, text } of offending) console.error(`${file}:${line}: ${text}`);
  console.error(
    '\nProcesses are stopped by pid or process group, never by name: the machine is shared.',
  );
  process.exit(1);
}
console.log('No process is stopped by name.');
