/**
 * What a route may say about itself in its `config`. createHttpApi refuses every query parameter
 * on a route that does not say it takes a query: a parameter nobody reads is a caller's mistake
 * (a typo in a filter quietly returns everything), and it should hear so.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads `request.query` itself, with a strict schema that names unknown ones. */
    readonly takesQuery?: boolean;
  }
}

export {};
