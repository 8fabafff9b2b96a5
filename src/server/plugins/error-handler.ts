import type { Duplex } from 'node:stream';
import { errorSchema } from '../routes/common.schemas.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, errorCode } from '../errors.js';

/** The contract's code for an HTTP status that Fastify itself produced (bad JSON, too large ...). */
const CODE_FOR_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  411: 'length_required',
  413: 'too_large',
  414: 'invalid_request',
  416: 'range_not_satisfiable',
  429: 'rate_limited',
  431: 'invalid_request',
};

function send(reply: FastifyReply, status: number, code: string, message: string, details?: Readonly<Record<string, string | number>>): FastifyReply {
  // A refused upload's unread body is not worth receiving: close the connection after answering.
  if (!reply.request.raw.complete) {
    reply.header('connection', 'close');
  }
  return reply.status(status).type('application/json; charset=utf-8').send({ error: { ...details, code, message } });
}

/** Error codes of a connection the other side closed. */
const CONNECTION_CLOSED_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/** Whether `error`, or an error it wraps, is a closed connection ("aborted", ECONNRESET ...). */
function isConnectionClosed(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) {
    return false;
  }
  const code = errorCode(error);
  if ((code !== undefined && CONNECTION_CLOSED_CODES.has(code)) || error.message === 'aborted' || error.name === 'AbortError') {
    return true;
  }
  return isConnectionClosed(error.cause, depth + 1);
}

/**
 * Whether the request failed because the client went away before sending all of it (a cancelled
 * or dropped upload): its body stream was closed unfinished, and the error is that closing, or a
 * client error it caused (a multipart body cut short reads as malformed). A closed connection to
 * the database or the blob store, with the client still there, is not this.
 */
function clientWentAway(request: FastifyRequest, error: unknown, status: number): boolean {
  const raw = request.raw;
  // Node's typings say the socket is always there; it is null once detached from the request.
  const closedUnfinished = !raw.complete && (raw.destroyed || raw.socket?.destroyed === true);
  return closedUnfinished && (status < 500 || isConnectionClosed(error));
}

/** A field path such as "body.name" from a schema issue. */
function describeIssues(error: FastifyError): string {
  if (!hasZodFastifySchemaValidationErrors(error)) {
    return error.message;
  }
  const context = error.validationContext ?? 'request';
  return error.validation
    .slice(0, 5)
    .map((issue) => {
      const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
      return `${context}${path ? `.${path}` : ''}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Errors the router raises before any route or hook runs (a parameter too long or badly
 * percent-encoded), which Fastify would otherwise answer in its own shape. Such a parameter is an
 * id that cannot exist: 404, as for any other malformed id. Passed as Fastify's `frameworkErrors`.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    send(reply, 404, 'not_found', 'That item was not found.');
    return;
  }
  request.log.error({ err: error }, 'router error');
  send(reply, 500, 'internal_error', 'Something went wrong on our side.');
}

/**
 * One place maps every failure to the contract's error body: AppErrors as they say, schema failures
 * as 400 naming the field, Fastify's own 4xx with their codes, and anything else as a logged,
 * generic 500 that reveals nothing.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  // Every route that reads a JSON body may answer 413 (bodies are limited to 1 MiB): the OpenAPI
  // document says so.
  // Any request that can carry a body can carry a malformed or oversized one, answered 400 or 413
  // even by routes that take none (DELETE /api/nodes/:id with '{bad' as JSON): documented on all.
  // So can any request whose query string is validated (a 400 naming the parameter).
  app.addHook('onRoute', (route) => {
    const response = route.schema?.response as Record<string, unknown> | undefined;
    const methods = [route.method].flat();
    if (response && methods.some((method) => method !== 'GET' && method !== 'HEAD')) {
      response[400] ??= errorSchema;
      response[413] ??= errorSchema;
    }
    if (response && route.schema?.querystring) {
      response[400] ??= errorSchema;
    }
  });
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const status = error instanceof AppError ? error.status : typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (clientWentAway(request, error, status)) {
      // Routine (a cancelled upload, a dropped network), not a failure of ours; nobody reads the answer.
      request.log.info({ cause: `${error.code ?? error.name}: ${error.message}` }, 'client went away before the request finished');
      return send(reply, 400, 'invalid_request', 'The request was cut short.');
    }
    if (error instanceof AppError) {
      if (error.status >= 500 && error.code !== 'quota_exceeded') {
        // Ours, not the client's (a store that does not answer): the operator needs the cause.
        // A full quota (507) is the client's condition, no alert.
        request.log.error({ err: error.cause ?? error }, error.message);
      }
      const retryAfter = (error as AppError & { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retryAfter !== undefined) {
        reply.header('retry-after', String(retryAfter));
      }
      return send(reply, error.status, error.code, error.message, error.details);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      return send(reply, 400, 'invalid_request', describeIssues(error));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause }, 'response did not match its schema');
      return send(reply, 500, 'internal_error', 'Something went wrong on our side.');
    }
    if (status === 415) {
      // A body of a type the route does not take: the contract has no 415, and this is the
      // request's validation failing, on the field that names the type.
      return send(reply, 400, 'invalid_request', `content-type: ${error.message}`);
    }
    if (status >= 400 && status < 500) {
      const message = status === 400 && /JSON/i.test(error.message) ? 'body: is not valid JSON' : error.message;
      return send(reply, status, CODE_FOR_STATUS[status] ?? 'invalid_request', message);
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, 500, 'internal_error', 'Something went wrong on our side.');
  });

  app.setNotFoundHandler((request, reply) => send(reply, 404, 'not_found', `No route for ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}.`));
}

/**
 * Requests Node's HTTP parser refuses before any route sees them (headers too large, not HTTP at
 * all, a timeout): the contract's error body, where Fastify's default wrote its own shape.
 * Passed as Fastify's `clientErrorHandler`.
 */
export function clientErrors(this: { log: { trace: (details: object, message: string) => void } }, error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) {
    return;
  }
  const [status, reason, code, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'invalid_request', 'The request took too long to arrive.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'too_large', 'The request headers are too large.']
        : [400, 'Bad Request', 'invalid_request', 'The request is not valid HTTP.'];
  this.log.trace({ err: error }, 'client error');
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
