import swagger, { type SwaggerTransform, type SwaggerTransformObject } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** A request header parameter or a response header, as the OpenAPI document shows it. */
export interface HeaderDoc {
  description: string;
  /** A JSON Schema; a string by default. */
  schema?: Record<string, unknown>;
}

/**
 * What an operation's entry in the OpenAPI document says beyond its zod schemas, about the parts
 * Fastify must not validate: a body the handler streams (a body schema would have Fastify parse
 * and check it first) and request headers (a headers schema would check them all, and its parsed
 * value, holding only the headers it names, would replace request.headers). Only the document's
 * transform below reads it; Fastify ignores schema keys it does not know.
 */
export interface OperationDocs {
  /** The request body: a JSON Schema per media type. */
  requestBody?: Record<string, Record<string, unknown>>;
  /** Request headers the handler reads; all optional. */
  requestHeaders?: Record<string, HeaderDoc>;
  /** Response headers by status; the route must document that status. */
  responseHeaders?: Partial<Record<number, Record<string, HeaderDoc>>>;
}

declare module 'fastify' {
  interface FastifySchema {
    /** Documentation only, never validated (plugins/openapi.ts). */
    openapi?: OperationDocs;
  }
}

// Routes that need no signed-in user: health, signing in and out, asking who is signed in, this
// document, and public links (which take a share token instead). Their operations say so; every
// other one needs a session or a token (the document's default). The security matrix test checks
// the same split.
const OPEN_ROUTES = /^\/api\/(public\/|health|auth\/(login|register|registration|logout|session)$|openapi\.json$)/;

/** Headers that come with a status wherever a route answers it (plugins/error-handler.ts, http/send-content.ts). */
const HEADERS_BY_STATUS: Record<string, Record<string, HeaderDoc>> = {
  416: { 'Content-Range': { description: '`bytes */<size>`: the whole size of the file' } },
  429: { 'Retry-After': { description: 'Seconds until the limit lets a request through again', schema: { type: 'integer', minimum: 1 } } },
};

/**
 * What each status means (for errors, with the contract's codes), for the responses that describe
 * nothing themselves, which the document would otherwise call "Default Response".
 */
const RESPONSE_DESCRIPTIONS: Record<string, string> = {
  200: 'OK',
  201: 'Created',
  204: 'Done; no body',
  400: 'Invalid request (`invalid_request`); the message names the field',
  401: 'Not signed in or the credential is no good (`unauthenticated`); `invalid_credentials` for a failed sign-in, `password_required` for a share link\'s password',
  403: 'A cross-origin write with the session cookie (`forbidden`)',
  404: 'No such item, or not the caller\'s (`not_found`)',
  409: 'A conflict: `name_taken`, `invalid_move`, `email_taken`, `username_taken`, or for resumable uploads `offset_mismatch` or `upload_incomplete`',
  410: 'The share link has expired (`share_expired`) or used up its downloads (`share_exhausted`)',
  413: 'The body or the file is too large (`too_large`)',
  416: 'The range starts past the end of the file (`range_not_satisfiable`)',
  429: 'Too many requests (`rate_limited`); try again after Retry-After',
  503: 'Unavailable: the database or the blob store does not answer (`storage_unavailable` when the store does not; try again after Retry-After)',
  507: 'Over the storage quota (`quota_exceeded`)',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON Schema properties, one per header, as @fastify/swagger turns them into header parameters and response headers. */
function headerProperties(headers: Record<string, HeaderDoc>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, { description, schema }]) => [name, { type: 'string', ...schema, description }]),
  );
}

/**
 * The zod transform, then what the route's `openapi` key adds: the request body (as an OpenAPI
 * `content` map), header parameters and response headers. The result only feeds the document.
 */
const transform: SwaggerTransform<FastifySchema> = (document) => {
  const result = jsonSchemaTransform(document);
  const { openapi: docs, ...schema } = result.schema;
  if (schema.hide === true) {
    return result;
  }
  if (docs?.requestBody) {
    schema.body = {
      content: Object.fromEntries(Object.entries(docs.requestBody).map(([mediaType, body]) => [mediaType, { schema: body }])),
    };
  }
  if (docs?.requestHeaders) {
    const existing = isRecord(schema.headers) && isRecord(schema.headers.properties) ? schema.headers.properties : {};
    schema.headers = { type: 'object', properties: { ...existing, ...headerProperties(docs.requestHeaders) } };
  }
  if (isRecord(schema.response)) {
    const responses: Record<string, unknown> = { ...schema.response };
    for (const status of Object.keys(docs?.responseHeaders ?? {})) {
      if (!(status in responses)) {
        throw new Error(`OpenAPI: ${document.url} documents headers for a ${status} it does not answer`);
      }
    }
    for (const [status, response] of Object.entries(responses)) {
      const description = RESPONSE_DESCRIPTIONS[status];
      if (description && isRecord(response) && response.description === undefined) {
        // @fastify/swagger reads a response's description from its schema: an inline schema's
        // x-response-description (removed from the schema shown), or the description beside a $ref.
        responses[status] = '$ref' in response ? { ...response, description } : { ...response, 'x-response-description': description };
      }
    }
    for (const [status, response] of Object.entries(responses)) {
      const headers = { ...HEADERS_BY_STATUS[status], ...docs?.responseHeaders?.[Number(status)] };
      if (isRecord(response) && Object.keys(headers).length > 0) {
        responses[status] = {
          ...response,
          headers: { ...(isRecord(response.headers) ? response.headers : {}), ...headerProperties(headers) },
        };
      }
    }
    schema.response = responses;
  }
  return { ...result, schema };
};

/** The names of the component schemas that `value` refers to (`#/components/schemas/<name>`). */
function schemaRefsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((item) => schemaRefsIn(item, found));
  } else if (isRecord(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/')) {
        found.add(inner.slice('#/components/schemas/'.length));
      } else {
        schemaRefsIn(inner, found);
      }
    }
  }
  return found;
}

/**
 * Drops the component schemas no operation uses: the zod transform lists each named schema twice,
 * as read and as written ("Node" and "NodeInput"), and only the answers' forms are referred to.
 */
function dropUnusedSchemas(openapiObject: Record<string, unknown>): void {
  const components = openapiObject.components;
  if (!isRecord(components) || !isRecord(components.schemas)) {
    return;
  }
  const schemas = components.schemas;
  const used = new Set<string>();
  let pending = [...schemaRefsIn(openapiObject.paths)];
  while (pending.length > 0) {
    const next = pending.filter((name) => !used.has(name));
    next.forEach((name) => used.add(name));
    pending = next.flatMap((name) => [...schemaRefsIn(schemas[name])]);
  }
  for (const name of Object.keys(schemas)) {
    if (!used.has(name)) {
      delete schemas[name];
    }
  }
}

/**
 * @fastify/swagger marks every request body required; a zod body that accepts null (`nullish()`)
 * may be left out, which Fastify takes as null (POST /api/uploads/{id}/complete): say so.
 */
function markOptionalBody(operation: unknown): void {
  if (!isRecord(operation) || !isRecord(operation.requestBody) || !isRecord(operation.requestBody.content)) {
    return;
  }
  const json = operation.requestBody.content['application/json'];
  const alternatives = isRecord(json) && isRecord(json.schema) ? json.schema.anyOf : undefined;
  if (Array.isArray(alternatives) && alternatives.some((alternative) => isRecord(alternative) && alternative.type === 'null')) {
    operation.requestBody.required = false;
  }
}

/**
 * The document as served: HEAD operations keep their responses' headers and drop their content (a HEAD
 * answer has no body), the HTML pages no route schema documents are added (/api/docs, /s/{token}),
 * and component schemas no operation uses are dropped.
 */
const transformObject: SwaggerTransformObject = (document) => {
  const openapiObject = jsonSchemaTransformObject(document);
  const paths: unknown = openapiObject.paths;
  for (const item of isRecord(paths) ? Object.values(paths) : []) {
    for (const operation of isRecord(item) ? Object.values(item) : []) {
      markOptionalBody(operation);
    }
    if (isRecord(item) && isRecord(item.head) && isRecord(item.head.responses)) {
      const responses = Object.entries(item.head.responses).map(([status, response]): [string, unknown] => {
        if (!isRecord(response)) {
          return [status, response];
        }
        const { content: _content, ...headersOnly } = response;
        return [status, headersOnly];
      });
      // GET and HEAD share one operation object: HEAD gets its own.
      item.head = { ...item.head, responses: Object.fromEntries(responses) };
    }
  }
  // The browser for this document is served by @fastify/swagger-ui, whose routes stay out of the
  // document by their own schemas; it is an endpoint all the same.
  const docsPage = {
    summary: 'This document in a browser (Swagger UI); its assets are under /api/docs/static/, and /api/docs/json is the document again',
    tags: ['operations'],
    security: [],
    responses: { 200: { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
  };
  // The web page of a share link (API.md, "Share links") is the web UI's, served by its catch-all
  // route (plugins/web-ui.ts), which stays out of the document: the page is listed here.
  const sharePage = {
    summary: 'The web page of a share link, for people: shows the shared file or folder and lets them download it',
    description:
      'The web UI\'s page; it reads the link through the /api/public/shares routes. Served by servers with the web UI built ' +
      '(404 `not_found` otherwise); an unknown or expired token still gets the page, which says so.',
    tags: ['public'],
    security: [],
    parameters: [{ name: 'token', in: 'path', required: true, description: 'The link\'s token, as in its URL', schema: { type: 'string' } }],
    responses: {
      200: { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
      404: { description: 'This server has no web UI (`not_found`)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  };
  if (isRecord(paths)) {
    paths['/api/docs'] = { get: docsPage, head: { ...docsPage, responses: { 200: { description: 'An HTML page' } } } };
    paths['/s/{token}'] = {
      get: sharePage,
      head: { ...sharePage, responses: { 200: { description: 'An HTML page' }, 404: { description: sharePage.responses[404].description } } },
    };
  }
  dropUnusedSchemas(openapiObject);
  return openapiObject;
};

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
        description:
          'Self-hosted cloud storage. Authenticate with the session cookie (from /api/auth/login) or `Authorization: Bearer <personal access token>`. ' +
          'This document is served at /api/openapi.json and browsable at /api/docs.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'ff_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    // Every GET also answers HEAD (Fastify adds the route): the document shows those too.
    exposeHeadRoutes: true,
    transform,
    transformObject,
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // Its policy asks browsers to fetch the page's assets over HTTPS: a server reached over plain
    // HTTP from another machine (HOST=0.0.0.0, no TLS proxy) showed a blank page. The rest of the
    // server's policy has no such directive either.
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/g, ''),
  });
  app.get(
    '/api/openapi.json',
    { schema: { tags: ['operations'], summary: 'This OpenAPI document (browsable at /api/docs)', response: { 200: z.unknown() } } },
    async () => app.swagger(),
  );
}
