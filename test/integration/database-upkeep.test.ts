import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/db/client.js';
import { maintenanceJobs } from '../../src/server/jobs/index.js';
import { DatabaseUpkeepRepository } from '../../src/server/repositories/database-upkeep.repository.js';
import { DatabaseUpkeep } from '../../src/server/services/database-upkeep.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const embedded = !process.env.DATABASE_URL;

/** What the planner believes of file_nodes: its rows as last measured (negative: never). */
async function plannerRows(): Promise<number> {
  const [row] = await queryRows<{ reltuples: number }>(t.database.db, sql`select reltuples from pg_class where relname = 'file_nodes'`);
  return Number(row!.reltuples);
}

describe.runIf(embedded)('database upkeep on the embedded database (it has no autovacuum)', () => {
  it('is one of the periodic jobs, run every minute', () => {
    const job = maintenanceJobs(t.app.services).find((j) => j.name === 'database-upkeep');
    expect(job?.everyMs).toBe(60_000);
  });

  it('measures tables never measured, then only those whose size moved, while requests go on', async () => {
    const upkeep = t.app.services.databaseUpkeep!;
    expect(await plannerRows()).toBeLessThan(0);
    const first = await upkeep.run();
    expect(first).toMatch(/^vacuumed and analyzed .*file_nodes \(never measured\)/);
    expect(await upkeep.run()).toBe('nothing to do');

    // Enough new rows to move file_nodes by more than its threshold (a tenth, at least 16 pages).
    const alice = await t.newUser();
    const parent = await alice.mkdir('Many');
    for (let i = 0; i < 700; i++) {
      await alice.mkdir(`folder ${i} with a name long enough to take some room`, parent.id);
    }
    // The upkeep and a search at once: the search waits its turn and answers in full.
    const [summary, search] = await Promise.all([upkeep.run(), alice.get('/api/search?q=room&limit=10')]);
    expect(summary).toMatch(/^vacuumed and analyzed .*file_nodes \(\d+ → \d+ pages\)/);
    expect(search.statusCode).toBe(200);
    expect(search.json().total).toBe(700);
    expect(await plannerRows()).toBeGreaterThanOrEqual(701);
    expect(await upkeep.run()).toBe('nothing to do');
  });

  it('makes a checkpoint once enough log was written since the last (here: any), so that a restart after a crash replays little', async () => {
    const database = new DatabaseUpkeepRepository(t.database.db);
    const upkeep = new DatabaseUpkeep(database, { checkpointAfterBytes: 1 });
    const alice = await t.newUser();
    await alice.mkdir('Written');
    const before = await database.logSinceCheckpoint();
    expect(before).toBeGreaterThan(0);
    expect(await upkeep.run()).toMatch(/checkpoint after [\d.]+ MiB of log$/);
    expect(await database.logSinceCheckpoint()).toBeLessThan(before);
    // With the default threshold (64 MiB) this little log waits.
    await alice.mkdir('Written again');
    expect(await t.app.services.databaseUpkeep!.run()).toBe('nothing to do');
  });

  it('vacuums the whole database, its catalogs with it, when its row ids are old enough to need freezing (here: any age)', async () => {
    const database = new DatabaseUpkeepRepository(t.database.db);
    const upkeep = new DatabaseUpkeep(database, { freezeAge: 0 });
    const alice = await t.newUser();
    await alice.mkdir('Frozen');
    const before = await database.transactionAge();
    expect(await upkeep.run()).toMatch(/vacuumed the whole database \(\d+ transactions old\)$/);
    // The database's oldest unfrozen row id moved forward: every table, catalogs included, was vacuumed.
    expect(await database.transactionAge()).toBeLessThan(before);
    expect((await alice.get('/api/folders/root/children')).statusCode).toBe(200);
  });
});

describe.runIf(!embedded)('database upkeep on a PostgreSQL server', () => {
  it('is left to the server (autovacuum)', () => {
    expect(t.app.services.databaseUpkeep).toBeUndefined();
    expect(maintenanceJobs(t.app.services).map((j) => j.name)).not.toContain('database-upkeep');
  });
});
