// `npm run keys -w @mbs/gateway [-- --rotate | --if-missing | --show | --drop-old]`, or
// `node gateway/dist/keys.js ...` in the gateway's image: makes or rotates this gateway's keys
// on this host (protection/keys-command.ts) and prints the PUBLIC JWK set to register with the
// dispatcher on standard output; what it did goes to standard error. Not a process: it reads only
// where the keys are (GATEWAY_KEYS_FILE, or GATEWAY_DATA_DIR/keys/gateway-keys.json).
import { resolve } from 'node:path';
import { loadConfig } from '@mbs/config';
import { gatewayKeyFileVariables, keysFileOf } from './config';
import { keysAction, runKeysCommand } from './protection/keys-command';

async function main(): Promise<number> {
  try {
    const action = keysAction(process.argv.slice(2));
    // `npm run -w` runs in the workspace's folder: a relative path means where it was typed.
    const file = resolve(
      process.env.INIT_CWD ?? process.cwd(),
      keysFileOf(loadConfig(gatewayKeyFileVariables)),
    );
    const { publicKeys, said } = await runKeysCommand(file, action);
    process.stderr.write(`${said}\n`);
    process.stdout.write(`${JSON.stringify(publicKeys)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`keys: ${(error as Error).message}\n`);
    return 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
