import { notFound } from '../errors.js';
import type { ApiTokenRow } from '../db/schema/index.js';
import type { CredentialsRepository } from '../repositories/sessions.repository.js';
import { hashSecret, newSecret } from '../security/secrets.js';
import { principalOf, type Principal } from './auth.service.js';
import type { CredentialCache, RememberedCredential } from './credential-cache.js';

/** Secrets of personal access tokens start with this, so leaked ones are easy to recognise. */
export const TOKEN_PREFIX = 'ffp_';

/** Personal access tokens: created with a secret shown once, stored as a hash, revocable. */
export class TokensService {
  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly cache: CredentialCache,
  ) {}

  async create(userId: string, name: string): Promise<{ row: ApiTokenRow; token: string }> {
    const token = newSecret(TOKEN_PREFIX);
    const row = await this.credentials.insertToken({ userId, name: name.trim(), tokenHash: hashSecret(token) });
    return { row, token };
  }

  list(userId: string): Promise<ApiTokenRow[]> {
    return this.credentials.listTokens(userId);
  }

  async revoke(userId: string, id: string): Promise<void> {
    const deleted = await this.credentials.deleteToken(userId, id);
    this.cache.forgetCredential(id);
    if (!deleted) {
      throw notFound('That token');
    }
  }

  /** The principal behind a bearer token, or undefined for an unknown or revoked one. */
  async authenticate(token: string): Promise<Principal | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) {
      return undefined;
    }
    const secretHash = hashSecret(token);
    const remembered = this.cache.get(secretHash);
    if (remembered) {
      this.noteUse(remembered);
      return principalOf(remembered);
    }
    const ticket = this.cache.ticket();
    const found = await this.credentials.findTokenByHash(secretHash);
    if (!found) {
      return undefined;
    }
    const credential: RememberedCredential = {
      userId: found.user.id,
      via: 'token',
      credentialId: found.token.id,
      expiresAt: null,
      remember: false,
      lastUsedAt: found.token.lastUsedAt?.getTime() ?? 0,
    };
    this.noteUse(credential);
    this.cache.remember(secretHash, credential, ticket);
    return principalOf(credential, found);
  }

  /** last_used_at is informational: written at most once a minute, and never failing the request. */
  private noteUse(token: RememberedCredential): void {
    if (Date.now() - token.lastUsedAt > 60_000) {
      token.lastUsedAt = Date.now();
      this.credentials.touchToken(token.credentialId).catch(() => undefined);
    }
  }
}
