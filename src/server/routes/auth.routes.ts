import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clientAddress } from '../http/client-address.js';
import { requireSignedIn, requireUser, setSessionCookie } from '../plugins/auth.js';
import type { Services } from '../services/index.js';
import {
  authResponse,
  changePasswordBody,
  loginBody,
  loginQuery,
  registerBody,
  registrationResponse,
  safeNextPath,
  sessionCookie,
  sessionResponse,
  toUserDto,
  userSchema,
} from './auth.schemas.js';
import { errors } from './common.schemas.js';

/** Registration, sign-in, sign-out, the current user and password change. */
export const authRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const context = (request: FastifyRequest) => ({
    address: clientAddress(request),
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
  });

  app.post(
    '/api/auth/register',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account and sign in',
        description: 'Answers 403 `forbidden` when the operator has closed sign-up (`FILEFLOW_REGISTRATION=closed`; see GET /api/auth/registration).',
        body: registerBody,
        openapi: { responseHeaders: { 201: sessionCookie.set } },
        response: { 201: authResponse, ...errors(400, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      const { user, sessionToken, maxAgeMs } = await services.auth.register(request.body, context(request));
      setSessionCookie(request, reply, sessionToken, maxAgeMs);
      return reply.status(201).send({ user: toUserDto(user) });
    },
  );

  app.get(
    '/api/auth/registration',
    {
      schema: {
        tags: ['auth'],
        summary: 'Whether anyone may create an account here (the sign-in page offers sign-up only then)',
        response: { 200: registrationResponse },
      },
    },
    async () => ({ open: services.auth.registrationOpen }),
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in; `remember` keeps the session for 30 days',
        description:
          'A `next` path (same origin only), in the body or the query string (the body\'s wins), comes back as `redirectTo`; anything else becomes "/".',
        querystring: loginQuery,
        body: loginBody,
        openapi: { responseHeaders: { 200: sessionCookie.set } },
        response: { 200: authResponse, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { user, sessionToken, maxAgeMs } = await services.auth.login(
        { email: request.body.email, password: request.body.password, remember: request.body.remember ?? false },
        context(request),
      );
      setSessionCookie(request, reply, sessionToken, maxAgeMs);
      return { user: toUserDto(user), redirectTo: safeNextPath(request.body.next ?? request.query.next) };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: the session is revoked on the server (204 also when there was none left to revoke)',
        openapi: { responseHeaders: { 204: sessionCookie.cleared } },
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      // Signing out is done once no session is left: an expired or already revoked cookie, or none,
      // gets the same 204 (the contract's answer) and the cookie cleared, not an error to show.
      const principal = request.principal;
      if (principal?.via === 'session') {
        await services.auth.logout(principal.credentialId);
      }
      setSessionCookie(request, reply, null, null);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/session',
    {
      // The answer is who is signed in: read the credential first, never answer on a remembered one.
      config: { confirmCredentialsFirst: true },
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in, if anyone: `user` is null without a valid session or token',
        description:
          'Always 200, so a page can ask before sign-in without an error in the browser console (GET /api/me answers 401 instead).',
        response: { 200: sessionResponse },
      },
    },
    async (request) => ({ user: request.principal ? toUserDto(await services.auth.currentUser(requireUser(request))) : null }),
  );

  app.get(
    '/api/me',
    {
      onRequest: requireSignedIn,
      schema: { tags: ['auth'], summary: 'The signed-in user and their storage use', response: { 200: userSchema, ...errors(401) } },
    },
    async (request) => toUserDto(await services.auth.currentUser(requireUser(request))),
  );

  app.post(
    '/api/me/password',
    {
      onRequest: requireSignedIn,
      schema: {
        tags: ['auth'],
        summary: 'Change the password; every other session is signed out',
        body: changePasswordBody,
        response: { 204: z.null(), ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      await services.auth.changePassword(requireUser(request), request.body.currentPassword, request.body.newPassword);
      return reply.status(204).send(null);
    },
  );
};
