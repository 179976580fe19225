/**
 * A status line while the bench runs: rewritten in place on a terminal, one line every few
 * seconds otherwise (a CI log or a file), so the output stays readable either way.
 */
export function startProgress(describe: () => string, everyMs = 1000): { stop(): void } {
  const tty = process.stdout.isTTY === true;
  let ticks = 0;
  const timer = setInterval(() => {
    ticks += 1;
    if (tty) process.stdout.write(`\r${describe()}\u001b[K`);
    else if (ticks % 5 === 0) process.stdout.write(`${describe()}\n`);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      process.stdout.write(`${tty ? '\r' : ''}${describe()}${tty ? '\u001b[K' : ''}\n`);
    },
  };
}
