import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { unauthenticated } from '../errors.js';
import type { AuthService, Principal } from '../services/auth.service.js';
import type { TokensService } from '../services/tokens.service.js';

export const SESSION_COOKIE = 'ff_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request, when it carried a valid session cookie or bearer token. */
    principal: Principal | undefined;
  }
}

/** The bearer token in the Authorization header, if any. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** The authenticated principal; 401 without one. */
export function requireUser(request: FastifyRequest): Principal {
  if (!request.principal) {
    throw unauthenticated();
  }
  return request.principal;
}

/**
 * An onRequest hook for routes that need a signed-in user: 401 before the body and query are
 * validated, so a caller without credentials learns nothing but that it must sign in.
 */
export async function requireSignedIn(request: FastifyRequest): Promise<void> {
  requireUser(request);
}

/** Sets or clears the session cookie: HttpOnly, SameSite=Lax, Secure behind HTTPS. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string | null, maxAgeMs: number | null): void {
  const options = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: request.protocol === 'https' };
  if (token === null) {
    reply.clearCookie(SESSION_COOKIE, options);
    return;
  }
  reply.setCookie(SESSION_COOKIE, token, maxAgeMs === null ? options : { ...options, maxAge: Math.floor(maxAgeMs / 1000) });
}

/**
 * Resolves the principal of every request from `Authorization: Bearer` (personal access tokens) or
 * the session cookie. A request with a bad bearer token is refused outright rather than falling
 * back to a cookie, so a revoked token never works by accident.
 */
async function authPlugin(app: FastifyInstance, options: { auth: AuthService; tokens: TokensService }): Promise<void> {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    const bearer = bearerToken(request);
    if (bearer !== undefined) {
      request.principal = await options.tokens.authenticate(bearer);
      if (!request.principal) {
        throw unauthenticated('The access token is invalid or has been revoked.');
      }
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) {
      request.principal = await options.auth.authenticateSession(cookie);
    }
  });
}

export default fp(authPlugin, { name: 'fileflow-auth', dependencies: ['@fastify/cookie'] });
