import proxyAddr from '@fastify/proxy-addr';
import path from 'node:path';
import { z } from 'zod';
import { parseSealingKey } from './security/sealing-key.js';

/** Parses "10GiB", "500MB", "1024" (bytes) into a byte count. */
export function parseByteSize(input: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?\s*$/i.exec(input);
  if (!match?.[1]) {
    return null;
  }
  const units: Record<string, number> = {
    b: 1,
    kb: 1e3,
    kib: 1024,
    mb: 1e6,
    mib: 1024 ** 2,
    gb: 1e9,
    gib: 1024 ** 3,
    tb: 1e12,
    tib: 1024 ** 4,
  };
  const unit = units[(match[2] ?? 'b').toLowerCase()] ?? 1;
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** Parses "30d", "1h", "15m", "45s" into milliseconds. */
export function parseDuration(input: string): number | null {
  const match = /^\s*(\d+)\s*(ms|s|m|h|d)\s*$/i.exec(input);
  if (!match?.[1] || !match[2]) {
    return null;
  }
  const units: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 };
  return Number(match[1]) * (units[match[2].toLowerCase()] ?? 1);
}

const byteSize = z.string().transform((value, ctx) => {
  const bytes = parseByteSize(value);
  if (bytes === null || bytes <= 0) {
    ctx.addIssue({ code: 'custom', message: `expected a positive byte size such as 10GiB or 1048576, got "${value}"` });
    return z.NEVER;
  }
  return bytes;
});

/** A byte size where 0 means "none" (turns a cache off). */
const byteSizeOrZero = z.string().transform((value, ctx) => {
  const bytes = value.trim() === '0' ? 0 : parseByteSize(value);
  if (bytes === null || bytes < 0) {
    ctx.addIssue({ code: 'custom', message: `expected a byte size such as 32MiB, or 0, got "${value}"` });
    return z.NEVER;
  }
  return bytes;
});

const duration = z.string().transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 30d, 12h, 15m or 45s, got "${value}"` });
    return z.NEVER;
  }
  return ms;
});

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/**
 * Whether Fastify's trustProxy takes `entry` (an address, a CIDR or netmask range, or loopback,
 * linklocal, uniquelocal): asked of the proxy-addr Fastify itself compiles it with, so that what
 * passes here never fails at start-up in a message that does not name the variable.
 */
function isProxyAddress(entry: string): boolean {
  try {
    proxyAddr.compile([entry]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which proxies' X-Forwarded-For to believe: false (none), a number of hops (true is 1: the one
 * proxy in front of us, so the client address is the right-most entry, the one that proxy wrote),
 * or the proxies' addresses and CIDR ranges.
 */
const trustProxy = z.string().transform((value, ctx): false | number | string[] => {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === 'false' || trimmed === 'no') {
    return false;
  }
  if (trimmed === 'true' || trimmed === 'yes') {
    return 1;
  }
  if (/^\d+$/.test(trimmed)) {
    const hops = Number(trimmed);
    return hops === 0 ? false : hops;
  }
  const entries = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => !isProxyAddress(entry));
  if (entries.length === 0 || bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `expected true, false, a number of proxy hops, or a comma-separated list of proxy addresses or CIDR ranges (such as 10.0.0.0/8), got "${bad[0] ?? value}"`,
    });
    return z.NEVER;
  }
  return entries;
});

const positiveInt = (what: string) =>
  z
    .string()
    .regex(/^\d+$/, `expected ${what}`)
    .transform(Number)
    .refine((n) => n > 0, `expected ${what}`);

/** Every environment variable FileFlow reads, with its default and meaning. */
const envSchema = z.object({
  /** TCP port to listen on. */
  PORT: z
    .string()
    .regex(/^\d+$/, 'expected a port number')
    .transform(Number)
    .refine((n) => n >= 0 && n <= 65535, 'expected a port number between 0 and 65535')
    .default(3000),
  /** Address to bind; 127.0.0.1 keeps a fresh install private to this machine. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Embedded database and local blobs live here. */
  FILEFLOW_DATA_DIR: z.string().min(1).default('./data'),
  /** A postgres:// URL selects a PostgreSQL server instead of the embedded database. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
    .optional(),
  /** Where file content is stored. */
  FILEFLOW_STORAGE: z.enum(['local', 's3'], { message: 'expected local or s3' }).default('local'),
  S3_BUCKET: z.string().min(1).optional(),
  S3_ENDPOINT: z.url({ message: 'expected a URL such as http://127.0.0.1:9000' }).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_FORCE_PATH_STYLE: booleanFlag.default(false),
  /** How long the S3 store may take to accept a connection, to start answering a read, or stay silent during an upload; past it (three attempts), a 503. */
  S3_TIMEOUT: duration.default(10_000),
  /** S3 credentials; when unset the AWS SDK's usual chain (profile, instance role ...) applies. */
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /**
   * The key that seals share links' tokens in the database (32 random bytes in base64, e.g. from
   * `openssl rand -base64 32`), so their owners can copy a link again. Unset: a key made on first
   * start in FILEFLOW_DATA_DIR/sealing.key. Servers on several machines need the same one.
   */
  FILEFLOW_SEALING_KEY: z
    .string()
    .refine((value) => parseSealingKey(value) !== undefined, 'expected 32 bytes in base64, such as the output of openssl rand -base64 32')
    .optional(),
  /** Base of share URLs, e.g. https://files.example.com; defaults to the request's own origin. */
  FILEFLOW_PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'expected an absolute http(s) URL such as https://files.example.com' }).optional(),
  /** Storage quota of a new account. */
  FILEFLOW_DEFAULT_QUOTA: byteSize.default(10 * 1024 ** 3),
  /** Trashed items older than this are deleted for good. */
  FILEFLOW_TRASH_RETENTION: duration.default(30 * 86400e3),
  /** How often background jobs run. */
  FILEFLOW_JOB_INTERVAL: duration.default(3600e3),
  /** Largest single file accepted (unset: only the quota limits it). */
  FILEFLOW_MAX_UPLOAD: byteSize.optional(),
  /** Memory per process for folder pages and breadcrumbs kept while the tree is unchanged; 0 turns it off. */
  FILEFLOW_ANSWER_CACHE: byteSizeOrZero.default(32 * 1024 ** 2),
  /** Trust X-Forwarded-For from a reverse proxy: true (one proxy), a hop count, or a comma-separated list of proxy addresses/CIDRs. */
  FILEFLOW_TRUST_PROXY: trustProxy.default(false),
  /** Server processes to run (several need DATABASE_URL). */
  FILEFLOW_WORKERS: positiveInt('a whole number of workers, 1 or more').default(1),
  /** A connection idle this long (no bytes either way) is closed: slow-loris uploads get nowhere. */
  FILEFLOW_IDLE_TIMEOUT: duration.default(120_000),
  /** Log level of pino. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Rate limits: failed logins per account / per address in 15 minutes, registrations per address per hour, public share requests per address per minute. */
  FILEFLOW_LOGIN_LIMIT_ACCOUNT: positiveInt('a whole number').default(10),
  FILEFLOW_LOGIN_LIMIT_ADDRESS: positiveInt('a whole number').default(50),
  FILEFLOW_REGISTER_LIMIT: positiveInt('a whole number').default(100),
  /** Whether anyone may create an account (open), or only the operator, with `fileflow users create` (closed). */
  FILEFLOW_REGISTRATION: z.enum(['open', 'closed']).default('open'),
  FILEFLOW_SHARE_LIMIT: positiveInt('a whole number').default(300),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  storage: {
    kind: 'local' | 's3';
    s3: {
      bucket: string | undefined;
      endpoint: string | undefined;
      region: string;
      forcePathStyle: boolean;
      credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
      timeoutMs: number;
    };
  };
  publicUrl: string | undefined;
  /** FILEFLOW_SEALING_KEY; undefined: the data directory's key (security/sealing-key.ts). */
  sealingKey: Buffer | undefined;
  defaultQuota: number;
  /** Sign-up through the API and the web UI; closed, accounts are made by the operator's CLI. */
  registration: 'open' | 'closed';
  trashRetentionMs: number;
  jobIntervalMs: number;
  maxUpload: number | undefined;
  answerCacheBytes: number;
  /**
   * Whose X-Forwarded-For to believe: nobody (false), the nearest `n` proxies whatever their
   * address, or proxies at these addresses / CIDR ranges.
   */
  trustProxy: false | number | string[];
  workers: number;
  idleTimeoutMs: number;
  logLevel: string;
  rateLimits: { loginPerAccount: number; loginPerAddress: number; registerPerAddress: number; sharePerAddress: number };
}

export class ConfigError extends Error {}

/**
 * Validates the environment once; throws a ConfigError whose message is one line per bad variable,
 * each naming the variable and what is wrong with it.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, as shells and compose files often leave them.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  if (e.FILEFLOW_STORAGE === 's3' && !e.S3_BUCKET) {
    throw new ConfigError('S3_BUCKET: required when FILEFLOW_STORAGE=s3');
  }
  if (e.FILEFLOW_WORKERS > 1 && !e.DATABASE_URL) {
    throw new ConfigError(
      'FILEFLOW_WORKERS: several workers need a PostgreSQL server (set DATABASE_URL); the embedded database serves one process',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.FILEFLOW_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    storage: {
      kind: e.FILEFLOW_STORAGE,
      s3: {
        bucket: e.S3_BUCKET,
        endpoint: e.S3_ENDPOINT,
        region: e.S3_REGION,
        forcePathStyle: e.S3_FORCE_PATH_STYLE,
        timeoutMs: e.S3_TIMEOUT,
        credentials:
          e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY ? { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY } : undefined,
      },
    },
    publicUrl: e.FILEFLOW_PUBLIC_URL?.replace(/\/+$/, ''),
    sealingKey: e.FILEFLOW_SEALING_KEY === undefined ? undefined : parseSealingKey(e.FILEFLOW_SEALING_KEY),
    defaultQuota: e.FILEFLOW_DEFAULT_QUOTA,
    registration: e.FILEFLOW_REGISTRATION,
    trashRetentionMs: e.FILEFLOW_TRASH_RETENTION,
    jobIntervalMs: e.FILEFLOW_JOB_INTERVAL,
    maxUpload: e.FILEFLOW_MAX_UPLOAD,
    answerCacheBytes: e.FILEFLOW_ANSWER_CACHE,
    trustProxy: e.FILEFLOW_TRUST_PROXY,
    workers: e.FILEFLOW_WORKERS,
    idleTimeoutMs: e.FILEFLOW_IDLE_TIMEOUT,
    logLevel: e.LOG_LEVEL,
    rateLimits: {
      loginPerAccount: e.FILEFLOW_LOGIN_LIMIT_ACCOUNT,
      loginPerAddress: e.FILEFLOW_LOGIN_LIMIT_ADDRESS,
      registerPerAddress: e.FILEFLOW_REGISTER_LIMIT,
      sharePerAddress: e.FILEFLOW_SHARE_LIMIT,
    },
  };
}
