import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseByteSize, parseDuration } from './config.js';

/** The ConfigError loadConfig throws for `env`. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.databaseUrl).toBeUndefined();
    expect(config.storage.kind).toBe('local');
    expect(config.defaultQuota).toBe(10 * 1024 ** 3);
    expect(config.trashRetentionMs).toBe(30 * 86_400_000);
    expect(config.jobIntervalMs).toBe(3_600_000);
    expect(config.maxUpload).toBeUndefined();
    expect(config.trustProxy).toBe(false);
    expect(config.workers).toBe(1);
    expect(config.answerCacheBytes).toBe(32 * 1024 ** 2);
    expect(config.rateLimits).toEqual({ loginPerAccount: 10, loginPerAddress: 50, registerPerAddress: 100, sharePerAddress: 300 });
  });

  it('reads the variables it is given', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      FILEFLOW_DATA_DIR: '/var/lib/fileflow',
      DATABASE_URL: 'postgres://u@db:5432/ff',
      FILEFLOW_DEFAULT_QUOTA: '5GiB',
      FILEFLOW_TRASH_RETENTION: '7d',
      FILEFLOW_JOB_INTERVAL: '15m',
      FILEFLOW_MAX_UPLOAD: '100MB',
      FILEFLOW_TRUST_PROXY: '10.0.0.1, 10.0.0.2',
      FILEFLOW_LOGIN_LIMIT_ACCOUNT: '3',
      FILEFLOW_ANSWER_CACHE: '8MiB',
    });
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe('/var/lib/fileflow');
    expect(config.databaseUrl).toBe('postgres://u@db:5432/ff');
    expect(config.defaultQuota).toBe(5 * 1024 ** 3);
    expect(config.trashRetentionMs).toBe(7 * 86_400_000);
    expect(config.jobIntervalMs).toBe(15 * 60_000);
    expect(config.maxUpload).toBe(100_000_000);
    expect(config.trustProxy).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(config.rateLimits.loginPerAccount).toBe(3);
    expect(config.answerCacheBytes).toBe(8 * 1024 ** 2);
    expect(loadConfig({ FILEFLOW_ANSWER_CACHE: '0' }).answerCacheBytes).toBe(0);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3000, databaseUrl: undefined });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['FILEFLOW_DEFAULT_QUOTA', 'lots'],
    ['FILEFLOW_DEFAULT_QUOTA', '0'],
    ['FILEFLOW_DEFAULT_QUOTA', '10XB'],
    ['FILEFLOW_TRASH_RETENTION', 'forever'],
    ['FILEFLOW_TRASH_RETENTION', '30'],
    ['FILEFLOW_TRASH_RETENTION', '0d'],
    ['DATABASE_URL', 'mysql://root@localhost/db'],
    ['DATABASE_URL', 'not a url'],
    ['FILEFLOW_STORAGE', 'ftp'],
    ['FILEFLOW_LOGIN_LIMIT_ACCOUNT', '0'],
    ['FILEFLOW_ANSWER_CACHE', '-1'],
    ['FILEFLOW_ANSWER_CACHE', 'plenty'],
    ['FILEFLOW_TRUST_PROXY', 'maybe'],
    ['FILEFLOW_TRUST_PROXY', '10.0.0.1, proxy.internal'],
    ['FILEFLOW_TRUST_PROXY', '10.0.0.0/33'],
    ['FILEFLOW_TRUST_PROXY', '10.0.0.0/'],
    ['FILEFLOW_TRUST_PROXY', '::1/129'],
    // A zone ID Fastify's proxy-addr refuses (it would stop start-up without naming the variable).
    ['FILEFLOW_TRUST_PROXY', 'fe80::1%eth0.100'],
    ['FILEFLOW_TRUST_PROXY', '-1'],
    ['FILEFLOW_TRUST_PROXY', ','],
    ['FILEFLOW_PUBLIC_URL', 'javascript:alert(1)'],
    ['FILEFLOW_PUBLIC_URL', 'ftp://example.com'],
    ['FILEFLOW_PUBLIC_URL', 'files.example.com'],
    ['FILEFLOW_SEALING_KEY', 'secret'],
    // 31 and 33 bytes.
    ['FILEFLOW_SEALING_KEY', Buffer.alloc(31, 7).toString('base64')],
    ['FILEFLOW_SEALING_KEY', Buffer.alloc(33, 7).toString('base64')],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.message).toContain(name);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('reports every bad variable, one line each', () => {
    const error = configError({ PORT: 'x', FILEFLOW_TRASH_RETENTION: 'y' });
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.some((line) => line.startsWith('PORT'))).toBe(true);
    expect(lines.some((line) => line.startsWith('FILEFLOW_TRASH_RETENTION'))).toBe(true);
  });

  it.each([
    ['false', false],
    ['0', false],
    ['no', false],
    ['true', 1],
    ['TRUE', 1],
    ['yes', 1],
    ['1', 1],
    ['2', 2],
    ['10.0.0.1', ['10.0.0.1']],
    ['10.0.0.0/8, 192.168.1.0/24 ,::1, fd00::/8', ['10.0.0.0/8', '192.168.1.0/24', '::1', 'fd00::/8']],
    ['loopback, uniquelocal', ['loopback', 'uniquelocal']],
    // A netmask range, as Fastify takes it.
    ['10.0.0.0/255.0.0.0', ['10.0.0.0/255.0.0.0']],
  ])('reads FILEFLOW_TRUST_PROXY=%s: true is one hop, a number is hops, else proxy addresses', (value, expected) => {
    expect(loadConfig({ FILEFLOW_TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('takes an http(s) FILEFLOW_PUBLIC_URL, without its trailing slash', () => {
    expect(loadConfig({ FILEFLOW_PUBLIC_URL: 'https://files.example.com/' }).publicUrl).toBe('https://files.example.com');
    expect(loadConfig({ FILEFLOW_PUBLIC_URL: 'http://10.0.0.5:3000' }).publicUrl).toBe('http://10.0.0.5:3000');
  });

  it('takes a FILEFLOW_SEALING_KEY of 32 bytes in either base64 alphabet, and never repeats it in a refusal', () => {
    const key = Buffer.alloc(32, 0xfb);
    expect(loadConfig({ FILEFLOW_SEALING_KEY: key.toString('base64') }).sealingKey).toEqual(key);
    expect(loadConfig({ FILEFLOW_SEALING_KEY: ` ${key.toString('base64url')}\n` }).sealingKey).toEqual(key);
    expect(loadConfig({}).sealingKey).toBeUndefined();
    const tooShort = key.subarray(1).toString('base64');
    expect(configError({ FILEFLOW_SEALING_KEY: tooShort }).message).not.toContain(tooShort);
  });

  it('needs a bucket for S3 and a PostgreSQL server for several workers', () => {
    expect(configError({ FILEFLOW_STORAGE: 's3' }).message).toContain('S3_BUCKET');
    expect(configError({ FILEFLOW_WORKERS: '2' }).message).toContain('FILEFLOW_WORKERS');
    expect(loadConfig({ FILEFLOW_WORKERS: '2', DATABASE_URL: 'postgresql://db/ff' }).workers).toBe(2);
  });
});

describe('parseByteSize', () => {
  it.each([
    ['1024', 1024],
    ['0', 0],
    ['1b', 1],
    ['1KB', 1000],
    ['1KiB', 1024],
    ['10GiB', 10 * 1024 ** 3],
    ['1.5 MiB', 1.5 * 1024 ** 2],
    ['2tb', 2e12],
    [' 3 mb ', 3e6],
  ])('%s -> %i', (input, expected) => {
    expect(parseByteSize(input)).toBe(expected);
  });

  it.each(['', 'abc', '-5', '10 XB', '1e3', 'GiB', '99999999999 TiB'])('refuses %j', (input) => {
    expect(parseByteSize(input)).toBeNull();
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['45s', 45_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['30d', 30 * 86_400_000],
    ['2 H', 7_200_000],
  ])('%s -> %i', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each(['', '30', 'd', '1.5h', '-1h', '1w', 'forever'])('refuses %j', (input) => {
    expect(parseDuration(input)).toBeNull();
  });
});
