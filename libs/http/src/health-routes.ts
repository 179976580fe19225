import type { FastifyInstance } from 'fastify';

/** What one health check says: whether it is ok, and anything else it knows (details only). */
export interface HealthReport {
  readonly ok: boolean;
}

/** The checks a service's health is made of (its bus, its database), by name. */
export type HealthChecks = Readonly<Record<string, () => HealthReport | Promise<HealthReport>>>;

async function runChecks(checks: HealthChecks) {
  const reports = Object.fromEntries(
    await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await check()])),
  ) as Record<string, HealthReport>;
  return { ok: Object.values(reports).every((report) => report.ok), reports };
}

/**
 * A service's health, in two routes:
 * - `GET /health` (open: probes, compose, npm start): 200 when every check is ok, else 503, with
 *   `{ ok, <check>: { ok } }` and nothing else. No error text (it may name a host), latency,
 *   consumer, queue or gateway reaches whoever can reach the port.
 * - `GET /health/details` (admin): the same status with everything each check says, and
 *   `more()`'s (the dispatcher's gateway sessions), for the people who operate it.
 */
export function healthRoutes(
  app: FastifyInstance,
  checks: HealthChecks,
  more: () => Readonly<Record<string, unknown>> = () => ({}),
): void {
  app.get('/health', { config: { access: 'open' } }, async (_request, reply) => {
    const { ok, reports } = await runChecks(checks);
    const status = Object.fromEntries(
      Object.keys(reports).map((name) => [name, { ok: reports[name]!.ok }]),
    );
    return reply.code(ok ? 200 : 503).send({ ok, ...status });
  });
  app.get('/health/details', { config: { access: 'admin' } }, async (_request, reply) => {
    const { ok, reports } = await runChecks(checks);
    return reply.code(ok ? 200 : 503).send({ ok, ...reports, ...more() });
  });
}
