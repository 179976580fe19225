import type * as Jose from 'jose' with { 'resolution-mode': 'import' };

/**
 * jose, the one door to it. jose 6 is ECMAScript-module only, and every workspace here compiles
 * to CommonJS under `module: node16`, where TypeScript refuses a static `import` of an ES module
 * (TS1479) in this library and in every workspace that type-checks its sources. So the types
 * come from a type-only import and the value from `require`, which Node (20.19 and later: the
 * engines field) loads natively as `require(esm)`; jest turns jose into CommonJS (jest.preset.js).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
export const jose: typeof Jose = require('jose');

export type CryptoKeyLike = Jose.CryptoKey;
export type JoseHeader = Jose.JWSHeaderParameters;
export type JweHeader = Jose.CompactJWEHeaderParameters;
export type JwtPayload = Jose.JWTPayload;
