import { notFound } from '../errors.js';
import type { ApiTokenRow } from '../db/schema/index.js';
import type { CredentialsRepository } from '../repositories/sessions.repository.js';
import { hashSecret, newSecret } from '../security/secrets.js';
import type { Principal } from './auth.service.js';

/** Secrets of personal access tokens start with this, so leaked ones are easy to recognise. */
export const TOKEN_PREFIX = 'ffp_';

/** Personal access tokens: created with a secret shown once, stored as a hash, revocable. */
export class TokensService {
  constructor(private readonly credentials: CredentialsRepository) {}

  async create(userId: string, name: string): Promise<{ row: ApiTokenRow; token: string }> {
    const token = newSecret(TOKEN_PREFIX);
    const row = await this.credentials.insertToken({ userId, name: name.trim(), tokenHash: hashSecret(token) });
    return { row, token };
  }

  list(userId: string): Promise<ApiTokenRow[]> {
    return this.credentials.listTokens(userId);
  }

  async revoke(userId: string, id: string): Promise<void> {
    if (!(await this.credentials.deleteToken(userId, id))) {
      throw notFound('That token');
    }
  }

  /** The principal behind a bearer token, or undefined for an unknown or revoked one. */
  async authenticate(token: string): Promise<Principal | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) {
      return undefined;
    }
    const found = await this.credentials.findTokenByHash(hashSecret(token));
    if (!found) {
      return undefined;
    }
    // last_used_at is informational: written at most once a minute, and never failing the request.
    const lastUsed = found.token.lastUsedAt?.getTime() ?? 0;
    if (Date.now() - lastUsed > 60_000) {
      this.credentials.touchToken(found.token.id).catch(() => undefined);
    }
    return { user: found.user, via: 'token', credentialId: found.token.id };
  }
}
