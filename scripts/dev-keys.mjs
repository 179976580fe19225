#!/usr/bin/env node
// npm run keys:dev: makes this machine's development keys (.data/keys, never committed) if they
// are not there yet, as `npm start` does, and says where each variable's value is, for the runs
// that do not start from this repository's scripts: docker-compose reads the .env files
// (env_file), the Kubernetes dev overlay takes the .json files as Secrets.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { devKeysDir, ensureDevKeys, keyVariables, variableFileStem } from '@mbs/processes';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const keys = await ensureDevKeys(devKeysDir(root));
const relative = (file) => path.relative(root, path.join(keys.dir, file));

process.stdout.write(
  [
    `Development keys in ${path.relative(root, keys.dir)}/ (owner-only; web's kid ${keys.web.privateKey.kid}):`,
    ...keyVariables.map(
      (variable) =>
        `  ${variable.padEnd(24)} ${relative(`${variableFileStem(variable)}.json`)}, ${relative(`${variableFileStem(variable)}.env`)}`,
    ),
    '',
    'docker compose reads the .env files (env_file in docker-compose.yml). For the Kubernetes dev overlay:',
    `  kubectl -n mbs-dev create secret generic mbs-web-signing-key --from-file=WEB_SIGNING_KEY=${relative('web-signing-key.json')}`,
    `  kubectl -n mbs-dev create secret generic mbs-staff-token-keys --from-file=STAFF_TOKEN_KEYS=${relative('staff-token-keys.json')}`,
    `  kubectl -n mbs-dev create secret generic mbs-dispatcher-signing-key --from-file=DISPATCHER_SIGNING_KEY=${relative('dispatcher-signing-key.json')}`,
    `  kubectl -n mbs-dev create secret generic mbs-demo-gateway-public-keys --from-file=DEMO_GATEWAY_PUBLIC_KEYS=${relative('demo-gateway-public-keys.json')}`,
    '',
    "A gateway on this machine (the dev cluster's emulator port-forwarded) uses the development gateway's keys:",
    `  GATEWAY_KEYS_FILE=${relative('gateway-private-keys.json')} GATEWAY_DISPATCHER_KEYS="$(cat ${relative('gateway-dispatcher-keys.json')})" node gateway/dist/main.js`,
    '',
  ].join('\n'),
);
