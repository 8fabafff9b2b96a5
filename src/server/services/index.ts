import { sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { BlobsRepository } from '../repositories/blobs.repository.js';
import { NodesRepository } from '../repositories/nodes.repository.js';
import { RateLimitsRepository } from '../repositories/rate-limits.repository.js';
import { CredentialsRepository } from '../repositories/sessions.repository.js';
import { UsersRepository } from '../repositories/users.repository.js';
import { AuthService } from './auth.service.js';
import { HealthService } from './health.service.js';
import { RateLimiter } from './rate-limiter.js';
import { TokensService } from './tokens.service.js';
import { TreeService } from './tree.service.js';

const MINUTE = 60_000;

/** Every service the routes use, wired once per app from the config and the adapters. */
export interface Services {
  auth: AuthService;
  tokens: TokensService;
  tree: TreeService;
  health: HealthService;
  limiter: RateLimiter;
}

export function createServices(config: Config, db: Database): Services {
  const users = new UsersRepository(db);
  const credentials = new CredentialsRepository(db);
  const nodes = new NodesRepository(db);
  const blobs = new BlobsRepository(db);
  const limiter = new RateLimiter(new RateLimitsRepository(db));
  const limits = config.rateLimits;
  return {
    auth: new AuthService(
      users,
      credentials,
      limiter,
      {
        loginPerAccount: { name: 'login-account', max: limits.loginPerAccount, windowMs: 15 * MINUTE },
        loginPerAddress: { name: 'login-address', max: limits.loginPerAddress, windowMs: 15 * MINUTE },
        registerPerAddress: { name: 'register-address', max: limits.registerPerAddress, windowMs: 60 * MINUTE },
      },
      config.defaultQuota,
    ),
    tokens: new TokensService(credentials),
    tree: new TreeService(db, nodes, users, blobs),
    health: new HealthService([
      {
        name: 'database',
        check: async () => {
          await db.execute(sql`select 1`);
        },
      },
    ]),
    limiter,
  };
}
