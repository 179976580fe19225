import { describeIssues } from '@mbs/errors';
import { injectTraceContext } from '@mbs/telemetry';
import type { z } from 'zod';
import { QueryNotFoundError, QueryUnavailableError } from './query-errors';

export interface QueryClientOptions {
  /** `http://appointment:3002` */
  readonly baseUrl: string;
  /** What staff are told is unavailable when this service does not answer. */
  readonly information: string;
  readonly timeoutMs: number;
}

export interface QueryClient {
  /**
   * GETs a path and reads the JSON answer with `schema`. 404 throws QueryNotFoundError with the
   * service's message; no answer in time, a refused connection, a 5xx or an answer that does not
   * fit the schema throws QueryUnavailableError.
   */
  get<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>>;
}

/** Reads another service's query API over HTTP, carrying the trace. */
export function createQueryClient(options: QueryClientOptions): QueryClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    async get(path, schema) {
      const url = `${base}${path}`;
      let response: Response;
      try {
        response = await fetch(url, {
          headers: injectTraceContext<Record<string, string>>({ accept: 'application/json' }),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError';
        const cause = (error as { cause?: { code?: string } }).cause;
        throw new QueryUnavailableError(
          options.information,
          timedOut
            ? `no answer within ${options.timeoutMs} ms`
            : `could not connect (${cause?.code ?? (error as Error).message})`,
          { cause: error },
        );
      }
      const body: unknown = await response.json().catch(() => undefined);
      if (response.status === 404) {
        const message = (body as { message?: unknown } | undefined)?.message;
        throw new QueryNotFoundError(typeof message === 'string' ? message : `Nothing at ${path}`);
      }
      if (!response.ok) {
        throw new QueryUnavailableError(options.information, `answered ${response.status}`);
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        throw new QueryUnavailableError(
          options.information,
          `answered in a form web does not understand (${describeIssues(parsed.error.issues.slice(0, 3))})`,
        );
      }
      return parsed.data;
    },
  };
}
