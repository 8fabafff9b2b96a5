import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

// Routes that need no signed-in user: health, signing in and out, this document, and public links
// (which take a share token instead). Their operations say so; every other one needs a session or
// a token (the document's default). The security matrix test checks the same split.
const OPEN_ROUTES = /^\/api\/(public\/|health|auth\/(login|register|logout)$|openapi\.json$)/;

/** The OpenAPI document at /api/openapi.json, generated from the routes' zod schemas, and its browser at /api/docs. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  app.addHook('onRoute', (route) => {
    if (route.schema && OPEN_ROUTES.test(route.url)) {
      route.schema = { ...route.schema, security: [] };
    }
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'FileFlow API',
        version,
        description: 'Self-hosted cloud storage. Authenticate with the session cookie (from /api/auth/login) or `Authorization: Bearer <personal access token>`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'ff_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get(
    '/api/openapi.json',
    { schema: { tags: ['operations'], summary: 'This OpenAPI document (browsable at /api/docs)', response: { 200: z.unknown() } } },
    async () => app.swagger(),
  );
}
