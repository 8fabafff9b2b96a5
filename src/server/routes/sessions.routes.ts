import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SessionRow } from '../db/schema/index.js';
import { requireSignedIn, requireUser, setSessionCookie } from '../plugins/auth.js';
import type { Services } from '../services/index.js';
import { errors, idParams, isoTimestamp, parseId } from './common.schemas.js';

const sessionSchema = z
  .object({
    id: z.string(),
    userAgent: z.string().nullable().describe('The browser that signed in, as it named itself'),
    createdAt: isoTimestamp(),
    lastSeenAt: isoTimestamp().describe('When the session was last extended (it slides once half its life is used)'),
    expiresAt: isoTimestamp(),
    current: z.boolean().describe('Whether this is the session of the request'),
  })
  .meta({ id: 'Session' });

const toSessionDto = (row: SessionRow & { current: boolean }) => ({
  id: row.id,
  userAgent: row.userAgent,
  createdAt: row.createdAt.toISOString(),
  lastSeenAt: row.lastSeenAt.toISOString(),
  expiresAt: row.expiresAt.toISOString(),
  current: row.current,
});

/** The user's signed-in browsers, each of which can be signed out from anywhere. */
export const sessionsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.addHook('onRequest', requireSignedIn);

  app.get(
    '/api/sessions',
    {
      schema: {
        tags: ['auth'],
        summary: "The user's live sessions (signed-in browsers), the most recently active first",
        response: { 200: z.object({ items: z.array(sessionSchema) }), ...errors(401) },
      },
    },
    async (request) => ({ items: (await services.auth.listSessions(requireUser(request))).map(toSessionDto) }),
  );

  app.delete(
    '/api/sessions/:id',
    {
      schema: { tags: ['auth'], summary: 'Sign a session out at once', params: idParams, response: { 204: z.null(), ...errors(401, 404) } },
    },
    async (request, reply) => {
      const principal = requireUser(request);
      const id = parseId(request.params.id, 'That session');
      await services.auth.revokeSession(principal, id);
      if (principal.via === 'session' && principal.credentialId === id) {
        // Signing this very session out is a logout: the browser forgets the cookie too.
        setSessionCookie(request, reply, null, null);
      }
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/sessions',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out every other session (every session, when asked with an access token)',
        response: { 204: z.null(), ...errors(401) },
      },
    },
    async (request, reply) => {
      await services.auth.revokeOtherSessions(requireUser(request));
      return reply.status(204).send(null);
    },
  );
};
