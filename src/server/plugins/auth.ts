import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Readable } from 'node:stream';
import { unauthenticated } from '../errors.js';
import { hashSecret } from '../security/secrets.js';
import type { AuthService, Principal } from '../services/auth.service.js';
import { LruMap } from '../services/lru-map.js';
import type { TokensService } from '../services/tokens.service.js';

export const SESSION_COOKIE = 'ff_session';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's GETs have effects: confirm the credential before running them (see below). */
    confirmCredentialsFirst?: boolean;
  }
  interface FastifyRequest {
    /** Who sent the request, when it carried a valid session cookie or bearer token. */
    principal: Principal | undefined;
    /** Resolves to whether a principal taken from memory is still valid (see below). */
    principalCheck: Promise<CheckResult> | undefined;
    /** The credential as that check read it (undefined if gone or the read failed). */
    credentialRead: Promise<Principal | undefined> | undefined;
    /** Whether anything answered on the strength of the principal. */
    principalUsed: boolean;
  }
}

/** The bearer token in the Authorization header, if any. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

const BAD_TOKEN = 'The access token is invalid or has been revoked.';

/** The authenticated principal; 401 without one (saying so when a bearer token was sent and is no good). */
export function requireUser(request: FastifyRequest): Principal {
  if (!request.principal) {
    throw bearerToken(request) === undefined ? unauthenticated() : unauthenticated(BAD_TOKEN);
  }
  request.principalUsed = true;
  return request.principal;
}

/**
 * An onRequest hook for routes that need a signed-in user: 401 before the body and query are
 * validated, so a caller without credentials learns nothing but that it must sign in.
 */
export async function requireSignedIn(request: FastifyRequest): Promise<void> {
  requireUser(request);
}

/**
 * The user's tree version as this request read it together with its credential (on a PostgreSQL
 * server, where every request reads its credential), or undefined where the credential was
 * remembered rather than read (the embedded database) or its read failed.
 */
export async function treeVersionReadWithCredential(request: FastifyRequest): Promise<number | undefined> {
  const principal = request.principal;
  if (principal?.treeVersion !== undefined) {
    return principal.treeVersion;
  }
  const read = request.credentialRead ? await request.credentialRead : undefined;
  return read && read.userId === principal?.userId ? read.treeVersion : undefined;
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

/** What re-reading a remembered credential found; a failed read is not a revocation. */
type CheckResult = 'valid' | 'revoked' | 'failed';

// Headers of an answer that must not survive its replacement by a 401.
const ANSWER_HEADERS = ['content-type', 'content-length', 'content-disposition', 'content-range', 'accept-ranges', 'etag', 'last-modified', 'cache-control', 'set-cookie', 'location'];

/**
 * Resolves the principal of every request from `Authorization: Bearer` (personal access tokens) or
 * the session cookie. A request with a bad bearer token never falls back to a cookie, so a revoked
 * token never works by accident: a route that needs a user answers it 401, and a route that needs
 * none (health, public links, sign-in) answers it as it answers anyone.
 *
 * With `overlapChecks` (a PostgreSQL server, where other processes revoke credentials and every
 * request must read the credential), a GET or HEAD whose credential this process has seen before
 * goes ahead on that hint while the credential is read in parallel with the route's own queries:
 * one round trip of latency instead of two. Nothing is sent before the check has answered: if it
 * finds the credential gone and the answer relied on it (or came with a bearer token), the answer
 * is replaced by the 401 it would have been (a failed read by the 500 it would have been). Writes,
 * and GETs of routes marked `confirmCredentialsFirst` (they have effects), always wait for the check.
 */
async function authPlugin(app: FastifyInstance, options: { auth: AuthService; tokens: TokensService; overlapChecks: boolean }): Promise<void> {
  // Who each credential was last found to belong to, by the hash of its secret.
  const hints = new LruMap<string, Principal>(10_000);
  app.decorateRequest('principal', undefined);
  app.decorateRequest('principalCheck', undefined);
  app.decorateRequest('credentialRead', undefined);
  app.decorateRequest('principalUsed', false);

  app.addHook('onRequest', async (request) => {
    const bearer = bearerToken(request);
    const cookie = bearer === undefined ? request.cookies[SESSION_COOKIE] : undefined;
    if (bearer === undefined && !cookie) {
      return;
    }
    const key = !options.overlapChecks ? undefined : bearer !== undefined ? `token:${hashSecret(bearer)}` : `session:${hashSecret(cookie!)}`;
    const authenticate = async (): Promise<Principal | undefined> => {
      const principal = bearer !== undefined ? await options.tokens.authenticate(bearer) : await options.auth.authenticateSession(cookie!);
      if (key !== undefined && principal) {
        hints.set(key, { userId: principal.userId, via: principal.via, credentialId: principal.credentialId });
      } else if (key !== undefined) {
        hints.delete(key);
      }
      return principal;
    };
    const overlap = key !== undefined && (request.method === 'GET' || request.method === 'HEAD') && !request.routeOptions.config.confirmCredentialsFirst;
    const hint = overlap ? hints.get(key) : undefined;
    if (hint) {
      request.principal = hint;
      const read = authenticate();
      request.credentialRead = read.catch(() => undefined);
      request.principalCheck = read.then(
        (found): CheckResult => (found?.userId === hint.userId && found.credentialId === hint.credentialId ? 'valid' : 'revoked'),
        (error: unknown): CheckResult => {
          request.log.error({ err: error }, 'reading a credential failed');
          return 'failed';
        },
      );
      return;
    }
    request.principal = await authenticate();
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const check = request.principalCheck ? await request.principalCheck : 'valid';
    if (check === 'valid') {
      return payload;
    }
    request.principal = undefined;
    const viaBearer = bearerToken(request) !== undefined;
    if (check === 'revoked' && !request.principalUsed) {
      // The answer did not depend on who asked: it is what an anonymous visitor gets.
      return payload;
    }
    if (payload instanceof Readable) {
      payload.destroy();
    }
    for (const name of ANSWER_HEADERS) {
      reply.removeHeader(name);
      reply.raw.removeHeader(name);
    }
    reply.header('cache-control', 'no-store').type('application/json; charset=utf-8');
    if (check === 'failed') {
      // What the request would have got had it waited for the read: the database's failure.
      reply.code(500);
      return JSON.stringify({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
    }
    const message = viaBearer ? BAD_TOKEN : 'You need to sign in.';
    reply.code(401);
    return JSON.stringify({ error: { code: 'unauthenticated', message } });
  });
}

export default fp(authPlugin, { name: 'fileflow-auth', dependencies: ['@fastify/cookie'] });
