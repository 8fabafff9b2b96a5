import { describe, expect, it } from 'vitest';
import { CredentialCache, type RememberedCredential } from './credential-cache.js';

function session(id: string, userId: string, expiresAt: Date | null = new Date(Date.now() + 60_000)): RememberedCredential {
  return { userId, via: 'session', credentialId: id, expiresAt, remember: false, lastUsedAt: 0 };
}

describe('CredentialCache', () => {
  it('answers what it remembered until the credential expires', () => {
    const cache = new CredentialCache(10);
    const expiresAt = new Date(Date.now() + 1000);
    cache.remember('h1', session('s1', 'u1', expiresAt), cache.ticket());
    expect(cache.get('h1')?.credentialId).toBe('s1');
    expect(cache.get('h1', expiresAt.getTime())).toBeUndefined();
    // Expired entries are dropped, not kept for later.
    expect(cache.get('h1')).toBeUndefined();
  });

  it('forgets a revoked credential, and every credential of a user', () => {
    const cache = new CredentialCache(10);
    cache.remember('h1', session('s1', 'u1'), cache.ticket());
    cache.remember('h2', session('s2', 'u1'), cache.ticket());
    cache.remember('h3', session('s3', 'u2'), cache.ticket());
    cache.forgetCredential('s1');
    expect(cache.get('h1')).toBeUndefined();
    expect(cache.get('h2')).toBeDefined();
    cache.forgetUser('u1');
    expect(cache.get('h2')).toBeUndefined();
    expect(cache.get('h3')).toBeDefined();
  });

  it('does not remember a read that began before a revocation', () => {
    const cache = new CredentialCache(10);
    const ticket = cache.ticket();
    // The database read is under way when the credential is revoked...
    cache.forgetCredential('s1');
    // ...so what it read may already be stale.
    cache.remember('h1', session('s1', 'u1'), ticket);
    expect(cache.get('h1')).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the least recently used', () => {
    const cache = new CredentialCache(2);
    cache.remember('h1', session('s1', 'u1'), cache.ticket());
    cache.remember('h2', session('s2', 'u1'), cache.ticket());
    cache.get('h1');
    cache.remember('h3', session('s3', 'u1'), cache.ticket());
    expect(cache.get('h2')).toBeUndefined();
    expect(cache.get('h1')).toBeDefined();
    expect(cache.get('h3')).toBeDefined();
  });

  it('remembers nothing with no capacity (a database other processes share)', () => {
    const cache = new CredentialCache(0);
    cache.remember('h1', session('s1', 'u1', null), cache.ticket());
    expect(cache.get('h1')).toBeUndefined();
  });
});
