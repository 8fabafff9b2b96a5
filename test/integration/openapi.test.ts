import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

/**
 * The OpenAPI document shows what the zod schemas cannot: the streamed upload bodies, the request
 * headers the download and share routes read, and the response headers (plugins/openapi.ts).
 * None of it may make Fastify validate a body or headers.
 */
interface Operation {
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: {
    required?: boolean;
    content: Record<string, { schema: { properties?: Record<string, { type?: string; items?: Record<string, unknown> }> } }>;
  };
  responses: Record<string, { headers?: Record<string, unknown>; content?: unknown }>;
}
interface Document {
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
}

let t: TestApp;
let spec: Document;
beforeAll(async () => {
  t = await createTestApp();
  spec = (await t.anonymous.get('/api/openapi.json')).json<Document>();
});
afterAll(async () => {
  await t.close();
});

// Outside tools (client generators, contract checkers) reject a document that breaks the OpenAPI
// 3.1 schema, whatever it says; this one checks it against the specification's own JSON Schema.
it('is a valid OpenAPI 3.1 document', async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(spec) as unknown as Record<string, unknown>);
  expect(validator.version).toBe('3.1');
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
});

it('describes every response, errors with the contract\'s codes', () => {
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      for (const [status, response] of Object.entries(op.responses)) {
        expect((response as { description?: string }).description, `${method} ${path} ${status}`).not.toMatch(/^(Default Response)?$/);
      }
    }
  }
  expect((operation('/api/nodes/{id}', 'patch').responses['409'] as { description: string }).description).toContain('name_taken');
});

it('types times as date-time and lists each named schema once, as the answers use it', () => {
  const components = (spec as unknown as { components: { schemas: Record<string, { properties?: Record<string, { format?: string }> }> } }).components;
  expect(Object.keys(components.schemas)).toEqual(expect.arrayContaining(['Node', 'Share', 'User', 'Error']));
  expect(Object.keys(components.schemas).filter((name) => name.endsWith('Input'))).toEqual([]);
  for (const field of ['modifiedAt', 'createdAt', 'updatedAt']) {
    expect(components.schemas.Node?.properties?.[field]?.format).toBe('date-time');
  }
  expect(components.schemas.Share?.properties?.expiresAt?.format).toBe('date-time');
});

const CONTENT_PATHS = ['/api/files/{id}/content', '/api/public/shares/{token}/content', '/api/public/shares/{token}/files/{id}/content'];

function operation(path: string, method: string): Operation {
  const found = spec.paths[path]?.[method];
  expect(found, `${method.toUpperCase()} ${path}`).toBeDefined();
  return found!;
}

const headerParameters = (op: Operation) =>
  (op.parameters ?? []).filter((parameter) => parameter.in === 'header').map((parameter) => parameter.name);
const responseHeaders = (op: Operation, status: string) => Object.keys(op.responses[status]?.headers ?? {});

describe('request bodies of the streamed uploads', () => {
  it('POST /api/files takes multipart/form-data: the fields, then binary parts named file', () => {
    const content = operation('/api/files', 'post').requestBody?.content;
    expect(Object.keys(content ?? {})).toEqual(['multipart/form-data']);
    const properties = content!['multipart/form-data']!.schema.properties!;
    expect(Object.keys(properties)).toEqual(['parentId', 'conflict', 'modifiedAt', 'file']);
    expect(properties.file).toMatchObject({ type: 'array', items: { type: 'string', contentMediaType: 'application/octet-stream' } });
  });

  it('PUT /api/files/content takes the raw bytes, of any media type', () => {
    const content = operation('/api/files/content', 'put').requestBody?.content;
    expect(Object.keys(content ?? {})).toEqual(['application/octet-stream', '*/*']);
    expect(content!['application/octet-stream']!.schema).toMatchObject({ type: 'string', contentMediaType: 'application/octet-stream' });
  });
});

it('says a body may be left out where the route takes none as null (completing a resumable upload), and is required elsewhere', () => {
  expect(operation('/api/uploads/{id}/complete', 'post').requestBody?.required).toBe(false);
  expect(operation('/api/uploads', 'post').requestBody?.required).toBe(true);
  expect(operation('/api/folders', 'post').requestBody?.required).toBe(true);
});

describe('download routes', () => {
  it.each(CONTENT_PATHS.flatMap((path) => [['get', path] as const, ['head', path] as const]))(
    '%s %s documents its headers',
    (method, path) => {
      const op = operation(path, method);
      expect(headerParameters(op)).toEqual(expect.arrayContaining(['Range', 'If-None-Match', 'If-Range']));
      expect(headerParameters(op).includes('X-Share-Password')).toBe(path.startsWith('/api/public/'));
      for (const status of ['200', '206']) {
        expect(responseHeaders(op, status)).toEqual(
          expect.arrayContaining(['ETag', 'Last-Modified', 'Accept-Ranges', 'Content-Disposition', 'Content-Length', 'Cache-Control']),
        );
      }
      expect(responseHeaders(op, '206')).toContain('Content-Range');
      expect(responseHeaders(op, '304')).toEqual(expect.arrayContaining(['ETag', 'Last-Modified']));
      expect(responseHeaders(op, '416')).toEqual(['Content-Range']);
    },
  );

  it('documents HEAD, which every GET answers too, as headers without a body', () => {
    const paths = Object.keys(spec.paths).filter((path) => spec.paths[path]?.get);
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      const head = operation(path, 'head');
      expect(Object.keys(head.responses)).toEqual(Object.keys(operation(path, 'get').responses));
      expect(Object.values(head.responses).filter((response) => response.content !== undefined)).toEqual([]);
    }
    for (const path of CONTENT_PATHS) {
      expect(operation(path, 'get').responses['200']?.content).toBeDefined();
    }
  });

  it('documents the document\'s browser at /api/docs, which answers HTML to anyone', async () => {
    expect(operation('/api/docs', 'get').responses['200']?.content).toHaveProperty(['text/html']);
    const page = await t.anonymous.get('/api/docs');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
  });

  it('documents the web page of a share link, /s/{token}, as HTML for anyone (API.md, "Share links")', () => {
    for (const method of ['get', 'head']) {
      const op = operation('/s/{token}', method) as Operation & { security?: unknown[]; tags?: string[] };
      expect(op.security).toEqual([]);
      expect(op.tags).toEqual(['public']);
      expect(op.parameters).toEqual([expect.objectContaining({ in: 'path', name: 'token', required: true })]);
      expect(Object.keys(op.responses)).toEqual(['200', '404']);
    }
    expect(operation('/s/{token}', 'get').responses['200']?.content).toEqual({ 'text/html': { schema: { type: 'string' } } });
    expect(operation('/s/{token}', 'head').responses['200']?.content).toBeUndefined();
  });

  it('documents 400 wherever a query string is validated', () => {
    expect(Object.keys(operation('/api/public/shares/{token}/zip', 'get').responses)).toContain('400');
  });

  it('documents X-Share-Password on the public routes that read it, and only there', () => {
    const withPassword = Object.entries(spec.paths)
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const))
      .filter(([, op]) => headerParameters(op).includes('X-Share-Password'))
      .map(([route]) => route);
    expect(withPassword.sort()).toEqual(
      [
        'GET /api/public/shares/{token}/children',
        'HEAD /api/public/shares/{token}/children',
        'GET /api/public/shares/{token}/zip',
        'HEAD /api/public/shares/{token}/zip',
        ...CONTENT_PATHS.filter((path) => path.startsWith('/api/public/')).flatMap((path) => [`GET ${path}`, `HEAD ${path}`]),
      ].sort(),
    );
  });
});

describe('response headers', () => {
  it('documents Retry-After on every 429, and 429 where the limits apply', () => {
    const limited = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => op.responses['429'] !== undefined)
        .map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, headers: responseHeaders(op, '429') })),
    );
    expect(limited.map(({ route }) => route)).toEqual(
      expect.arrayContaining(['POST /api/auth/login', 'POST /api/auth/register', 'GET /api/public/shares/{token}']),
    );
    expect(limited.filter(({ headers }) => !headers.includes('Retry-After'))).toEqual([]);
  });

  it('documents Set-Cookie where a cookie is set or cleared', () => {
    expect(responseHeaders(operation('/api/auth/login', 'post'), '200')).toContain('Set-Cookie');
    expect(responseHeaders(operation('/api/auth/register', 'post'), '201')).toContain('Set-Cookie');
    expect(responseHeaders(operation('/api/auth/logout', 'post'), '204')).toContain('Set-Cookie');
    expect(responseHeaders(operation('/api/public/shares/{token}/unlock', 'post'), '204')).toContain('Set-Cookie');
  });

  it('documents the validators of kept answers', () => {
    const op = operation('/api/folders/{id}/children', 'get');
    expect(headerParameters(op)).toEqual(['If-None-Match']);
    expect(responseHeaders(op, '200')).toContain('ETag');
    expect(responseHeaders(op, '304')).toContain('ETag');
  });
});

it('names the browsable documentation at /api/docs', () => {
  expect(spec.info.description).toContain('/api/docs');
});

it('documents bodies and headers without validating them', async () => {
  const alice = await t.newUser();
  // A body Fastify would refuse as JSON is the file's bytes.
  const put = await alice.put('/api/files/content?name=notes.json', Buffer.from('{not json'), { 'content-type': 'application/json' });
  expect(put.statusCode).toBe(201);
  const id = put.json<{ id: string }>().id;
  // Header values outside the documented forms are the handler's to judge, not a 400.
  const res = await alice.request('GET', `/api/files/${id}/content`, undefined, {
    range: 'lines=1-2',
    'if-range': 'Tue, 01 Jan 2030 00:00:00 GMT',
  });
  expect(res.statusCode).toBe(200);
  expect(res.body).toBe('{not json');
});
