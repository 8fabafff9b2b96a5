import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FileNodeRow } from '../db/schema/index.js';
import { clientAddress } from '../http/client-address.js';
import { sendArchive, sendContent } from '../http/send-content.js';
import type { Services } from '../services/index.js';
import type { ResolvedShare } from '../services/shares.service.js';
import { UNLOCK_TTL_MS } from '../services/shares.service.js';
import { notFound } from '../errors.js';
import { binaryResponse, contentQuery, contentResponses, errors, parseId, wantsInline } from './common.schemas.js';
import { listingSchema, listQuery, toListingDto } from './nodes.schemas.js';
import {
  publicShareSchema,
  sharePasswordDocs,
  sharedContentDocs,
  sharedZipDocs,
  tokenFileParams,
  tokenParams,
  unlockDocs,
} from './shares.schemas.js';

const UNLOCK_COOKIE = 'ff_share_unlock';
const MINUTE = 60_000;

/** Public share endpoints: no login; rate-limited per client address; password by header or unlock cookie. */
export const publicSharesRoutes: FastifyPluginAsyncZod<{ services: Services; limitPerMinute: number }> = async (app, { services, limitPerMinute }) => {
  const { shares, limiter } = services;
  const limit = { name: 'public-share', max: limitPerMinute, windowMs: MINUTE };

  // A share download counts against the link's limit: no GET here may run on a credential that
  // is not confirmed yet (plugins/auth.ts), or a revoked token would spend downloads it never gets.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, confirmCredentialsFirst: true };
  });

  app.addHook('onRequest', async (request) => {
    await limiter.consume(limit, clientAddress(request));
  });

  /**
   * The password in X-Share-Password. Node reads header bytes as Latin-1; a client sending UTF-8
   * (what fetch, curl and every browser send) means the characters those bytes encode, so bytes
   * that are valid UTF-8 are read as such, and anything else stays as Latin-1.
   */
  const headerPassword = (header: string | string[] | undefined): string | undefined => {
    if (typeof header !== 'string') {
      return undefined;
    }
    if (!/[\u0080-\u00ff]/.test(header)) {
      return header;
    }
    const bytes = Buffer.from(header, 'latin1');
    const text = bytes.toString('utf8');
    return Buffer.from(text, 'utf8').equals(bytes) ? text : header;
  };

  /** The link, after its password (header or cookie) where it has one. */
  const authorized = async (request: FastifyRequest, token: string): Promise<ResolvedShare> => {
    const resolved = await shares.resolve(token);
    await shares.authorize(resolved, {
      password: headerPassword(request.headers['x-share-password']),
      unlockCookie: request.cookies[UNLOCK_COOKIE],
    });
    return resolved;
  };

  /**
   * Gives a counted download or piece back when the response does not complete: 'finish' means
   * the whole response was handed over, 'close' without it that the client went away.
   * (writableFinished also waits for the socket's buffer, which not every transport reports.)
   */
  const refundUnlessFinished = (reply: FastifyReply, refund: () => Promise<void>): void => {
    let finished = false;
    reply.raw.once('finish', () => {
      finished = true;
    });
    reply.raw.once('close', () => {
      if (!finished) {
        void refund().catch(() => undefined);
      }
    });
  };

  /** Counts a whole download that is starting (410 when the link is used up), given back if it does not complete. */
  const countDownload = async (reply: FastifyReply, resolved: ResolvedShare): Promise<void> => {
    await shares.reserveDownload(resolved.share);
    refundUnlessFinished(reply, () => shares.refundDownload(resolved.share));
  };

  /**
   * Sends a file of a share. A full download counts once, reserved when it starts and given
   * back if it does not complete; HEAD and 304s never count. A partial (206) answer counts as
   * its share of the file (shares.service.ts: reservePartialDownload), so pieces that make up
   * the file count once: the file cannot be fetched in pieces (bytes=0-4, then bytes=5-) past a
   * limit, and a video played in ranges does not use up a limited link at its first seek.
   */
  const sendShared = async (request: FastifyRequest, reply: FastifyReply, resolved: ResolvedShare, node: FileNodeRow, inline: boolean) => {
    const content = {
      name: node.name,
      size: node.size,
      mimeType: node.mimeType ?? 'application/octet-stream',
      sha256: node.sha256,
      modifiedAt: node.modifiedAt,
      open: async (range?: { start: number; end: number }) => {
        // Whether the body is the whole file, not whether a Range header was sent: a malformed,
        // multi-range or non-byte Range header is ignored and the whole file goes out, and a range
        // covering every byte (bytes=0-) is a whole download too.
        const whole = range === undefined || (range.start === 0 && range.end >= node.size - 1);
        let refund: (() => Promise<void>) | undefined;
        if (request.method === 'GET' && whole) {
          await shares.reserveDownload(resolved.share);
          refund = () => shares.refundDownload(resolved.share);
        } else if (request.method === 'GET' && range) {
          const units = await shares.reservePartialDownload(resolved.share, range.end - range.start + 1, node.size);
          refund = () => shares.refundPartialDownload(resolved.share, units);
        }
        if (refund) {
          refundUnlessFinished(reply, refund);
        }
        try {
          return await shares.open(node, range);
        } catch (error) {
          // The error answer will complete, so the close handler would not give the count back.
          await refund?.();
          throw error;
        }
      },
    };
    return sendContent(request, reply, content, { inline });
  };

  app.get(
    '/api/public/shares/:token',
    {
      schema: {
        tags: ['public'],
        summary: "A link's metadata (no password needed)",
        params: tokenParams,
        response: { 200: publicShareSchema, ...errors(404, 410, 429) },
      },
    },
    async (request) => {
      const { share, node } = await shares.resolve(request.params.token);
      return {
        name: node.name,
        type: node.type,
        size: node.type === 'file' ? node.size : 0,
        mimeType: node.mimeType,
        expiresAt: share.expiresAt.toISOString(),
        requiresPassword: share.passwordHash !== null,
        downloadsLeft: share.maxDownloads === null ? null : Math.max(0, share.maxDownloads - share.accessCount),
      };
    },
  );

  app.post(
    '/api/public/shares/:token/unlock',
    {
      schema: {
        tags: ['public'],
        summary: 'Check the password and set a short-lived cookie scoped to this link',
        params: tokenParams,
        body: z.object({ password: z.string().max(1024) }),
        openapi: unlockDocs,
        response: { 204: z.null(), ...errors(400, 401, 404, 410, 429) },
      },
    },
    async (request, reply) => {
      const resolved = await shares.resolve(request.params.token);
      const cookie = await shares.unlock(resolved, request.body.password);
      if (cookie) {
        reply.setCookie(UNLOCK_COOKIE, cookie, {
          path: `/api/public/shares/${request.params.token}`,
          httpOnly: true,
          sameSite: 'strict',
          secure: request.protocol === 'https',
          maxAge: Math.floor(UNLOCK_TTL_MS / 1000),
        });
      }
      return reply.status(204).send(null);
    },
  );

  app.route({
    method: ['GET', 'HEAD'],
    url: '/api/public/shares/:token/content',
    schema: {
      tags: ['public'],
      summary: 'Download the shared file (counts once per completed download; Range supported: a range answer counts as its share of the file, so ranges that make up the file count once)',
      params: tokenParams,
      querystring: contentQuery,
      openapi: sharedContentDocs,
      response: { ...contentResponses, ...errors(400, 401, 404, 410, 416, 429, 503) },
    },
    handler: async (request, reply) => {
      const resolved = await authorized(request, request.params.token);
      if (resolved.node.type !== 'file') {
        throw notFound('That file');
      }
      return sendShared(request, reply, resolved, resolved.node, wantsInline(request.query));
    },
  });

  app.get(
    '/api/public/shares/:token/children',
    {
      schema: {
        tags: ['public'],
        summary: 'List a folder inside a shared folder (the shared folder itself by default)',
        params: tokenParams,
        querystring: listQuery.extend({ folderId: z.string().max(100).optional() }),
        openapi: sharePasswordDocs,
        response: { 200: listingSchema, ...errors(400, 401, 404, 410, 429) },
      },
    },
    async (request) => {
      const resolved = await authorized(request, request.params.token);
      const { folderId, ...page } = request.query;
      return toListingDto(await shares.listFolder(resolved, folderId ? parseId(folderId, 'That folder') : null, page));
    },
  );

  app.route({
    method: ['GET', 'HEAD'],
    url: '/api/public/shares/:token/files/:id/content',
    schema: {
      tags: ['public'],
      summary: 'Download a file inside a shared folder',
      params: tokenFileParams,
      querystring: contentQuery,
      openapi: sharedContentDocs,
      response: { ...contentResponses, ...errors(400, 401, 404, 410, 416, 429, 503) },
    },
    handler: async (request, reply) => {
      const resolved = await authorized(request, request.params.token);
      const file = await shares.fileInShare(resolved, parseId(request.params.id, 'That file'));
      return sendShared(request, reply, resolved, file, wantsInline(request.query));
    },
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/api/public/shares/:token/zip',
    schema: {
      tags: ['public'],
      summary: 'Download a shared folder, or a folder inside it (?folderId=), as a zip (counts as a download)',
      params: tokenParams,
      querystring: z.object({ folderId: z.string().max(100).optional() }),
      openapi: sharedZipDocs,
      response: { 200: binaryResponse('The shared folder as a streamed zip archive', 'application/zip'), ...errors(401, 404, 410, 429, 503) },
    },
    handler: async (request, reply) => {
      const resolved = await authorized(request, request.params.token);
      const { folderId } = request.query;
      const archive = await shares.archive(resolved, folderId ? parseId(folderId, 'That folder') : null);
      // A HEAD is no download.
      if (request.method === 'GET') {
        try {
          await countDownload(reply, resolved);
        } catch (error) {
          // Refused (the link used up by downloads that started meanwhile): the archive is never
          // sent, so nothing else would close it, its open content, or the lease on its content.
          archive.stream.destroy();
          throw error;
        }
      }
      return sendArchive(request, reply, archive);
    },
  });

};
