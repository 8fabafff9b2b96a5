import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretSealer } from './sealed-secrets.js';
import { dataDirSealingKey, openSecretSealer, SEALING_KEY_FILE } from './sealing-key.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) {
    await rm(dir, { recursive: true, force: true });
  }
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fileflow-key-'));
  dirs.push(dir);
  return dir;
}

describe('the data directory sealing key', () => {
  it('is made once: workers starting together on a new data directory all get the same key, and no draft is left', async () => {
    const dataDir = path.join(await tempDir(), 'not-yet-made');
    const keys = await Promise.all(Array.from({ length: 8 }, () => dataDirSealingKey(dataDir)));
    for (const key of keys) {
      expect(key).toEqual(keys[0]);
    }
    expect(keys[0]).toHaveLength(32);
    expect(await readdir(dataDir)).toEqual([SEALING_KEY_FILE]);
    expect(await dataDirSealingKey(dataDir)).toEqual(keys[0]);
  });

  it('serves without a key, with a warning, when the key file is damaged', async () => {
    const dataDir = await tempDir();
    await writeFile(path.join(dataDir, SEALING_KEY_FILE), 'not a key\n');
    const warnings: string[] = [];
    const sealer = await openSecretSealer({ sealingKey: undefined, dataDir }, { warn: (_details, message) => warnings.push(message) });
    expect(sealer).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('FILEFLOW_SEALING_KEY');
  });
});

describe('sealed secrets', () => {
  it('open only under the key and purpose they were sealed with, and never when altered', () => {
    const sealer = new SecretSealer(randomBytes(32));
    const secret = randomBytes(32).toString('base64url');
    const sealed = sealer.seal(secret, 'share-link-token:a');
    expect(sealed).not.toContain(secret);
    expect(sealer.seal(secret, 'share-link-token:a')).not.toBe(sealed);
    expect(sealer.open(sealed, 'share-link-token:a')).toBe(secret);
    expect(sealer.open(sealed, 'share-link-token:b')).toBeNull();
    expect(new SecretSealer(randomBytes(32)).open(sealed, 'share-link-token:a')).toBeNull();
    const [version, nonce, body, tag] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    for (const altered of [
      [version, nonce, flipped.toString('base64url'), tag].join('.'),
      [version, nonce, body].join('.'),
      ['v2', nonce, body, tag].join('.'),
      `${sealed}.x`,
      '',
    ]) {
      expect(sealer.open(altered, 'share-link-token:a')).toBeNull();
    }
  });
});
