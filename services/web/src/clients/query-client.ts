import { describeIssues } from '@mbs/errors';
import { injectTraceContext } from '@mbs/telemetry';
import type { StaffAudience, StaffTokenCache } from '@mbs/trust';
import type { z } from 'zod';
import type { Account } from '../accounts';
import { QueryNotFoundError, QueryUnavailableError } from './query-errors';

/**
 * Who a query is made for: the signed-in member of staff (their account), whose token it carries.
 * Every query has one: the services answer members of staff only, and web reads them only for a
 * page someone signed in is looking at (there is no background read).
 */
export type QueryAs = Pick<Account, 'username' | 'name' | 'role'>;

export interface QueryClientOptions {
  /** `http://appointment:3002` */
  readonly baseUrl: string;
  /** What staff are told is unavailable when this service does not answer. */
  readonly information: string;
  readonly timeoutMs: number;
  /** The service, as its staff tokens name it. */
  readonly audience: StaffAudience;
  /** web's tokens, one per member of staff and service, reused while fresh. */
  readonly tokens: StaffTokenCache;
}

export interface QueryClient {
  /**
   * GETs a path as the member of staff `as` and reads the JSON answer with `schema`. 404 throws
   * QueryNotFoundError with the service's message; no answer in time, a refused connection, a
   * refusal (401, 403), a 5xx or an answer that does not fit the schema throws
   * QueryUnavailableError.
   */
  get<S extends z.ZodType>(path: string, schema: S, as: QueryAs): Promise<z.output<S>>;
}

/**
 * Reads another service's query API over HTTP, carrying the trace and, in `Authorization:
 * Bearer`, a staff token web issued for the member of staff `as` and this service.
 */
export function createQueryClient(options: QueryClientOptions): QueryClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    async get(path, schema, as) {
      const url = `${base}${path}`;
      const token = await options.tokens.token({
        subject: as.username,
        name: as.name,
        role: as.role,
        audience: options.audience,
      });
      let response: Response;
      try {
        response = await fetch(url, {
          headers: injectTraceContext<Record<string, string>>({
            accept: 'application/json',
            authorization: `Bearer ${token}`,
          }),
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
