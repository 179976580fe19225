#!/usr/bin/env node
// npm run -s token -- <appointment|fhir-builder|relay-dispatcher> [--role clinic_staff] [...]:
// a staff token for that service signed with this machine's development key, as web issues them
// (5 minutes; an admin's unless --role says otherwise), for curl against `npm start`:
//
//   curl -H "authorization: Bearer $(npm run -s token -- relay-dispatcher)" localhost:3004/gateways
//
// It runs web's own staff-token command (services/web/dist/tokens/staff-token.js, built by npm
// start) with WEB_SIGNING_KEY from the development keys; its options are that command's.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { devKeysDir, ensureDevKeys } from '@mbs/processes';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const keys = await ensureDevKeys(devKeysDir(root));
const { status } = spawnSync(
  process.execPath,
  [path.join(root, 'services/web/dist/tokens/staff-token.js'), ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, WEB_SIGNING_KEY: keys.env.WEB_SIGNING_KEY } },
);
process.exitCode = status ?? 1;
