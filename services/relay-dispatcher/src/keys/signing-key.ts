// `npm run keys -w @mbs/relay-dispatcher -- <folder>`: a new signing key for the dispatcher
// (production, or the next one of a rotation) written to <folder> as dispatcher-signing-key.json
// and gateway-dispatcher-keys.json (signing-key-command.ts); the root README's Security section
// says what to do with them.
import { resolve } from 'node:path';
import { newDispatcherSigningKey, PUBLIC_KEYS_FILE, SIGNING_KEY_FILE } from './signing-key-command';

const [folder] = process.argv.slice(2);
if (!folder) {
  process.stderr.write(
    'usage: npm run keys -w @mbs/relay-dispatcher -- <folder for the new key files>\n',
  );
  process.exitCode = 2;
} else {
  // `npm run -w` runs in the workspace's folder: a relative path means where it was typed.
  const where = resolve(process.env.INIT_CWD ?? process.cwd(), folder);
  newDispatcherSigningKey(where).then(
    (kid) =>
      void process.stdout.write(
        `New dispatcher signing key ${kid} in ${where}: ${SIGNING_KEY_FILE} (DISPATCHER_SIGNING_KEY, secret) and ${PUBLIC_KEYS_FILE} (GATEWAY_DISPATCHER_KEYS, its public half, for every gateway)\n`,
      ),
    (error: unknown) => {
      process.stderr.write(`keys: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
