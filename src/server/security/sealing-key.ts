import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { syncPath } from '../sync-path.js';
import { SEALING_KEY_BYTES, SecretSealer } from './sealed-secrets.js';

/** The key's file in the data directory, when FILEFLOW_SEALING_KEY does not give one. */
export const SEALING_KEY_FILE = 'sealing.key';

/** A key as FILEFLOW_SEALING_KEY and the key file write it: 32 bytes in base64 (either alphabet). */
export function parseSealingKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    return undefined;
  }
  const key = Buffer.from(trimmed, 'base64');
  return key.length === SEALING_KEY_BYTES ? key : undefined;
}

/**
 * The data directory's sealing key, made on first start: written to a file of its own, synced,
 * then linked into place, so that workers starting together agree on one key (link fails on an
 * existing name, and the loser reads the winner's) and a crash never leaves a half-written key.
 * Readable by the server's user only.
 */
export async function dataDirSealingKey(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, SEALING_KEY_FILE);
  const existing = await readKeyFile(file);
  if (existing) {
    return existing;
  }
  await mkdir(dataDir, { recursive: true });
  const draft = `${file}.${randomBytes(6).toString('hex')}.new`;
  try {
    await writeFile(draft, `${randomBytes(SEALING_KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    await syncPath(draft);
    try {
      await link(draft, file);
      await syncPath(dataDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
  } finally {
    await rm(draft, { force: true });
  }
  const made = await readKeyFile(file);
  if (!made) {
    throw noKeyIn(file);
  }
  return made;
}

const noKeyIn = (file: string) => new Error(`${file} holds no key (32 bytes in base64)`);

async function readKeyFile(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
  const key = parseSealingKey(text);
  if (!key) {
    throw noKeyIn(file);
  }
  return key;
}

/**
 * The sealer for this server: FILEFLOW_SEALING_KEY's key, else the data directory's. Without
 * either (a data directory it cannot write, a damaged key file), it runs without one, as before
 * the key existed: links are then shown only in the answer that creates them.
 */
export async function openSecretSealer(
  config: { sealingKey: Buffer | undefined; dataDir: string },
  log: { warn: (details: object, message: string) => void },
): Promise<SecretSealer | undefined> {
  try {
    return new SecretSealer(config.sealingKey ?? (await dataDirSealingKey(config.dataDir)));
  } catch (error) {
    log.warn({ err: error }, 'no sealing key (set FILEFLOW_SEALING_KEY): share links can be copied only when they are created');
    return undefined;
  }
}
