import { AppError, forbidden, invalidRequest, notFound, unauthenticated } from '../errors.js';
import { pgErrorOf, UNIQUE_VIOLATION } from '../db/errors.js';
import type { AccountRow, SessionRow, UserRow } from '../db/schema/index.js';
import type { CredentialsRepository } from '../repositories/sessions.repository.js';
import type { UsersRepository } from '../repositories/users.repository.js';
import { hashPassword, hashSecret, newSecret, verifyPassword } from '../security/secrets.js';
import type { CredentialCache, RememberedCredential } from './credential-cache.js';
import type { Limit, RateLimiter } from './rate-limiter.js';

const DAY = 86_400_000;
/** A session without "remember me" lives a day past its last use; with it, thirty days. */
export const SESSION_TTL_MS = DAY;
export const REMEMBER_TTL_MS = 30 * DAY;

/** Who made a request, and by which credential. */
export interface Principal {
  userId: string;
  via: 'session' | 'token';
  credentialId: string;
  /** The account as read together with the credential, when this request read it (not cached). */
  loadedUser?: AccountRow;
  /** The user's tree version as read together with the credential, when this request read it. */
  treeVersion?: number;
}

export function principalOf(credential: RememberedCredential, loaded?: { user: AccountRow; treeVersion: number }): Principal {
  const principal: Principal = { userId: credential.userId, via: credential.via, credentialId: credential.credentialId };
  if (loaded) {
    principal.loadedUser = loaded.user;
    principal.treeVersion = loaded.treeVersion;
  }
  return principal;
}

export interface AuthLimits {
  loginPerAccount: Limit;
  loginPerAddress: Limit;
  registerPerAddress: Limit;
}

const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'The email or password is wrong.');

// Verified against when the email is unknown, so that both failures take the same time.
const DUMMY_HASH_PROMISE = hashPassword('fileflow-timing-equaliser');

/** Accounts, passwords and browser sessions. */
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly credentials: CredentialsRepository,
    private readonly limiter: RateLimiter,
    private readonly limits: AuthLimits,
    private readonly defaultQuota: number,
    private readonly cache: CredentialCache,
    /** Whether anyone may create an account (FILEFLOW_REGISTRATION). */
    readonly registrationOpen: boolean,
  ) {}

  /** Creates an account and signs it in; 403 when sign-up is closed. */
  async register(
    input: { username: string; email: string; password: string },
    context: { address: string; userAgent: string | null },
  ): Promise<{ user: AccountRow; sessionToken: string; maxAgeMs: number | null }> {
    if (!this.registrationOpen) {
      throw forbidden('Sign-up is closed on this server: ask its operator for an account.');
    }
    await this.limiter.consume(this.limits.registerPerAddress, context.address);
    const user = await this.createAccount(input);
    const session = await this.startSession(user, false, context.userAgent);
    return { user, ...session };
  }

  /** Creates an account with the default quota (sign-up, and the operator's `fileflow users create`); 409 when the email or username is taken. */
  async createAccount(input: { username: string; email: string; password: string }): Promise<UserRow> {
    const email = input.email.trim().toLowerCase();
    const username = input.username.trim();
    try {
      return await this.users.insert({
        username,
        email,
        passwordHash: await hashPassword(input.password),
        storageQuota: this.defaultQuota,
      });
    } catch (error) {
      const pg = pgErrorOf(error);
      if (pg?.code === UNIQUE_VIOLATION && pg.constraint?.includes('email')) {
        throw new AppError(409, 'email_taken', 'An account with this email already exists.');
      }
      if (pg?.code === UNIQUE_VIOLATION && pg.constraint?.includes('username')) {
        throw new AppError(409, 'username_taken', 'This username is taken.');
      }
      throw error;
    }
  }

  /**
   * Checks the credentials and opens a session. Unknown email and wrong password get the same
   * answer in the same time; failures count against the account and the client address.
   * Each attempt is counted before the password is checked, so that parallel guesses cannot all
   * slip under the limit; a successful one is taken back, as only failures count.
   */
  async login(
    input: { email: string; password: string; remember: boolean },
    context: { address: string; userAgent: string | null },
  ): Promise<{ user: AccountRow; sessionToken: string; maxAgeMs: number | null }> {
    const email = input.email.trim().toLowerCase();
    await this.limiter.consume(this.limits.loginPerAddress, context.address);
    try {
      await this.limiter.consume(this.limits.loginPerAccount, email);
    } catch (error) {
      // A refused attempt is no failure: it does not spend the address's budget either.
      await this.limiter.release(this.limits.loginPerAddress, context.address);
      throw error;
    }
    const user = await this.users.findByEmail(email);
    const valid = user
      ? await verifyPassword(user.passwordHash, input.password)
      : await verifyPassword(await DUMMY_HASH_PROMISE, `${input.password}x`).then(() => false);
    if (!user || !valid) {
      throw invalidCredentials();
    }
    await this.limiter.clear(this.limits.loginPerAccount, email);
    await this.limiter.release(this.limits.loginPerAddress, context.address);
    const session = await this.startSession(user, input.remember, context.userAgent);
    return { user, ...session };
  }

  /** Opens a session, unless the password is no longer the one just checked (then 401, as for a wrong one). */
  private async startSession(user: UserRow, remember: boolean, userAgent: string | null): Promise<{ sessionToken: string; maxAgeMs: number | null }> {
    const sessionToken = newSecret();
    const ttl = remember ? REMEMBER_TTL_MS : SESSION_TTL_MS;
    const opened = await this.credentials.insertSessionIfPasswordIs(
      {
        userId: user.id,
        tokenHash: hashSecret(sessionToken),
        remember,
        userAgent: userAgent?.slice(0, 512) ?? null,
        expiresAt: new Date(Date.now() + ttl),
      },
      user.passwordHash,
    );
    if (!opened) {
      throw invalidCredentials();
    }
    // Without "remember me" the cookie ends with the browser session (the server also expires it).
    return { sessionToken, maxAgeMs: remember ? ttl : null };
  }

  /** The principal behind a session cookie's secret, extending a sliding session that is half used. */
  async authenticateSession(sessionToken: string): Promise<Principal | undefined> {
    const secretHash = hashSecret(sessionToken);
    const remembered = this.cache.get(secretHash);
    if (remembered) {
      return (await this.extendIfHalfUsed(remembered)) ? principalOf(remembered) : undefined;
    }
    const ticket = this.cache.ticket();
    const found = await this.credentials.findSessionByHash(secretHash);
    if (!found) {
      return undefined;
    }
    const credential: RememberedCredential = {
      userId: found.user.id,
      via: 'session',
      credentialId: found.session.id,
      expiresAt: found.session.expiresAt,
      remember: found.session.remember,
      lastUsedAt: 0,
    };
    if (!(await this.extendIfHalfUsed(credential))) {
      return undefined;
    }
    this.cache.remember(secretHash, credential, ticket);
    return principalOf(credential, found);
  }

  /**
   * Extends a sliding session once half its life is used; false when the session turned out to be
   * gone (expired and swept, or revoked, since it was read), which is then forgotten.
   */
  private async extendIfHalfUsed(session: RememberedCredential): Promise<boolean> {
    const ttl = session.remember ? REMEMBER_TTL_MS : SESSION_TTL_MS;
    if (!session.expiresAt || session.expiresAt.getTime() - Date.now() >= ttl / 2) {
      return true;
    }
    const expiresAt = new Date(Date.now() + ttl);
    if (!(await this.credentials.extendSession(session.credentialId, expiresAt))) {
      this.cache.forgetCredential(session.credentialId);
      return false;
    }
    session.expiresAt = expiresAt;
    return true;
  }

  /** The signed-in account as it is now (storage use included). */
  async currentUser(principal: Principal): Promise<AccountRow> {
    const user = principal.loadedUser ?? (await this.users.findById(principal.userId));
    if (!user) {
      throw unauthenticated();
    }
    return user;
  }

  /** Revokes the session on the server. */
  async logout(sessionId: string): Promise<void> {
    await this.credentials.deleteSession(sessionId);
    this.cache.forgetCredential(sessionId);
  }

  /** The user's live sessions (signed-in browsers), the most recently active first. */
  async listSessions(principal: Principal): Promise<Array<SessionRow & { current: boolean }>> {
    const rows = await this.credentials.listSessions(principal.userId);
    return rows.map((row) => ({ ...row, current: principal.via === 'session' && principal.credentialId === row.id }));
  }

  /** Signs one of the user's sessions out at once; 404 unless it is theirs. */
  async revokeSession(principal: Principal, sessionId: string): Promise<void> {
    if (!(await this.credentials.deleteUserSession(principal.userId, sessionId))) {
      throw notFound('That session');
    }
    this.cache.forgetCredential(sessionId);
  }

  /** Signs out every session of the user but the one asking (all of them, for a token). */
  async revokeOtherSessions(principal: Principal): Promise<void> {
    await this.credentials.deleteOtherSessions(principal.userId, principal.via === 'session' ? principal.credentialId : null);
    this.cache.forgetUser(principal.userId);
  }

  /** Changes the password after checking the current one; other sessions are signed out. */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.findById(principal.userId);
    if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
      throw invalidRequest('currentPassword: is wrong');
    }
    await this.users.updatePasswordHash(user.id, await hashPassword(newPassword));
    await this.revokeOtherSessions(principal);
  }

  /** Fails with 401 unless there is a principal. */
  static require(principal: Principal | undefined): Principal {
    if (!principal) {
      throw unauthenticated();
    }
    return principal;
  }
}
