import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { forbidden } from '../errors.js';
import { errorSchema } from '../routes/common.schemas.js';
import { bearerToken } from './auth.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when a browser tells us the request came from another site (see API.md, Cross-origin writes). */
export function isCrossOrigin(request: FastifyRequest): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string') {
    return fetchSite !== 'same-origin' && fetchSite !== 'none';
  }
  const origin = request.headers.origin;
  if (typeof origin === 'string') {
    try {
      const originUrl = new URL(origin);
      // Read Host under the origin's scheme, so that case and an explicit default port
      // ("localhost:80" against "http://localhost") do not count as a difference.
      return originUrl.host !== new URL(`${originUrl.protocol}//${request.headers.host ?? ''}`).host;
    } catch {
      // "null" or garbage: not provably ours.
      return true;
    }
  }
  return false;
}

/**
 * Refuses cookie-authenticated writes that a browser sent from another origin (CSRF). Requests
 * with a bearer token carry their credential explicitly and are not subject to it, nor are those
 * whose cookie authenticates nobody (API.md: "a request authenticated by cookie"): they are
 * anonymous, and get what an anonymous request gets. Runs after the auth plugin has resolved who
 * is asking; writes always wait for that (plugins/auth.ts).
 */
async function crossOriginPlugin(app: FastifyInstance): Promise<void> {
  // Every write a signed-in browser can send may get this 403: the OpenAPI document says so.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const response = route.schema?.response as Record<string, unknown> | undefined;
    if (response && !(403 in response) && methods.some((method) => !SAFE_METHODS.has(method))) {
      response[403] = errorSchema;
    }
  });
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method) || bearerToken(request) !== undefined) {
      return;
    }
    if (request.principal?.via === 'session' && isCrossOrigin(request)) {
      throw forbidden('Cross-origin requests may not change anything.');
    }
  });
}

export default fp(crossOriginPlugin, { name: 'fileflow-cross-origin', dependencies: ['@fastify/cookie', 'fileflow-auth'] });
