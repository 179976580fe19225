import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** Where nhsuk-frontend's CSS loads the Frutiger font from (unreachable offline: Arial then). */
export const NHS_FONT_HOST = 'https://assets.nhs.uk';

/**
 * Security headers on every answer. The content security policy allows scripts, styles, images
 * and connections from web itself only (no inline script or style anywhere), fonts also from the
 * NHS font host, no framing, and forms that post only to web.
 */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  secure: boolean,
): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", NHS_FONT_HOST],
        connectSrc: ["'self'"],
        manifestSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        ...(secure ? { upgradeInsecureRequests: [] } : { upgradeInsecureRequests: null }),
      },
    },
    // HSTS only where web is served over https (a browser would otherwise refuse plain http).
    strictTransportSecurity: secure ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
}
