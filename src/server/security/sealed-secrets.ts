import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM: 32-byte key, 12-byte nonce, 16-byte tag. */
export const SEALING_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

/**
 * Seals secrets the server must be able to show again (a share link's token) under a key kept
 * outside the database, so a leaked dump of the database holds no working secret. Each seal has
 * its own random nonce, and the tag authenticates it: a value sealed under another key, or altered,
 * opens to null rather than to a wrong secret.
 */
export class SecretSealer {
  constructor(private readonly key: Buffer) {
    if (key.length !== SEALING_KEY_BYTES) {
      throw new Error(`a sealing key is ${SEALING_KEY_BYTES} bytes`);
    }
  }

  /** `v1.<nonce>.<ciphertext>.<tag>`, base64url; `purpose` must be given again to open it. */
  seal(secret: string, purpose: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(purpose));
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, nonce.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** The secret, or null when `sealed` was not made by seal() with this key and purpose. */
  open(sealed: string, purpose: string): string | null {
    const [version, nonce, ciphertext, tag, ...rest] = sealed.split('.');
    if (version !== VERSION || nonce === undefined || ciphertext === undefined || tag === undefined || rest.length > 0) {
      return null;
    }
    const nonceBytes = Buffer.from(nonce, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    if (nonceBytes.length !== NONCE_BYTES || tagBytes.length !== TAG_BYTES) {
      return null;
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, nonceBytes, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // Another key, or altered: the tag does not match.
      return null;
    }
  }
}
