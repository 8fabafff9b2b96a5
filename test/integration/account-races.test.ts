import { sql } from 'drizzle-orm';
import { contentKey } from '../../src/server/blobs/blob-store.js';
import { queryRows } from '../../src/server/db/client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsersRepository } from '../../src/server/repositories/users.repository.js';
import { hashPassword } from '../../src/server/security/secrets.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { POSTGRES_URL } from '../helpers/database.js';
import { sha256 } from '../helpers/files.js';
import { checkInvariants } from '../helpers/invariants.js';

/**
 * Races between the operator's account commands and requests that workers are serving, on a
 * PostgreSQL server (the embedded database has one process and one connection). A transaction
 * held open stands for a request caught half-way.
 */
describe.runIf(POSTGRES_URL)('account commands racing requests on PostgreSQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Runs `work` in a transaction and holds it open until the returned release is called. */
  async function heldTransaction(work: (tx: Parameters<Parameters<TestApp['database']['db']['transaction']>[0]>[0]) => Promise<void>) {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let begun!: () => void;
    const started = new Promise<void>((resolve) => (begun = resolve));
    const done = t.database.db.transaction(async (tx) => {
      await work(tx);
      begun();
      await held;
    });
    await started;
    return { release, done };
  }

  it('does not delete an account whose upload commits while the deletion waits, nor skip its references', async () => {
    const dave = await t.newUser();
    const carol = await t.newUser();
    const kept = await dave.upload('same.txt', 'shared content');
    // An upload of carol's that a worker began before the deletion, as UploadsService commits one.
    const upload = await heldTransaction(async (tx) => {
      await tx.execute(sql`update users set storage_used = storage_used + 14 where id = ${carol.user.id}`);
      await tx.execute(sql`insert into file_nodes (user_id, name, type, size, sha256, etag)
        values (${carol.user.id}, 'late.txt', 'file', 14, ${kept.sha256}, 'e')`);
      await tx.execute(sql`update blobs set ref_count = ref_count + 1 where sha256 = ${kept.sha256}`);
    });
    const deleting = t.database.db.transaction((tx) => new UsersRepository(t.database.db).deleteIfEmpty(carol.user.id, tx));
    await new Promise((resolve) => setTimeout(resolve, 300));
    upload.release();
    await upload.done;
    expect(await deleting).toBe(false);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });

  it('opens no session for a password that a reset replaced while the sign-in checked it', async () => {
    const bob = await t.newUser();
    const reset = await heldTransaction(async (tx) => {
      await tx.execute(sql`update users set password_hash = ${await hashPassword('the operator set this one')} where id = ${bob.user.id}`);
      await tx.execute(sql`delete from sessions where user_id = ${bob.user.id}`);
    });
    // The sign-in checks the old password, which is still the committed one, then waits for the reset.
    const login = t.anonymous.post('/api/auth/login', { email: bob.user.email, password: bob.password });
    await new Promise((resolve) => setTimeout(resolve, 500));
    reset.release();
    await reset.done;
    expect((await login).statusCode).toBe(401);
    const sessions = await t.database.db.execute(sql`select count(*)::int as n from sessions where user_id = ${bob.user.id}`);
    expect((sessions as { rows: Array<{ n: number }> }).rows[0]?.n).toBe(0);
  });

  it('releases a chunk of a resumable upload that commits while the account deletion waits for it', async () => {
    const erin = await t.newUser();
    const session = (await erin.post('/api/uploads', { name: 'big.bin', size: 100 })).json();
    const first = Buffer.from('first chunk');
    const put = await erin.put(`/api/uploads/${session.id}/content?offset=0`, first, { 'content-type': 'application/octet-stream' });
    expect(put.statusCode).toBe(200);
    // A chunk a worker is committing, as UploadSessionsService does: the session's row locked, the
    // content referenced, the chunk recorded, the offset advanced.
    const late = sha256('late chunk');
    const chunk = await heldTransaction(async (tx) => {
      await tx.execute(sql`select 1 from upload_sessions where id = ${session.id} for update`);
      await tx.execute(sql`insert into blobs (sha256, size, storage_key, ref_count) values (${late}, 10, ${contentKey(late)}, 1)`);
      await tx.execute(sql`insert into upload_chunks (session_id, "offset", length, sha256) values (${session.id}, ${first.length}, 10, ${late})`);
      await tx.execute(sql`update upload_sessions set "offset" = ${first.length + 10} where id = ${session.id}`);
    });
    const deleting = t.app.services.accounts.deleteAccount(erin.user.username);
    await new Promise((resolve) => setTimeout(resolve, 500));
    chunk.release();
    await chunk.done;
    await deleting;
    expect(await queryRows(t.database.db, sql`select sha256 from blobs where sha256 in (${late}, ${sha256(first)})`)).toEqual([]);
    expect(await t.blobs.exists(contentKey(sha256(first)))).toBe(false);
    expect(await queryRows(t.database.db, sql`select 1 from upload_sessions where user_id = ${erin.user.id}`)).toEqual([]);
    expect(await checkInvariants(t.database.db, t.blobs)).toEqual([]);
  });
});
