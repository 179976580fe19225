// The command line of staff-token-command.ts (its comment says how to use it).
import { staffTokenCommand, UsageError } from './staff-token-command';

staffTokenCommand(process.argv.slice(2), process.env, {
  out: (line) => void process.stdout.write(`${line}\n`),
  fetch,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A usage or configuration mistake is one line; the configuration never quotes a key.
    process.stderr.write(`${error instanceof UsageError ? error.message : String(error)}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
