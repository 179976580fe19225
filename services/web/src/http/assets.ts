import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const designSystemFolder = path.dirname(require.resolve('nhsuk-frontend/package.json'));
const designSystem = path.join(designSystemFolder, 'dist', 'nhsuk');
const { version: designSystemVersion } = JSON.parse(
  readFileSync(path.join(designSystemFolder, 'package.json'), 'utf8'),
) as { version: string };

/** A year: every URL below changes when its content does, so browsers may keep them. */
const LONG_CACHE = 'public, max-age=31536000, immutable';

/** The URLs pages link to, each naming its version so a long cache never serves a stale one. */
export interface AssetUrls {
  readonly designSystemCss: string;
  readonly designSystemJs: string;
  readonly appCss: string;
  readonly appJs: string;
  readonly jsEnabled: string;
  readonly liveJs: string;
}

/**
 * Serves nhsuk-frontend's own built files from the installed package (CSS, JavaScript, and its
 * images and icons under `/assets/`, where its CSS looks for them) and web's few files of its own,
 * all with long-cache headers. The design system's files carry their version in their name; ours
 * get a content hash in the query string.
 */
export async function registerAssets(
  app: FastifyInstance,
  publicFolder: string,
): Promise<AssetUrls> {
  const longCache = (reply: FastifyReply) => void reply.header('cache-control', LONG_CACHE);
  await app.register(fastifyStatic, {
    root: path.join(designSystem, 'assets'),
    prefix: '/assets/',
    cacheControl: false,
    setHeaders: longCache,
    decorateReply: false,
  });
  await app.register(fastifyStatic, {
    root: designSystem,
    prefix: '/design-system/',
    cacheControl: false,
    setHeaders: longCache,
    // Only the built bundles: not the templates, sources or maps beside them.
    allowedPath: (pathName) => /^\/nhsuk-frontend-[\d.]+\.min\.(css|js)$/.test(pathName),
    decorateReply: false,
  });
  await app.register(fastifyStatic, {
    root: publicFolder,
    prefix: '/static/',
    cacheControl: false,
    setHeaders: longCache,
    decorateReply: false,
  });

  const hashes = new Map(
    readdirSync(publicFolder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const file = path.relative(publicFolder, path.join(entry.parentPath, entry.name));
        const digest = createHash('sha256')
          .update(readFileSync(path.join(publicFolder, file)))
          .digest('hex')
          .slice(0, 12);
        return [file.split(path.sep).join('/'), digest] as const;
      }),
  );
  const ours = (file: string) => {
    const digest = hashes.get(file);
    if (!digest) throw new Error(`web's public folder has no ${file}`);
    return `/static/${file}?v=${digest}`;
  };
  return {
    designSystemCss: `/design-system/nhsuk-frontend-${designSystemVersion}.min.css`,
    designSystemJs: `/design-system/nhsuk-frontend-${designSystemVersion}.min.js`,
    appCss: ours('app.css'),
    appJs: ours('app.mjs'),
    jsEnabled: ours('js-enabled.js'),
    liveJs: ours('live-updates.mjs'),
  };
}
