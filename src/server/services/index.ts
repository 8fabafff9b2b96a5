import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Config } from '../config.js';
import { isSharedDatabase, type Database } from '../db/client.js';
import { BlobsRepository } from '../repositories/blobs.repository.js';
import { NodesRepository } from '../repositories/nodes.repository.js';
import { RateLimitsRepository } from '../repositories/rate-limits.repository.js';
import { CredentialsRepository } from '../repositories/sessions.repository.js';
import { UsersRepository } from '../repositories/users.repository.js';
import { AccountsAdminService } from './accounts-admin.service.js';
import { AuthService } from './auth.service.js';
import { ContentService } from './content.service.js';
import { CredentialCache } from './credential-cache.js';
import { TreeVersions } from './tree-versions.js';
import { FilesService } from './files.service.js';
import { HealthService } from './health.service.js';
import { RateLimiter } from './rate-limiter.js';
import { TokensService } from './tokens.service.js';
import { TreeService } from './tree.service.js';
import { UploadsService } from './uploads.service.js';
import { UploadSessionsService } from './upload-sessions.service.js';
import { UploadSessionsRepository } from '../repositories/upload-sessions.repository.js';
import { JobsRepository } from '../repositories/jobs.repository.js';
import { SearchProfilesRepository } from '../repositories/search-profiles.repository.js';
import { SearchRepository } from '../repositories/search.repository.js';
import { FolderPaths } from './folder-paths.js';
import { SharesRepository } from '../repositories/shares.repository.js';
import { MaintenanceService } from './maintenance.service.js';
import { DatabaseUpkeep } from './database-upkeep.js';
import { DatabaseUpkeepRepository } from '../repositories/database-upkeep.repository.js';
import { SearchService } from './search.service.js';
import type { SecretSealer } from '../security/sealed-secrets.js';
import { SharesService } from './shares.service.js';
import { TrashService } from './trash.service.js';

const MINUTE = 60_000;
/** Valid credentials kept in memory on the embedded database (credential-cache.ts says why only there). */
const CREDENTIAL_CACHE_SIZE = 10_000;

/** Every service the routes use, wired once per app from the config and the adapters. */
export interface Services {
  auth: AuthService;
  /** The operator's account commands (the CLI's `fileflow users`); no route uses them. */
  accounts: AccountsAdminService;
  tokens: TokensService;
  tree: TreeService;
  content: ContentService;
  uploads: UploadsService;
  /** Resumable uploads: sessions that take a file in chunks. */
  uploadSessions: UploadSessionsService;
  files: FilesService;
  trash: TrashService;
  search: SearchService;
  shares: SharesService;
  maintenance: MaintenanceService;
  /** VACUUM and ANALYZE on the embedded database (a PostgreSQL server's autovacuum does them there). */
  databaseUpkeep?: DatabaseUpkeep;
  jobLeases: JobsRepository;
  health: HealthService;
  limiter: RateLimiter;
  credentialCache: CredentialCache;
  /** Started by the app before it serves (it may subscribe to the database). */
  treeVersions: TreeVersions;
}

export function createServices(
  config: Config,
  db: Database,
  store: BlobStore,
  log: Pick<Logger, 'warn' | 'error'>,
  sealer?: SecretSealer,
): Services {
  const users = new UsersRepository(db);
  const credentials = new CredentialsRepository(db);
  const nodes = new NodesRepository(db);
  const blobs = new BlobsRepository(db);
  const limits = config.rateLimits;
  const treeVersions = new TreeVersions(db, nodes);
  const tree = new TreeService(db, nodes, users, blobs, treeVersions);
  const content = new ContentService(db, blobs, store, log);
  const files = new FilesService(nodes, tree, store, content, treeVersions);
  const trash = new TrashService(db, nodes, users, content);
  const rateLimits = new RateLimitsRepository(db);
  const limiter = new RateLimiter(rateLimits);
  // On a PostgreSQL server other processes revoke credentials too: no cache there.
  const credentialCache = new CredentialCache(isSharedDatabase(db) ? 0 : CREDENTIAL_CACHE_SIZE);
  const sharesRepository = new SharesRepository(db);
  const uploads = new UploadsService(db, nodes, users, tree, content, store, config.maxUpload);
  const uploadSessions = new UploadSessionsService(db, new UploadSessionsRepository(db), users, tree, uploads, content, store, config.maxUpload);
  const auth = new AuthService(
    users,
    credentials,
    limiter,
    {
      loginPerAccount: { name: 'login-account', max: limits.loginPerAccount, windowMs: 15 * MINUTE },
      loginPerAddress: { name: 'login-address', max: limits.loginPerAddress, windowMs: 15 * MINUTE },
      registerPerAddress: { name: 'register-address', max: limits.registerPerAddress, windowMs: 60 * MINUTE },
    },
    config.defaultQuota,
    credentialCache,
    config.registration === 'open',
  );
  return {
    accounts: new AccountsAdminService(db, users, credentials, trash, auth, sharesRepository, uploadSessions, content),
    auth,
    tokens: new TokensService(credentials, credentialCache),
    tree,
    content,
    uploads,
    uploadSessions,
    files,
    trash,
    search: new SearchService(new SearchRepository(db), new SearchProfilesRepository(db), treeVersions, new FolderPaths()),
    shares: new SharesService(sharesRepository, nodes, tree, files, sealer),
    maintenance: new MaintenanceService(trash, content, blobs, store, credentials, rateLimits, uploadSessions, config.trashRetentionMs),
    databaseUpkeep: isSharedDatabase(db) ? undefined : new DatabaseUpkeep(new DatabaseUpkeepRepository(db)),
    jobLeases: new JobsRepository(db),
    health: new HealthService([
      {
        name: 'database',
        check: async () => {
          await db.execute(sql`select 1`);
        },
      },
      { name: 'storage', check: () => store.ping() },
    ]),
    limiter,
    credentialCache,
    treeVersions,
  };
}
