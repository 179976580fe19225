import type { FastifyHttpOptions, FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import { z } from 'zod';

const positive = (what: string) =>
  z
    .number()
    .int()
    .positive(`${what} must be a whole number above 0 (0 would mean no limit at all)`);

/**
 * How long a client may take, and how many may be connected, before the server lets go. Fastify
 * leaves request and connection timeouts at 0 (none): a client that sends half a body holds its
 * connection, and its memory, forever.
 */
export const ServerLimits = z.strictObject({
  /**
   * The whole request, headers and body, must arrive within this (ms); otherwise 408 and closed.
   * Bodies here are small JSON. Default 15 000.
   */
  requestTimeoutMs: positive('requestTimeoutMs'),
  /**
   * A connection with nothing sent either way for this long (ms) while a request is in hand is
   * closed: a client that stops reading, or a handler that hangs. Must be longer than any
   * handler takes. Default 60 000.
   */
  connectionTimeoutMs: positive('connectionTimeoutMs'),
  /**
   * How long an idle kept-alive connection waits for its next request (ms; Node adds 1 s). The
   * callers are our own fetch clients, which follow the server's `Keep-Alive: timeout` hint.
   * Default 10 000.
   */
  keepAliveTimeoutMs: positive('keepAliveTimeoutMs'),
  /** Open connections at most; more are closed as they arrive. Default 512. */
  maxConnections: positive('maxConnections'),
});
export type ServerLimits = z.infer<typeof ServerLimits>;

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  requestTimeoutMs: 15_000,
  connectionTimeoutMs: 60_000,
  keepAliveTimeoutMs: 10_000,
  maxConnections: 512,
};

/** The defaults with `overrides`, checked: a limit of 0 or less throws (a ZodError naming it). */
export function resolveServerLimits(overrides: Partial<ServerLimits> = {}): ServerLimits {
  return ServerLimits.parse({ ...DEFAULT_SERVER_LIMITS, ...overrides });
}

/** Fastify's options for these limits (maxConnections is set on the server: capConnections). */
export function serverLimitOptions(
  limits: ServerLimits,
): Pick<
  FastifyHttpOptions<Server>,
  'requestTimeout' | 'connectionTimeout' | 'keepAliveTimeout' | 'http'
> {
  return {
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      // Node 20 times out a half-sent body only when requestTimeout is given to the server's
      // constructor; fastify sets it afterwards, which catches slow headers but not a body that
      // stops half way. (headersTimeout follows it: min(60 s, requestTimeout).)
      requestTimeout: limits.requestTimeoutMs,
      // Node looks for expired requests this often (30 s by default, twice a 15 s timeout).
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(limits.requestTimeoutMs / 4)),
    },
  };
}

/** Closes connections beyond `maxConnections` as they arrive (fastify has no option for it). */
export function capConnections(app: FastifyInstance, limits: ServerLimits): void {
  app.server.maxConnections = limits.maxConnections;
}
