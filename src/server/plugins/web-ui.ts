import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `vite build` puts the web UI: <repo>/dist/web. This module sits three levels below the
 * repository both as source (src/server/plugins) and compiled (dist/server/plugins).
 */
export const DEFAULT_WEB_DIST_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/** Paths the single-page app never owns: the API keeps its JSON 404, missing assets stay 404. */
function isReservedPath(url: string): boolean {
  const pathname = url.split('?')[0] ?? '';
  return pathname === '/api' || pathname.startsWith('/api/') || pathname.startsWith('/assets/');
}

/**
 * Serves the built web UI: its files from `distDir` (hashed assets cached for a year, everything
 * else revalidated) and index.html for any other GET outside /api, so client-side routes such as
 * /folders/:id or /s/:token load the app. Does nothing when the UI has not been built.
 */
export async function registerWebUi(app: FastifyInstance, { distDir }: { distDir: string }): Promise<void> {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    return;
  }
  await app.register(fastifyStatic, {
    root: distDir,
    prefix: '/',
    // One route per built file; unknown paths fall through to the SPA route below.
    wildcard: false,
    index: false,
    cacheControl: false,
    dotfiles: 'ignore',
    setHeaders: (res, filePath) => {
      const immutable = filePath.split(path.sep).includes('assets');
      res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    if (isReservedPath(request.url)) {
      return reply.callNotFound();
    }
    return reply.sendFile('index.html');
  });
}
