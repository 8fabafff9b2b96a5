import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { BlobStore } from './blobs/blob-store.js';
import type { Config } from './config.js';
import { isSharedDatabase, type Database } from './db/client.js';
import authPlugin from './plugins/auth.js';
import { requestForLog, RequestsAtDebug } from './plugins/request-log.js';
import crossOriginPlugin from './plugins/cross-origin.js';
import { clientErrors, frameworkErrors, registerErrorHandling } from './plugins/error-handler.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { DEFAULT_WEB_DIST_DIR, registerWebUi } from './plugins/web-ui.js';
import { authRoutes } from './routes/auth.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { filesRoutes } from './routes/files.routes.js';
import { publicSharesRoutes } from './routes/public-shares.routes.js';
import { searchRoutes } from './routes/search.routes.js';
import { sessionsRoutes } from './routes/sessions.routes.js';
import { sharesRoutes } from './routes/shares.routes.js';
import { trashRoutes } from './routes/trash.routes.js';
import { tokensRoutes } from './routes/tokens.routes.js';
import { treeRoutes } from './routes/tree.routes.js';
import { uploadsRoutes } from './routes/uploads.routes.js';
import { parseJsonBodies } from './http/json-body.js';
import { parseQueryString, refuseUndecodableQueries } from './http/query-string.js';
import { TreeAnswerCache } from './http/tree-answers.js';
import { openSecretSealer } from './security/sealing-key.js';
import { createServices, type Services } from './services/index.js';
import { VERSION } from './version.js';

export interface AppDependencies {
  config: Config;
  db: Database;
  blobs: BlobStore;
  logger?: FastifyServerOptions['logger'];
}

export type App = FastifyInstance & { services: Services };

/**
 * Fastify's trustProxy for the configured trust. A hop count becomes a function trusting the
 * nearest `hops` addresses (the socket's, then X-Forwarded-For from the right): Fastify's own
 * numeric option now trusts nobody, and its `true` trusts every entry, so the client would pick
 * its address by writing the left-most one itself.
 */
function fastifyTrustProxy(trust: Config['trustProxy']): FastifyServerOptions['trustProxy'] {
  if (typeof trust === 'number') {
    return (_address: string, hop: number) => hop < trust;
  }
  return trust;
}

/** Logger options with requests shown as requestForLog shows them (no share tokens). */
function withLogSerializers(logger: NonNullable<FastifyServerOptions['logger']>): FastifyServerOptions['logger'] {
  if (typeof logger !== 'object') {
    return logger;
  }
  return { ...logger, serializers: { req: requestForLog, ...logger.serializers } };
}

/** Builds the HTTP application from the config and the adapters; listening is the caller's job. */
export async function createApp({ config, db, blobs, logger }: AppDependencies): Promise<App> {
  const app = Fastify({
    logger: withLogSerializers(logger ?? { level: config.logLevel }),
    // Requests are logged at debug, not info (plugins/request-log.ts).
    logController: new RequestsAtDebug(),
    trustProxy: fastifyTrustProxy(config.trustProxy),
    // Uploads stream; JSON bodies are small.
    bodyLimit: 1024 * 1024,
    // No limit on a whole request (large uploads take long), but a socket idle for two minutes is
    // closed, and headers must arrive within Node's headersTimeout: slow-loris clients get nowhere.
    requestTimeout: 0,
    connectionTimeout: config.idleTimeoutMs,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    // The router's own refusals (an overlong or badly encoded id) get the contract's error body.
    frameworkErrors,
    clientErrorHandler: clientErrors,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true, querystringParser: parseQueryString },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  parseJsonBodies(app);
  refuseUndecodableQueries(app);

  const services = createServices(config, db, blobs, app.log, await openSecretSealer(config, app.log));
  await services.treeVersions.start();
  app.decorate('services', services);

  registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // helmet's default also allows fonts from any https: origin; the UI has none of its own.
        fontSrc: ["'self'", 'data:'],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        frameSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'"],
        // Plain-HTTP installs on a LAN address must keep loading their own assets.
        upgradeInsecureRequests: null,
      },
    },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(cookie);
  await app.register(authPlugin, { auth: services.auth, tokens: services.tokens, overlapChecks: isSharedDatabase(db) });
  await app.register(crossOriginPlugin);
  await registerOpenApi(app, VERSION);

  await app.register(healthRoutes, { services });
  await app.register(authRoutes, { services });
  await app.register(tokensRoutes, { services });
  await app.register(sessionsRoutes, { services });
  // Folder pages, breadcrumbs and search results, kept while the user's tree is unchanged.
  const answers = new TreeAnswerCache(config.answerCacheBytes);
  await app.register(treeRoutes, { services, answers });
  await app.register(filesRoutes, { services });
  await app.register(uploadsRoutes, { services });
  await app.register(trashRoutes, { services, retentionMs: config.trashRetentionMs });
  await app.register(searchRoutes, { services, answers });
  await app.register(sharesRoutes, { services, publicUrl: config.publicUrl });
  await app.register(publicSharesRoutes, { services, limitPerMinute: config.rateLimits.sharePerAddress });
  await registerWebUi(app, { distDir: DEFAULT_WEB_DIST_DIR });
  return app as unknown as App;
}
