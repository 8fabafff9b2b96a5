import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/db/client.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { ApiClient } from '../helpers/client.js';

// On the embedded database, the statements of write transactions run as named statements from
// their second run (db/statement-cache.ts). Their named runs are counted in pg_prepared_statements,
// which shows the embedded database's one session; a PostgreSQL server's pool is not visible so.
describe.runIf(!process.env.DATABASE_URL)('statements inside transactions (embedded database)', () => {
  let t: TestApp;
  let alice: ApiClient;

  beforeAll(async () => {
    t = await createTestApp({ env: { FILEFLOW_DEFAULT_QUOTA: '1MiB' } });
    alice = await t.newUser();
  });
  afterAll(async () => {
    await t.close();
  });

  /** How many times named statements whose text contains `fragment` have run. */
  async function namedRuns(fragment: string): Promise<number> {
    const [row] = await queryRows<{ runs: number }>(
      t.database.db,
      sql`select coalesce(sum(generic_plans + custom_plans), 0)::int as runs from pg_prepared_statements where statement like ${`%${fragment}%`}`,
    );
    return row!.runs;
  }

  it('runs a transaction statement named from its second run on, with the same results', async () => {
    const before = await namedRuns('insert into "file_nodes"');
    const made = [];
    for (let i = 0; i < 6; i++) {
      made.push(await alice.mkdir(`folder ${i}`));
    }
    // The first creation ran the insert the ordinary way (or an earlier test's did); the rest named.
    expect(await namedRuns('insert into "file_nodes"')).toBeGreaterThanOrEqual(before + 5);
    const listing = (await alice.get('/api/folders/root/children')).json<{ items: Array<{ id: string; name: string }> }>();
    expect(listing.items.map((item) => item.name)).toEqual(made.map((folder) => folder.name));
  });

  it('fails a named statement as the ordinary one would, and leaves nothing of the failed transaction', async () => {
    const parent = await alice.mkdir('clashes');
    await alice.mkdir('taken', parent.id);
    // A name clash found by the unique index inside the transaction: 409 every time, also once the
    // statements that ran before it in the transaction are named.
    for (let i = 0; i < 4; i++) {
      const res = await alice.post('/api/folders', { name: 'taken', parentId: parent.id });
      expect(res.statusCode).toBe(409);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('name_taken');
    }
    // A copy over the quota (1 MiB) rolls back after its named statements ran: nothing is left.
    const big = await alice.upload('big.bin', Buffer.alloc(700 * 1024, 1), parent.id);
    for (let i = 0; i < 3; i++) {
      const res = await alice.post(`/api/nodes/${big.id}/copy`, { parentId: parent.id, name: `copy ${i}.bin` });
      expect(res.statusCode).toBe(507);
    }
    const listing = (await alice.get(`/api/folders/${parent.id}/children`)).json<{ items: Array<{ name: string }> }>();
    expect(listing.items.map((item) => item.name)).toEqual(['taken', 'big.bin']);
    const me = (await alice.get('/api/me')).json<{ storageUsed: number }>();
    expect(me.storageUsed).toBe(700 * 1024);
    // The session goes on: the next transaction commits.
    expect((await alice.post('/api/folders', { name: 'after', parentId: parent.id })).statusCode).toBe(201);
  });

  it('prepares a statement afresh once a table it returns rows of has changed', async () => {
    const db = t.database.db;
    await db.execute(sql`create table statement_probe (id int primary key)`);
    const insert = (id: number) =>
      db.transaction(async (tx) => queryRows<Record<string, unknown>>(tx, sql`insert into statement_probe (id) values (${id}) returning *`));
    for (let id = 1; id <= 3; id++) {
      expect(await insert(id)).toEqual([{ id }]);
    }
    await db.execute(sql`alter table statement_probe add column extra text`);
    // Postgres may refuse the plan cached before the change once; after that the text is prepared again.
    await insert(4).catch(() => undefined);
    expect(await insert(5)).toEqual([{ id: 5, extra: null }]);
    expect(await insert(6)).toEqual([{ id: 6, extra: null }]);
  });
});
