import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Fastify's line when a request arrives and its line when the answer is done, at debug level
 * (`LOG_LEVEL=debug`) instead of info, except for answers of 400 and above: those stay at info,
 * in one line that names the request (failed sign-ins, refused links, rate limits, 503s are an
 * operator's business, and rare). Every other line Fastify writes (a failed request, a stream
 * cut short, a missing route) is as Fastify writes it. A reverse proxy in front usually
 * keeps the access log (the original's gunicorn kept none by default), and at info the two lines
 * cost a kept folder listing about a quarter of the server's CPU time (docs/DECISIONS.md).
 */
export class RequestsAtDebug extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      super.requestCompleted(error, request, reply);
      return;
    }
    if (reply.statusCode >= 400) {
      reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
      return;
    }
    reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/** The paths whose next segment is a share link's token: the API's, and the link's web page (doubled slashes reach them too). */
const TOKEN_IN_PATH = /^(\/+(?:api\/+public\/+shares|s)\/+)([^/?#]+)/;

/**
 * The URL with a share token cut short. A path with percent-escapes (`/%73/TOKEN` is the link's
 * page too) is matched, and then logged, decoded.
 */
function urlForLog(url: string): string {
  const cut = (text: string) => text.replace(TOKEN_IN_PATH, (_whole, prefix: string, token: string) => `${prefix}${token.slice(0, 4)}…`);
  if (!url.includes('%')) {
    return cut(url);
  }
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Not valid escapes: no route decodes it either.
    return cut(url);
  }
  const decodedCut = cut(decoded);
  return decodedCut === decoded ? cut(url) : decodedCut + (queryAt === -1 ? '' : url.slice(queryAt));
}

/**
 * A request as its log lines show it: Fastify's own fields, with a share link's token cut to its
 * first four characters. Logs are kept and read by more people than the links were sent to, and
 * the full token is the link (refused and rate-limited requests to links are logged at info).
 */
export function requestForLog(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: urlForLog(request.url),
    version: request.headers['accept-version'],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

