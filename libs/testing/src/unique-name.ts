import { randomBytes } from 'node:crypto';

/**
 * A name no other suite uses at the same time: turbo runs suites in parallel against one broker
 * and one database server. The prefix keeps it readable in `rabbitmqctl list_queues` or a shell.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}.${process.pid}.${randomBytes(4).toString('hex')}`;
}

/**
 * A database name no other suite uses: MongoDB forbids `/\. "$*<>:|?` and limits names to 63
 * bytes, so the prefix is reduced to safe characters and shortened.
 */
export function uniqueDbName(prefix: string): string {
  const safe = prefix.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) || 'test';
  return `${safe}_${process.pid}_${randomBytes(4).toString('hex')}`;
}
